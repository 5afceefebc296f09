import { createHash } from 'node:crypto';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard.page';

const inline = (tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(DASHBOARD_HTML)?.[1] ?? '';
const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('dashboard page', () => {
  it('allows exactly its own inline script and style by hash, and connections to its origin only', () => {
    expect(DASHBOARD_CSP).toContain(`script-src ${hash(inline('script'))}`);
    expect(DASHBOARD_CSP).toContain(`style-src ${hash(inline('style'))}`);
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).toContain("connect-src 'self'");
    expect(DASHBOARD_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('polls the snapshot endpoint relative to itself (so it works under a global prefix) and loads nothing else', () => {
    expect(inline('script')).toContain("fetch('snapshot'");
    expect(DASHBOARD_HTML).not.toMatch(/<script\s+src|<link\s+rel="stylesheet"|@import|url\(/i);
    expect(DASHBOARD_HTML.match(/https?:\/\/[^'"\s]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('has a chart for hit ratio, latency, cache memory and process memory, and writes data as text only', () => {
    for (const id of ['chart-hit-ratio', 'chart-latency', 'chart-memory', 'chart-process']) expect(DASHBOARD_HTML).toContain(`id="${id}"`);
    // No innerHTML: what the API returns is never parsed as markup.
    expect(inline('script')).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
