import { Controller, Get, type INestApplication, Post } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { OperatorAccess, OperatorAccessGuard } from './operator-access.guard';
import { OperatorCredentials } from './operator-credentials';

@Controller()
class LevelsController {
  @Get('metrics')
  @OperatorAccess('metrics')
  metrics() {
    return 'metrics';
  }

  @Get('read')
  @OperatorAccess('read')
  read() {
    return 'read';
  }

  @Post('admin')
  @OperatorAccess('admin')
  admin() {
    return 'admin';
  }
}

/** An app whose operator secrets are exactly `env` (the machine's environment is ignored). */
async function appWith(env: Record<string, string>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ ignoreEnvFile: true, skipProcessEnv: true, load: [() => env] })],
    controllers: [LevelsController],
    providers: [OperatorCredentials, OperatorAccessGuard],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

const ADMIN = 'admin-key-0123456789';
const METRICS = 'metrics-token-0123456789';

describe('OperatorAccessGuard', () => {
  const apps: INestApplication[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await appWith(env);
    apps.push(app);
    return () => request(app.getHttpServer());
  };
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('with no secret set: metrics and read are open, admin is disabled (403)', async () => {
    const http = await start({});
    await http().get('/metrics').expect(200, 'metrics');
    await http().get('/read').expect(200, 'read');
    const disabled = await http().post('/admin').set('x-api-key', 'anything').expect(403);
    expect(disabled.body.message).toBe('Cache administration is disabled: set CACHE_ADMIN_API_KEY to enable it');
  });

  it('with the admin key: each level wants it, in the forms that level accepts', async () => {
    const http = await start({ CACHE_ADMIN_API_KEY: ADMIN });
    for (const path of ['/metrics', '/read']) {
      const missing = await http().get(path).expect(401);
      expect(missing.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      expect(missing.body.message).toMatch(/^Missing credentials/);
      expect((await http().get(path).set('authorization', `Bearer ${ADMIN}x`).expect(401)).body.message).toBe('Invalid credentials');
      await http().get(path).set('x-api-key', 'wrong').expect(401);
      await http().get(path).set('authorization', `Basic ${ADMIN}`).expect(401);
      await http().get(path).set('authorization', `Bearer ${ADMIN}`).expect(200);
      await http().get(path).set('authorization', `bearer  ${ADMIN}`).expect(200);
      await http().get(path).set('x-api-key', ADMIN).expect(200);
    }
    // Invalidation: the x-api-key header only, with today's messages.
    const missing = await http().post('/admin').expect(401);
    expect(missing.headers['www-authenticate']).toBe('ApiKey header="x-api-key"');
    expect(missing.body.message).toBe('Missing x-api-key header');
    expect((await http().post('/admin').set('x-api-key', 'wrong').expect(401)).body.message).toBe('Invalid API key');
    await http().post('/admin').set('authorization', `Bearer ${ADMIN}`).expect(401);
    await http().post('/admin').set('x-api-key', ADMIN).expect(201);
  });

  it('a dashboard session cookie opens read, never admin (a cookie rides along with cross-site requests)', async () => {
    const http = await start({ CACHE_ADMIN_API_KEY: ADMIN });
    const credentials = apps[apps.length - 1].get(OperatorCredentials);
    const cookie = `ai_cache_dashboard=${credentials.sessions!.issue()}`;
    await http().get('/read').set('cookie', cookie).expect(200);
    await http().get('/read').set('cookie', 'ai_cache_dashboard=v1.9999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(401);
    await http().post('/admin').set('cookie', cookie).expect(401);
    await http().get('/metrics').set('cookie', cookie).expect(401);
  });

  it('with a metrics token: metrics takes it (or the admin key) as a bearer token; read does not take it', async () => {
    const http = await start({ CACHE_ADMIN_API_KEY: ADMIN, CACHE_METRICS_TOKEN: METRICS });
    await http().get('/metrics').set('authorization', `Bearer ${METRICS}`).expect(200);
    await http().get('/metrics').set('x-api-key', METRICS).expect(200);
    await http().get('/metrics').set('authorization', `Bearer ${ADMIN}`).expect(200);
    expect((await http().get('/metrics').expect(401)).body.message).toContain('the metrics token');
    await http().get('/metrics').set('authorization', 'Bearer nope').expect(401);
    await http().get('/read').set('authorization', `Bearer ${METRICS}`).expect(401);
    await http().post('/admin').set('x-api-key', METRICS).expect(401);
  });

  it('with only a metrics token: metrics is protected, read stays open, admin stays disabled', async () => {
    const http = await start({ CACHE_METRICS_TOKEN: METRICS });
    await http().get('/metrics').expect(401);
    await http().get('/metrics').set('authorization', `Bearer ${METRICS}`).expect(200);
    await http().get('/read').expect(200);
    await http().post('/admin').set('x-api-key', METRICS).expect(403);
  });

  it('treats blank secrets as unset', async () => {
    const http = await start({ CACHE_ADMIN_API_KEY: '   ', CACHE_METRICS_TOKEN: '' });
    await http().get('/metrics').expect(200);
    await http().post('/admin').set('x-api-key', '   ').expect(403);
  });
});
