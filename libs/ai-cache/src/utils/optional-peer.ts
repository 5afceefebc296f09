/**
 * True when `error` is Node's "module not found" for the package `name` itself, as opposed to a
 * broken install of it (one of its own files or dependencies missing), which must surface as is.
 */
export function isMissingPackage(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  if (typeof message !== 'string') return false;
  // require: "Cannot find module 'ioredis'"; import: "Cannot find package 'ioredis' imported from …".
  return message.includes(`module '${name}'`) || message.includes(`package '${name}'`);
}

/** What a feature that needs an optional peer dependency throws when the app has not installed it. */
export class MissingPeerDependencyError extends Error {
  constructor(
    readonly packageName: string,
    feature: string,
    options?: { cause?: unknown },
  ) {
    super(`nestjs-ai-cache: ${feature} needs the package '${packageName}', which is not installed. Install it: npm i ${packageName}`, options);
    this.name = 'MissingPeerDependencyError';
  }
}

/**
 * Runs `load` (a require or dynamic import that reaches `packageName`); when that package is not
 * installed, throws a MissingPeerDependencyError that says what to install instead of Node's bare
 * "Cannot find module".
 */
export async function loadWithPeer<T>(packageName: string, feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissingPackage(error, packageName)) throw new MissingPeerDependencyError(packageName, feature, { cause: error });
    throw error;
  }
}
