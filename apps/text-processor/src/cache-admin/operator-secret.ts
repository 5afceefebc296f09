import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A configured secret (an API key or bearer token) and the one way this app compares a presented
 * value with it: SHA-256 digests of both, compared with `timingSafeEqual`, so the time taken says
 * nothing about how much of the value was right, nor about its length.
 */
export class OperatorSecret {
  private readonly digest?: Buffer;

  /** Unset, empty and blank values all mean "not configured". */
  constructor(value: string | undefined) {
    const secret = value?.trim();
    this.digest = secret ? sha256(secret) : undefined;
  }

  get configured(): boolean {
    return this.digest !== undefined;
  }

  /** True only for a non-empty string equal to the secret (never when the secret is not configured). */
  matches(given: unknown): boolean {
    if (!this.digest || typeof given !== 'string' || given.length === 0) return false;
    return timingSafeEqual(sha256(given), this.digest);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
