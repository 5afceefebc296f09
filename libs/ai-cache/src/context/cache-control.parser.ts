import type { AICacheControls } from './ai-cache.context';

/**
 * The request directives of RFC 9111 that map onto cache controls:
 * `no-cache` and `max-age=0` (do not answer from the cache: compute, still store) → noCache;
 * `no-store` (do not store what this request computes) → noStore;
 * `Pragma: no-cache` counts as `no-cache` when there is no Cache-Control header (HTTP/1.0 clients).
 * Every other directive is ignored; directive names are case-insensitive.
 */
export function cacheControlsFromHeaders(cacheControl: unknown, pragma?: unknown): Pick<AICacheControls, 'noCache' | 'noStore'> {
  const header = headerValue(cacheControl);
  if (header === undefined) {
    return directives(headerValue(pragma)).has('no-cache') ? { noCache: true } : {};
  }
  const found = directives(header);
  const controls: Pick<AICacheControls, 'noCache' | 'noStore'> = {};
  if (found.has('no-cache') || found.get('max-age') === '0') controls.noCache = true;
  if (found.has('no-store')) controls.noStore = true;
  return controls;
}

/** A header as one string: Node gives arrays for repeated headers, which are comma-joinable here. */
function headerValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  return undefined;
}

function directives(header: string | undefined): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  if (!header) return found;
  for (const part of header.split(',')) {
    const [name, ...rest] = part.split('=');
    const directive = name.trim().toLowerCase();
    if (!directive) continue;
    const argument = rest.length > 0 ? rest.join('=').trim().replace(/^"(.*)"$/, '$1') : undefined;
    found.set(directive, argument);
  }
  return found;
}
