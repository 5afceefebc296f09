import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { clearCacheEnvironment, createDemoApp } from './support/demo-app';

const ADMIN_KEY = 'admin-key-for-operator-auth-e2e';
const METRICS_TOKEN = 'metrics-token-for-operator-auth-e2e';
const WRONG = 'not-the-right-secret';

/** The read-only operator endpoints that answer JSON (the SSE stream and the dashboard page are checked apart). */
const READ_ENDPOINTS = ['/cache/stats', '/cache/snapshot'];

async function startDemo(env: Record<string, string>): Promise<NestExpressApplication> {
  clearCacheEnvironment();
  delete process.env.CACHE_ADMIN_API_KEY;
  delete process.env.CACHE_METRICS_TOKEN;
  Object.assign(process.env, { LLM_FAKE_LATENCY_MS: '1', ...env });
  const app = await createDemoApp();
  await app.listen(0, '127.0.0.1');
  return app;
}

/** The status of `GET /cache/snapshots` (SSE): read from the response head, then the stream is dropped. */
function sseStatus(app: NestExpressApplication, headers: Record<string, string> = {}): Promise<number> {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/cache/snapshots?intervalMs=250', headers }, (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
  });
}

describe('operator endpoints of the demo app: tokens (e2e over HTTP)', () => {
  const savedEnv = { ...process.env };
  afterAll(() => {
    process.env = savedEnv;
  });

  describe('no token set (the defaults: read-only endpoints open, invalidation disabled)', () => {
    let app: NestExpressApplication;
    beforeAll(async () => {
      app = await startDemo({});
    });
    afterAll(() => app?.close());

    it('serves metrics, stats, snapshots and the dashboard to anyone', async () => {
      const http$ = () => request(app.getHttpServer());
      await http$().get('/metrics').expect(200);
      for (const path of READ_ENDPOINTS) await http$().get(path).expect(200);
      expect(await sseStatus(app)).toBe(200);
      expect((await http$().get('/cache/dashboard').expect(200)).text).toContain('<title>AI cache dashboard</title>');
    });

    it('refuses invalidation with 403 whatever is sent', async () => {
      for (const key of [undefined, WRONG, ADMIN_KEY]) {
        const call = request(app.getHttpServer()).post('/cache/invalidate').send({ operation: 'summarize' });
        await (key === undefined ? call : call.set('x-api-key', key)).expect(403);
      }
    });
  });

  describe('CACHE_ADMIN_API_KEY set', () => {
    let app: NestExpressApplication;
    const http$ = () => request(app.getHttpServer());
    beforeAll(async () => {
      app = await startDemo({ CACHE_ADMIN_API_KEY: ADMIN_KEY });
    });
    afterAll(() => app?.close());

    it('GET /metrics: 401 without or with a wrong token; 200 with the admin key as a bearer token (what Prometheus sends) or x-api-key', async () => {
      const missing = await http$().get('/metrics').expect(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(missing.text).not.toContain('ai_cache_');
      await http$().get('/metrics').set('authorization', `Bearer ${WRONG}`).expect(401);
      expect((await http$().get('/metrics').set('authorization', `Bearer ${ADMIN_KEY}`).expect(200)).text).toContain('ai_cache_hits_total');
      await http$().get('/metrics').set('x-api-key', ADMIN_KEY).expect(200);
    });

    it('GET /cache/stats and /cache/snapshot: 401 without or with a wrong key; 200 with the key as x-api-key or bearer', async () => {
      for (const path of READ_ENDPOINTS) {
        const missing = await http$().get(path).expect(401);
        expect(missing.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/^Missing credentials/) });
        await http$().get(path).set('x-api-key', WRONG).expect(401);
        await http$().get(path).set('authorization', `Bearer ${WRONG}`).expect(401);
        expect((await http$().get(path).set('x-api-key', ADMIN_KEY).expect(200)).body).toHaveProperty(path === '/cache/stats' ? 'driver' : 'hitRatio');
        await http$().get(path).set('authorization', `Bearer ${ADMIN_KEY}`).expect(200);
      }
    });

    it('GET /cache/snapshots (SSE): 401 without or with a wrong key, a stream with the key', async () => {
      expect(await sseStatus(app)).toBe(401);
      expect(await sseStatus(app, { 'x-api-key': WRONG })).toBe(401);
      expect(await sseStatus(app, { 'x-api-key': ADMIN_KEY })).toBe(200);
    });

    it('GET /cache/dashboard: the sign-in form without or with a wrong key; the page with the key or after signing in', async () => {
      const signIn = await http$().get('/cache/dashboard').expect(401);
      expect(signIn.text).toContain('name="key"');
      expect(signIn.text).not.toContain('<script');
      await http$().get('/cache/dashboard').set('x-api-key', WRONG).expect(401);
      expect((await http$().get('/cache/dashboard').set('x-api-key', ADMIN_KEY).expect(200)).text).toContain('<script>');

      // The browser flow, through the demo's own body parsers: post the form, follow the cookie.
      expect((await http$().post('/cache/dashboard').type('form').send({ key: WRONG }).expect(401)).headers['set-cookie']).toBeUndefined();
      const signedIn = await http$().post('/cache/dashboard').type('form').send({ key: ADMIN_KEY }).expect(303);
      const cookie = (signedIn.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      await http$().get('/cache/dashboard').set('cookie', cookie).expect(200);
      for (const path of READ_ENDPOINTS) await http$().get(path).set('cookie', cookie).expect(200);
      expect(await sseStatus(app, { cookie })).toBe(200);
      // The session is for the dashboard's reads: not for metrics, never for invalidation.
      await http$().get('/metrics').set('cookie', cookie).expect(401);
      await http$().post('/cache/invalidate').set('cookie', cookie).send({ operation: 'summarize' }).expect(401);
      await http$().get('/cache/stats').set('cookie', `${cookie}tampered`).expect(401);
    });

    it('POST /cache/invalidate: 401 without or with a wrong key, 200 with it (x-api-key, as before)', async () => {
      const missing = await http$().post('/cache/invalidate').send({ operation: 'summarize' }).expect(401);
      expect(missing.body.message).toBe('Missing x-api-key header');
      expect((await http$().post('/cache/invalidate').set('x-api-key', WRONG).send({ operation: 'summarize' }).expect(401)).body.message).toBe('Invalid API key');
      expect((await http$().post('/cache/invalidate').set('x-api-key', ADMIN_KEY).send({ operation: 'summarize' }).expect(200)).body).toEqual({
        invalidated: 0,
        operation: 'summarize',
      });
    });

    it('the demo endpoints themselves stay open', async () => {
      await http$().post('/process').send({ text: 'Operator tokens guard the cache, not the API.', operation: 'summarize' }).expect(200);
      await http$().get('/health').expect(200);
    });
  });

  describe('CACHE_METRICS_TOKEN and CACHE_ADMIN_API_KEY set', () => {
    let app: NestExpressApplication;
    const http$ = () => request(app.getHttpServer());
    beforeAll(async () => {
      app = await startDemo({ CACHE_ADMIN_API_KEY: ADMIN_KEY, CACHE_METRICS_TOKEN: METRICS_TOKEN });
    });
    afterAll(() => app?.close());

    it('GET /metrics takes the metrics token (or the admin key); nothing else takes the metrics token', async () => {
      await http$().get('/metrics').expect(401);
      await http$().get('/metrics').set('authorization', `Bearer ${WRONG}`).expect(401);
      await http$().get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      await http$().get('/metrics').set('authorization', `Bearer ${ADMIN_KEY}`).expect(200);
      for (const path of READ_ENDPOINTS) await http$().get(path).set('authorization', `Bearer ${METRICS_TOKEN}`).expect(401);
      await http$().get('/cache/dashboard').set('x-api-key', METRICS_TOKEN).expect(401);
      await http$().post('/cache/invalidate').set('x-api-key', METRICS_TOKEN).send({ operation: 'qa' }).expect(401);
    });
  });

  describe('only CACHE_METRICS_TOKEN set', () => {
    let app: NestExpressApplication;
    beforeAll(async () => {
      app = await startDemo({ CACHE_METRICS_TOKEN: METRICS_TOKEN });
    });
    afterAll(() => app?.close());

    it('protects /metrics alone: the rest keeps the no-admin-key behaviour', async () => {
      const http$ = () => request(app.getHttpServer());
      await http$().get('/metrics').expect(401);
      await http$().get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      await http$().get('/cache/stats').expect(200);
      await http$().get('/cache/dashboard').expect(200);
      await http$().post('/cache/invalidate').set('x-api-key', METRICS_TOKEN).send({ operation: 'qa' }).expect(403);
    });
  });
});
