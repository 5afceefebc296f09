import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DashboardController } from './dashboard.controller';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard.page';

describe('DashboardController', () => {
  it('serves the page as HTML with its Content-Security-Policy, never cached', async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [DashboardController] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const response = await request(app.getHttpServer()).get('/cache/dashboard').expect(200);
    expect(response.text).toBe(DASHBOARD_HTML);
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    await app.close();
  });
});
