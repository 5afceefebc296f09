import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { clearCacheEnvironment, createDemoApp } from './support/demo-app';

// The callbacks given to page.evaluate / waitForFunction run in the browser. This project compiles
// without the DOM lib, so the little of the DOM they use is declared here (module scope only).
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { drawImage(image: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
interface PageElement {
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  createElement(tag: 'canvas'): PageCanvas;
};
declare const Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };

/**
 * GET /cache/dashboard in a real headless Chromium (Debian's, not a downloaded one): after real
 * traffic, the charts and labels must show what the API reports, and the page must load nothing
 * from anywhere but the app. Skipped (with a message) only when Chromium is absent outside CI.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ON_CI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM && !ON_CI) {
  console.warn(`dashboard browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); under CI=true it runs and fails instead`);
}
const describeInBrowser = HAS_CHROMIUM || ON_CI ? describe : describe.skip;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The dashboard's plot area (dashboard.page.ts): y of 0 and of the axis maximum. */
const PLOT_BOTTOM = 180;
const PLOT_TOP = 10;
const HIT_RATIO_COLOR = [0x25, 0x63, 0xeb]; // #2563eb, the hit-ratio series

describeInBrowser('GET /cache/dashboard in headless Chromium', () => {
  const savedEnv = { ...process.env };
  let app: NestExpressApplication;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const requests: string[] = [];
  const problems: string[] = [];

  const post = async (operation: string) => {
    const response = await fetch(`${base}/process`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Dashboards turn cache counters into pictures. Hits are cheap; misses call the model.', operation }),
    });
    expect(response.status).toBe(200);
  };
  const apiSnapshot = async () => (await (await fetch(`${base}/cache/snapshot`)).json()) as {
    hitRatio: number;
    hits: number;
    misses: number;
    lookupLatencyMs: { p50: number; p95: number; p99: number };
    memory: { memoryCacheBytes: number };
    counters: { fleetWaits: number; staleAnswers: number; backgroundRefreshes: number };
  };
  /**
   * Everything the page shows, read in one synchronous pass inside the page, so that a poll landing
   * between two reads cannot mix two snapshots.
   */
  const readDashboard = () =>
    page.evaluate(() => {
      const values: Record<string, { value: string | null; text: string | null }> = {};
      for (const el of Array.from(document.querySelectorAll('[data-value]'))) values[el.id] = { value: el.getAttribute('data-value'), text: el.textContent };
      const charts: Record<string, { points: number; yMax: number; series: Record<string, Array<[number, number]>> }> = {};
      for (const svg of Array.from(document.querySelectorAll('svg[data-points]'))) {
        const series: Record<string, Array<[number, number]>> = {};
        for (const line of Array.from(svg.querySelectorAll('polyline'))) {
          series[line.getAttribute('data-series') ?? ''] = (line.getAttribute('points') ?? '')
            .trim()
            .split(' ')
            .map((pair) => pair.split(',').map(Number) as [number, number]);
        }
        charts[svg.id] = { points: Number(svg.getAttribute('data-points')), yMax: Number(svg.getAttribute('data-y-max')), series };
      }
      return { values, charts };
    });
  const newest = (points: Array<[number, number]>) => points[points.length - 1];
  const expectedY = (value: number, yMax: number) => PLOT_BOTTOM - (value / yMax) * (PLOT_BOTTOM - PLOT_TOP);

  beforeAll(async () => {
    if (!HAS_CHROMIUM) throw new Error(`Chromium not found at ${CHROMIUM}: .ci/run installs Debian's chromium when it is missing`);
    clearCacheEnvironment();
    process.env.LLM_FAKE_LATENCY_MS = '5';
    app = await createDemoApp();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    profileDir = mkdtempSync(join(tmpdir(), 'ai-cache-dashboard-profile-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (req) => requests.push(req.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    process.env = savedEnv;
  });

  it('plots the hit ratio, latency percentiles and memory the API reports, live, from this origin only', async () => {
    // 2 misses then 3 hits: 60 %.
    for (const operation of ['summarize', 'summarize', 'sentiment', 'sentiment', 'summarize']) await post(operation);

    await page.goto(`${base}/cache/dashboard?interval=250`);
    await page.waitForFunction(() => Number(document.getElementById('chart-hit-ratio')?.getAttribute('data-points')) >= 3);

    const api = await apiSnapshot();
    expect(api).toMatchObject({ hitRatio: 60, hits: 3, misses: 2 });
    expect(api.memory.memoryCacheBytes).toBeGreaterThan(0);
    const { values, charts } = await readDashboard();
    expect(values['hit-ratio-value']).toEqual({ value: '60', text: '60.0 %' });
    expect(values['hits-value'].value).toBe('3');
    expect(values['misses-value'].value).toBe('2');
    expect(Number(values['latency-p95-value'].value)).toBe(api.lookupLatencyMs.p95);
    expect(Number(values['memory-tier-value'].value)).toBe(api.memory.memoryCacheBytes);
    for (const [tile, counter] of [['fleet-waits-value', 'fleetWaits'], ['stale-answers-value', 'staleAnswers'], ['refreshes-value', 'backgroundRefreshes']] as const) {
      expect(values[tile]?.value).toBe(String(api.counters[counter]));
    }

    // Each chart plots one point per snapshot fetched, at the height of the API's value.
    const plotted = charts['chart-hit-ratio'].points;
    expect(plotted).toBeGreaterThanOrEqual(3);
    for (const chart of Object.values(charts)) {
      expect(chart.points).toBe(plotted);
      for (const points of Object.values(chart.series)) expect(points).toHaveLength(plotted);
    }
    expect(newest(charts['chart-hit-ratio'].series.hitRatio)[1]).toBeCloseTo(expectedY(60, 100), 1);
    for (const series of ['p50', 'p95', 'p99'] as const) {
      expect(newest(charts['chart-latency'].series[series])[1]).toBeCloseTo(expectedY(api.lookupLatencyMs[series], charts['chart-latency'].yMax), 1);
      expect(Number(values[`chart-latency-${series}`].value)).toBe(api.lookupLatencyMs[series]);
    }
    const memoryTierY = newest(charts['chart-memory'].series.memoryTierBytes)[1];
    expect(memoryTierY).toBeCloseTo(expectedY(api.memory.memoryCacheBytes, charts['chart-memory'].yMax), 1);
    // On its own scale the cache's few hundred bytes are a visible height, not a line on the axis.
    expect(memoryTierY).toBeLessThan(PLOT_BOTTOM - 10);
    expect(Number(values['chart-memory-memoryTierBytes'].value)).toBe(api.memory.memoryCacheBytes);

    // Live: five more hits (8 of 10) reach the label and the chart without a reload.
    for (let i = 0; i < 5; i++) await post('summarize');
    await page.waitForFunction(() => document.getElementById('hit-ratio-value')?.getAttribute('data-value') === '80');
    expect((await apiSnapshot()).hitRatio).toBe(80);
    expect(newest((await readDashboard()).charts['chart-hit-ratio'].series.hitRatio)[1]).toBeCloseTo(expectedY(80, 100), 1);

    // The screenshot shows the hit-ratio line: count its colour's pixels in the chart's image.
    const shotDir = mkdtempSync(join(tmpdir(), 'ai-cache-dashboard-'));
    const pagePath = join(shotDir, 'dashboard.png');
    await page.screenshot({ path: pagePath, fullPage: true });
    expect(statSync(pagePath).size).toBeGreaterThan(10_000);
    const chartPng = await page.locator('#chart-hit-ratio').screenshot({ path: join(shotDir, 'hit-ratio-chart.png') });
    const linePixels = await countPixelsOfColour(chartPng, HIT_RATIO_COLOR);
    // The line crosses the whole plot (about 550 px in the line's exact colour); the marker alone is about 30.
    expect(linePixels).toBeGreaterThan(300);
    console.info(`dashboard screenshots: ${shotDir}`);

    // Nothing but the app was contacted, and nothing failed (a CSP violation is a console error).
    expect(requests.length).toBeGreaterThan(3);
    for (const url of requests) expect(url.startsWith(`${base}/`)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('with CACHE_ADMIN_API_KEY set, asks for the key, refuses a wrong one, then shows the live data from an HttpOnly session', async () => {
    const key = 'dashboard-browser-admin-key';
    process.env.CACHE_ADMIN_API_KEY = key;
    const guarded = await createDemoApp();
    delete process.env.CACHE_ADMIN_API_KEY;
    const signInPage = await context.newPage();
    try {
      await guarded.listen(0, '127.0.0.1');
      const origin = `http://127.0.0.1:${(guarded.getHttpServer().address() as AddressInfo).port}`;
      const seen: string[] = [];
      const errors: string[] = [];
      signInPage.on('request', (req) => seen.push(req.url()));
      signInPage.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
      signInPage.on('console', (message) => {
        // The sign-in page is the 401 answer itself: the browser reports that status, nothing else may fail.
        if (message.type() === 'error' && !/status of 401/.test(message.text())) errors.push(`console: ${message.text()}`);
      });
      const process$ = (operation: string) =>
        fetch(`${origin}/process`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Signed-in dashboards show the same numbers.', operation }) });
      for (const operation of ['key_points', 'key_points', 'key_points', 'key_points']) expect((await process$(operation)).status).toBe(200);

      const first = await signInPage.goto(`${origin}/cache/dashboard?interval=250`);
      expect(first?.status()).toBe(401);
      expect(await signInPage.locator('input[name="key"]').count()).toBe(1);
      expect(await signInPage.locator('#hit-ratio-value').count()).toBe(0);

      await signInPage.fill('input[name="key"]', 'not-the-key');
      await Promise.all([signInPage.waitForNavigation(), signInPage.click('button[type="submit"]')]);
      expect(await signInPage.locator('#wrong-key').count()).toBe(1);

      await signInPage.fill('input[name="key"]', key);
      await Promise.all([signInPage.waitForNavigation(), signInPage.click('button[type="submit"]')]);
      expect(new URL(signInPage.url()).pathname).toBe('/cache/dashboard');
      // 1 miss then 3 hits: the page, now signed in, polls the guarded snapshot endpoint.
      // Polled on a timer: requestAnimationFrame (the default) does not run in a background tab.
      await signInPage.waitForFunction(() => document.getElementById('hit-ratio-value')?.getAttribute('data-value') === '75', undefined, { polling: 100, timeout: 10_000 });
      // The session cookie is HttpOnly: no script on the page can read it.
      expect(await signInPage.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
      for (const url of seen) expect(url.startsWith(`${origin}/`)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await signInPage.close();
      // The browser (still open for the other test) keeps its keep-alive connections to this app.
      guarded.getHttpServer().closeAllConnections();
      await guarded.close();
    }
  });

  /** Decodes the PNG in a blank page (no CSP there) and counts pixels within a small distance of `rgb`. */
  async function countPixelsOfColour(png: Buffer, rgb: number[]): Promise<number> {
    const scratch = await context.newPage();
    try {
      return await scratch.evaluate(
        async ({ dataUrl, colour }) => {
          const image = new Image();
          image.src = dataUrl;
          await image.decode();
          const canvas = document.createElement('canvas');
          canvas.width = image.width;
          canvas.height = image.height;
          const context2d = canvas.getContext('2d');
          if (!context2d) throw new Error('no 2d context');
          context2d.drawImage(image, 0, 0);
          const { data } = context2d.getImageData(0, 0, canvas.width, canvas.height);
          let count = 0;
          for (let i = 0; i < data.length; i += 4) {
            if (Math.abs(data[i] - colour[0]) + Math.abs(data[i + 1] - colour[1]) + Math.abs(data[i + 2] - colour[2]) < 40) count++;
          }
          return count;
        },
        { dataUrl: `data:image/png;base64,${png.toString('base64')}`, colour: rgb },
      );
    } finally {
      await scratch.close();
    }
  }
});
