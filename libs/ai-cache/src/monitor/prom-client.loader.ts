import type * as PromClient from 'prom-client';
import { isMissingPackage } from '../utils/optional-peer';

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
    if (isMissingPackage(error, 'prom-client')) return undefined;
    throw error;
  }
}
