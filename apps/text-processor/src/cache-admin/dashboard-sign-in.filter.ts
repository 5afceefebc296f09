import { type ArgumentsHost, Catch, type ExceptionFilter, UnauthorizedException } from '@nestjs/common';
import { DASHBOARD_SIGN_IN_CSP, dashboardSignInPage, type SignInNotice } from './dashboard-sign-in.page';

export interface HtmlResponse {
  status(code: number): HtmlResponse;
  setHeader(name: string, value: string): unknown;
  send(body: string): unknown;
}

/** Answers an HTML page with its headers (the sign-in page shares the dashboard's hardening). */
export function sendSignInPage(response: HtmlResponse, notice: SignInNotice): void {
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Content-Security-Policy', DASHBOARD_SIGN_IN_CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Cache-Control', 'no-store');
  response.status(401).send(dashboardSignInPage(notice));
}

/** On the dashboard route, a 401 from the guard becomes the sign-in page (a browser cannot send headers on navigation). */
@Catch(UnauthorizedException)
export class DashboardSignInFilter implements ExceptionFilter {
  catch(_exception: UnauthorizedException, host: ArgumentsHost): void {
    sendSignInPage(host.switchToHttp().getResponse<HtmlResponse>(), 'sign-in');
  }
}
