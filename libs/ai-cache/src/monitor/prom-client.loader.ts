import type * as PromClient from 'prom-client';

// Kept apart from the registration: this file's declarations name prom-client's types, and no public
// declaration imports it, so apps without prom-client still type-check against the library.

/**
 * prom-client, when the app has it; undefined when it is not installed. Any other failure (a broken
 * install, a missing dependency of prom-client itself) is thrown: it is not "absent".
 */
export function loadPromClient(load: (id: string) => unknown = require): typeof PromClient | undefined {
  try {
    return load('prom-client') as typeof PromClient;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'MODULE_NOT_FOUND' && message?.includes("'prom-client'")) return undefined;
    throw error;
  }
}
