import { DASHBOARD_SESSION_MAX_AGE_S, DashboardSessions, readCookie, sessionCookie } from './dashboard-session';

describe('DashboardSessions', () => {
  let now = Date.UTC(2026, 0, 1);
  const clock = () => now;

  it('accepts what it issued until it expires', () => {
    const sessions = new DashboardSessions('admin-key', clock);
    const value = sessions.issue();
    expect(value).toMatch(/^v1\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(value).not.toContain('admin-key');
    expect(sessions.verify(value)).toBe(true);
    now += (DASHBOARD_SESSION_MAX_AGE_S - 1) * 1000;
    expect(sessions.verify(value)).toBe(true);
    now += 1000;
    expect(sessions.verify(value)).toBe(false);
  });

  it('refuses values signed with another key, tampered with, or malformed', () => {
    const sessions = new DashboardSessions('admin-key', clock);
    const value = sessions.issue();
    expect(new DashboardSessions('rotated-key', clock).verify(value)).toBe(false);
    const [version, expiresAt, mac] = value.split('.');
    // A later expiry with the old MAC, or a flipped MAC character.
    expect(sessions.verify(`${version}.${Number(expiresAt) + 60}.${mac}`)).toBe(false);
    expect(sessions.verify(`${version}.${expiresAt}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`)).toBe(false);
    for (const bad of ['', 'v1', `v2.${expiresAt}.${mac}`, `${value}x`, undefined, 42, [value]]) expect(sessions.verify(bad)).toBe(false);
  });

  it('refuses an expiry further away than a session lasts (a forged long-lived value)', () => {
    const issuedLater = new DashboardSessions('admin-key', () => now + 10 * DASHBOARD_SESSION_MAX_AGE_S * 1000).issue();
    expect(new DashboardSessions('admin-key', clock).verify(issuedLater)).toBe(false);
  });
});

describe('cookies', () => {
  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; ai_cache_dashboard=v1.2.x; b=3', 'ai_cache_dashboard')).toBe('v1.2.x');
    expect(readCookie(['a=1', 'ai_cache_dashboard=z'], 'ai_cache_dashboard')).toBe('z');
    expect(readCookie('xai_cache_dashboard=1', 'ai_cache_dashboard')).toBeUndefined();
    expect(readCookie(undefined, 'ai_cache_dashboard')).toBeUndefined();
  });

  it('writes an HttpOnly, SameSite=Strict session cookie for the given path, Secure over HTTPS', () => {
    expect(sessionCookie('v', { path: '/cache', secure: false })).toBe(
      `ai_cache_dashboard=v; Path=/cache; Max-Age=${DASHBOARD_SESSION_MAX_AGE_S}; HttpOnly; SameSite=Strict`,
    );
    expect(sessionCookie('v', { path: '/api/cache', secure: true })).toMatch(/; Path=\/api\/cache; .*; Secure$/);
  });
});
