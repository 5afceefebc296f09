import type { INestApplication } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DashboardController } from './dashboard.controller';
import { DASHBOARD_SIGN_IN_CSP } from './dashboard-sign-in.page';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard.page';
import { OperatorAccessGuard } from './operator-access.guard';
import { OperatorCredentials } from './operator-credentials';

async function appWith(env: Record<string, string>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ ignoreEnvFile: true, skipProcessEnv: true, load: [() => env] })],
    controllers: [DashboardController],
    providers: [OperatorCredentials, OperatorAccessGuard],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

const HARDENING = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' };

describe('DashboardController', () => {
  let app: INestApplication | undefined;
  afterEach(() => app?.close());

  it('serves the page as HTML with its Content-Security-Policy, never cached, when no admin key is set', async () => {
    app = await appWith({});
    const response = await request(app.getHttpServer()).get('/cache/dashboard').expect(200);
    expect(response.text).toBe(DASHBOARD_HTML);
    expect(response.headers).toMatchObject({ ...HARDENING, 'content-security-policy': DASHBOARD_CSP });
    // Signing in is pointless then: the form's target just sends the browser to the page.
    const redirect = await request(app.getHttpServer()).post('/cache/dashboard').type('form').send({ key: 'x' }).expect(303);
    expect(redirect.headers.location).toBe('dashboard');
    expect(redirect.headers['set-cookie']).toBeUndefined();
  });

  it('with an admin key: a sign-in form (401, no script allowed) until the key is posted, then a session cookie opens the page', async () => {
    app = await appWith({ CACHE_ADMIN_API_KEY: 'the-admin-key' });
    const http = () => request(app!.getHttpServer());
    const signIn = await http().get('/cache/dashboard').expect(401);
    expect(signIn.headers).toMatchObject({ ...HARDENING, 'content-security-policy': DASHBOARD_SIGN_IN_CSP });
    expect(signIn.text).toContain('<form method="post" action="dashboard">');
    expect(signIn.text).not.toContain('<script');
    expect(DASHBOARD_SIGN_IN_CSP).toContain("form-action 'self'");
    expect(DASHBOARD_SIGN_IN_CSP).not.toContain('script-src');

    const wrong = await http().post('/cache/dashboard').type('form').send({ key: 'guess' }).expect(401);
    expect(wrong.text).toContain('id="wrong-key"');
    expect(wrong.text).not.toContain('guess');
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const ok = await http().post('/cache/dashboard').type('form').send({ key: 'the-admin-key' }).expect(303);
    expect(ok.headers.location).toBe('dashboard');
    const [cookie] = ok.headers['set-cookie'] as unknown as string[];
    expect(cookie).toMatch(/^ai_cache_dashboard=v1\.\d+\.[\w-]{43}; Path=\/cache; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain('the-admin-key');
    const page = await http().get('/cache/dashboard').set('cookie', cookie.split(';')[0]).expect(200);
    expect(page.text).toBe(DASHBOARD_HTML);
    // The header works too (scripts, curl).
    await http().get('/cache/dashboard').set('x-api-key', 'the-admin-key').expect(200);
  });
});
