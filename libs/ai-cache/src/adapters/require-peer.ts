/** An optional peer dependency an adapter entry needs, and how to install it. */
export interface PeerDependency {
  /** The module to load, e.g. `'@langchain/core/caches'`. */
  module: string;
  /** The entry point that needs it, e.g. `'nestjs-ai-cache/langchain'`. */
  entry: string;
  /** What to install, e.g. `'@langchain/core@^1'`. */
  install: string;
}

/**
 * Loads an optional peer dependency of an adapter entry. Node's own error ("Cannot find module
 * '@langchain/core/caches'") says neither who needed it nor which version to install; this one does.
 * Any other failure (a broken install, an error inside the package) is rethrown as is.
 */
export function requirePeer<T>({ module, entry, install }: PeerDependency): T {
  try {
    // A plain require: the adapters are CommonJS like the rest of the library, and the peer must be
    // resolved from the application's node_modules at load time, not bundled.
    return require(module) as T;
  } catch (error) {
    if (!isMissing(error, module)) throw error;
    throw new Error(
      `${entry} needs the optional peer dependency '${packageName(module)}' (it loads '${module}'), ` +
        `which is not installed or too old: npm install ${install}`,
      { cause: error },
    );
  }
}

/**
 * True when `error` says that `module` itself cannot be resolved: the package is absent, or it is a
 * version whose `exports` lack that subpath. Not when one of the package's own imports is missing.
 */
function isMissing(error: unknown, module: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  if (code === 'MODULE_NOT_FOUND') return message.startsWith(`Cannot find module '${module}'`);
  return code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' && message.includes(`${packageName(module)}/package.json`);
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(module: string): string {
  const parts = module.split('/');
  return module.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
