/** Thrown at bootstrap for a bad option; `option` is its path, e.g. `redis.commandTimeoutMs`. */
export class CacheOptionsError extends Error {
  constructor(
    readonly option: string,
    problem: string,
    received: unknown,
  ) {
    super(`nestjs-ai-cache: invalid option \`${option}\`: ${problem} (received ${describe(received)})`);
    this.name = 'CacheOptionsError';
  }
}

/** A received value shown by its description only: secrets (keys) never appear in an error message. */
export class RedactedValue {
  constructor(readonly description: string) {}
}

function describe(value: unknown): string {
  if (value instanceof RedactedValue) return value.description;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}
