import { createHash } from 'node:crypto';
import { DASHBOARD_SIGN_IN_CSP, dashboardSignInPage } from './dashboard-sign-in.page';

describe('dashboard sign-in page', () => {
  it('is a script-free form posting the key to the dashboard route, whose CSP allows exactly its style', () => {
    const html = dashboardSignInPage('sign-in');
    expect(html).toContain('<form method="post" action="dashboard">');
    expect(html).toContain('<input id="key" name="key" type="password"');
    expect(html).not.toMatch(/<script|\son\w+=/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(DASHBOARD_SIGN_IN_CSP).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(DASHBOARD_SIGN_IN_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_SIGN_IN_CSP).toContain("form-action 'self'");
    expect(DASHBOARD_SIGN_IN_CSP).toContain("frame-ancestors 'none'");
  });

  it('says when the key was wrong, and only then', () => {
    expect(dashboardSignInPage('wrong-key')).toContain('id="wrong-key"');
    expect(dashboardSignInPage('sign-in')).not.toContain('id="wrong-key"');
  });
});
