import { Body, Controller, Get, Header, Post, Req, Res, UseFilters } from '@nestjs/common';
import { sessionCookie } from './dashboard-session';
import { DashboardSignInFilter, type HtmlResponse, sendSignInPage } from './dashboard-sign-in.filter';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard.page';
import { OperatorAccess } from './operator-access.guard';
import { OperatorCredentials } from './operator-credentials';

interface SignInRequest {
  originalUrl: string;
  /** Express: true over HTTPS (or behind a proxy it trusts that says so). */
  secure?: boolean;
}

interface RedirectResponse extends HtmlResponse {
  redirect(status: number, url: string): unknown;
}

@Controller('cache')
export class DashboardController {
  constructor(private readonly credentials: OperatorCredentials) {}

  /**
   * A live view of the cache (polls `GET /cache/snapshot`); see dashboard.page.ts. With an admin key
   * set: the key as a header, or a session cookie; a browser without either gets the sign-in page.
   */
  @Get('dashboard')
  @OperatorAccess('read')
  @UseFilters(DashboardSignInFilter)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-store')
  dashboard(): string {
    return DASHBOARD_HTML;
  }

  /**
   * The sign-in form's target (`key=<admin key>`, form-encoded): the right key gets a session cookie
   * and a 303 back to the dashboard, a wrong one the form again (401). Without an admin key the
   * dashboard is open, so this just sends the browser there.
   */
  @Post('dashboard')
  signIn(@Body() body: unknown, @Req() request: SignInRequest, @Res() response: RedirectResponse): void {
    const { admin, sessions } = this.credentials;
    if (sessions) {
      const key = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).key : undefined;
      if (!admin.matches(key)) return sendSignInPage(response, 'wrong-key');
      response.setHeader('Set-Cookie', sessionCookie(sessions.issue(), { path: cookiePath(request.originalUrl), secure: request.secure === true }));
    }
    // Relative, so it stays right under a global prefix; 303 turns the POST into a GET.
    response.redirect(303, 'dashboard');
  }
}

/** `/api/cache/dashboard?x` → `/api/cache`: the session is sent to the cache endpoints only. */
function cookiePath(originalUrl: string): string {
  return originalUrl.split('?')[0].replace(/\/dashboard\/?$/, '') || '/';
}
