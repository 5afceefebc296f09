import { createHmac, timingSafeEqual } from 'node:crypto';

export const DASHBOARD_SESSION_COOKIE = 'ai_cache_dashboard';
/** A browser signed in to the dashboard stays signed in this long (then it asks for the key again). */
export const DASHBOARD_SESSION_MAX_AGE_S = 8 * 3600;
const FORMAT = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
/** Tolerated clock difference between the instance that issued a session and the one checking it. */
const CLOCK_SKEW_S = 60;

/**
 * Dashboard sign-in without server-side state: the cookie holds an expiry and an HMAC-SHA256 of it
 * keyed by the admin key. Every instance behind a load balancer accepts it, changing the admin key
 * signs every browser out, and the key itself is never stored in the browser.
 */
export class DashboardSessions {
  constructor(
    private readonly adminKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session value, valid for `DASHBOARD_SESSION_MAX_AGE_S`. */
  issue(): string {
    const expiresAt = Math.floor(this.now() / 1000) + DASHBOARD_SESSION_MAX_AGE_S;
    return `v1.${expiresAt}.${this.mac(expiresAt)}`;
  }

  /** True for an unexpired value this admin key issued; false for anything else (constant-time on the MAC). */
  verify(value: unknown): boolean {
    const match = typeof value === 'string' ? FORMAT.exec(value) : null;
    if (!match) return false;
    const expiresAt = Number(match[1]);
    const nowS = Math.floor(this.now() / 1000);
    if (expiresAt <= nowS || expiresAt > nowS + DASHBOARD_SESSION_MAX_AGE_S + CLOCK_SKEW_S) return false;
    return timingSafeEqual(Buffer.from(match[2]), Buffer.from(this.mac(expiresAt)));
  }

  private mac(expiresAt: number): string {
    return createHmac('sha256', this.adminKey).update(`nestjs-ai-cache dashboard session v1 ${expiresAt}`).digest('base64url');
  }
}

/** The value of one cookie from a `Cookie` header (first occurrence), undefined when absent. */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const pair of text.split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}

/**
 * The Set-Cookie value for a session: HttpOnly (no script can read it), SameSite=Strict (never sent
 * by a request another site starts), limited to the cache endpoints' path, Secure over HTTPS.
 */
export function sessionCookie(value: string, options: { path: string; secure: boolean }): string {
  const attributes = [`${DASHBOARD_SESSION_COOKIE}=${value}`, `Path=${options.path}`, `Max-Age=${DASHBOARD_SESSION_MAX_AGE_S}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}
