import { type ArgumentsHost, UnauthorizedException } from '@nestjs/common';
import { DashboardSignInFilter, type HtmlResponse } from './dashboard-sign-in.filter';
import { DASHBOARD_SIGN_IN_CSP, dashboardSignInPage } from './dashboard-sign-in.page';

/** What the filter wrote (a stand-in for Express' response, which only needs these three calls). */
function recordingResponse() {
  const written = { status: 0, headers: {} as Record<string, string>, body: '' };
  const response: HtmlResponse = {
    status: (code) => ((written.status = code), response),
    setHeader: (name, value) => (written.headers[name] = value),
    send: (body) => (written.body = body),
  };
  return { response, written };
}

describe('DashboardSignInFilter', () => {
  it('turns a 401 into the sign-in page, with the page hardening headers', () => {
    const { response, written } = recordingResponse();
    const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
    new DashboardSignInFilter().catch(new UnauthorizedException('Missing credentials'), host);
    expect(written).toEqual({
      status: 401,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': DASHBOARD_SIGN_IN_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
      body: dashboardSignInPage('sign-in'),
    });
  });
});
