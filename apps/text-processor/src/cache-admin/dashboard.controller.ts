import { Controller, Get, Header } from '@nestjs/common';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard.page';

@Controller('cache')
export class DashboardController {
  /** A live view of the cache (polls `GET /cache/snapshot`); see dashboard.page.ts. */
  @Get('dashboard')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-store')
  dashboard(): string {
    return DASHBOARD_HTML;
  }
}
