import { createHash } from 'node:crypto';

/**
 * The cache dashboard: one self-contained page (no CDN, no external file: inline CSS, inline JS and
 * inline SVG charts) that polls `GET /cache/snapshot` and plots hit ratio, lookup latency
 * percentiles, cache memory and process memory over time, with tiles for the counters (fleet waits,
 * stale answers and background refreshes among them). Everything it shows comes from the snapshots it fetched.
 *
 * Served with a Content-Security-Policy that allows exactly this script and this style (by hash)
 * and requests to this origin only, so the page cannot load or leak anything elsewhere.
 */

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2933; --muted: #6b7280; --bg: #f8fafc; --card: #ffffff; --grid: #e5e7eb; }
@media (prefers-color-scheme: dark) { :root { --fg: #e5e7eb; --muted: #9ca3af; --bg: #0f172a; --card: #1e293b; --grid: #334155; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 0 0 8px; }
#status { color: var(--muted); margin-bottom: 16px; }
#status.offline { color: #dc2626; }
#degraded { display: none; margin-left: 8px; padding: 1px 8px; border-radius: 9px; background: #f59e0b; color: #111; }
#degraded.on { display: inline; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 12px; margin-bottom: 16px; }
.tile, .chart { background: var(--card); border-radius: 8px; padding: 12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.tile .label { color: var(--muted); font-size: 12px; }
.tile .value { font-size: 20px; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--muted); font-size: 11px; }
svg .grid { stroke: var(--grid); stroke-width: 1; }
svg polyline { fill: none; stroke-width: 2; stroke-linejoin: round; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 6px; font-size: 12px; }
.legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: middle; }
.legend .value { font-variant-numeric: tabular-nums; }
`;

const SCRIPT = `
(function () {
  'use strict';
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var MAX_POINTS = 120;
  var WIDTH = 600, HEIGHT = 200, LEFT = 56, RIGHT = 590, TOP = 10, BOTTOM = 180;
  var params = new URLSearchParams(window.location.search);
  var interval = Math.min(60000, Math.max(250, Number(params.get('interval')) || 2000));
  var MiB = 1024 * 1024;
  var history = [];

  var charts = [
    { id: 'chart-hit-ratio', unit: '%', fixedMax: 100, series: [
      { key: 'hitRatio', label: 'hit ratio', color: '#2563eb' } ] },
    { id: 'chart-latency', unit: 'ms', series: [
      { key: 'p50', label: 'p50', color: '#16a34a' },
      { key: 'p95', label: 'p95', color: '#d97706' },
      { key: 'p99', label: 'p99', color: '#dc2626' } ] },
    { id: 'chart-memory', unit: 'bytes', series: [
      { key: 'memoryTierBytes', label: 'memory tier', color: '#7c3aed' },
      { key: 'redisBytes', label: 'Redis used_memory', color: '#db2777' } ] },
    { id: 'chart-process', unit: 'bytes', series: [
      { key: 'rssBytes', label: 'resident', color: '#0891b2' },
      { key: 'heapBytes', label: 'heap used', color: '#65a30d' } ] }
  ];

  function byId(id) { return document.getElementById(id); }
  function fixed(value, digits) { return Number(value).toFixed(digits); }
  function bytes(value) {
    if (value >= MiB) return fixed(value / MiB, 1) + ' MiB';
    if (value >= 1024) return fixed(value / 1024, 1) + ' KiB';
    return String(value) + ' B';
  }
  function show(id, raw, text) { var el = byId(id); el.setAttribute('data-value', String(raw)); el.textContent = text; }

  function pointOf(s) {
    var m = s.memory || {};
    return {
      hitRatio: s.hitRatio,
      p50: s.lookupLatencyMs.p50, p95: s.lookupLatencyMs.p95, p99: s.lookupLatencyMs.p99,
      memoryTierBytes: m.memoryCacheBytes || 0,
      redisBytes: m.redisMemoryBytes || 0,
      rssBytes: m.processRssBytes || 0,
      heapBytes: m.processHeapUsedBytes || 0
    };
  }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    var magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * magnitude >= value) return steps[i] * magnitude;
    return 10 * magnitude;
  }

  function svgEl(name, attributes) {
    var el = document.createElementNS(SVG_NS, name);
    for (var key in attributes) el.setAttribute(key, String(attributes[key]));
    return el;
  }

  function setUpChart(chart) {
    var svg = byId(chart.id);
    svg.setAttribute('viewBox', '0 0 ' + WIDTH + ' ' + HEIGHT);
    svg.appendChild(svgEl('line', { 'class': 'grid', x1: LEFT, x2: RIGHT, y1: TOP, y2: TOP }));
    svg.appendChild(svgEl('line', { 'class': 'grid', x1: LEFT, x2: RIGHT, y1: BOTTOM, y2: BOTTOM }));
    chart.maxLabel = svgEl('text', { x: LEFT - 6, y: TOP + 4, 'text-anchor': 'end' });
    var zero = svgEl('text', { x: LEFT - 6, y: BOTTOM + 4, 'text-anchor': 'end' });
    zero.textContent = '0';
    svg.appendChild(chart.maxLabel);
    svg.appendChild(zero);
    var legend = byId(chart.id + '-legend');
    chart.series.forEach(function (series) {
      series.line = svgEl('polyline', { stroke: series.color, 'data-series': series.key, points: '' });
      series.marker = svgEl('circle', { r: 3, fill: series.color, cx: -10, cy: -10 });
      svg.appendChild(series.line);
      svg.appendChild(series.marker);
      var item = document.createElement('span');
      var swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = series.color;
      series.valueEl = document.createElement('span');
      series.valueEl.className = 'value';
      series.valueEl.id = chart.id + '-' + series.key;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(series.label + ': '));
      item.appendChild(series.valueEl);
      legend.appendChild(item);
    });
  }

  /** Bytes are plotted in the largest unit that keeps the axis readable (a KiB cache next to 0 B of Redis). */
  function scaleOf(chart, highest) {
    if (chart.unit !== 'bytes') return { divisor: 1, unit: chart.unit };
    if (highest >= MiB) return { divisor: MiB, unit: 'MiB' };
    if (highest >= 1024) return { divisor: 1024, unit: 'KiB' };
    return { divisor: 1, unit: 'B' };
  }

  function label(chart, value) {
    if (chart.unit === 'bytes') return bytes(value);
    return fixed(value, chart.unit === 'ms' ? 3 : 1) + ' ' + chart.unit;
  }

  function drawChart(chart) {
    var svg = byId(chart.id);
    var highest = 0;
    history.forEach(function (p) { chart.series.forEach(function (s) { highest = Math.max(highest, p[s.key]); }); });
    var scale = scaleOf(chart, highest);
    var axisMax = chart.fixedMax || niceMax(highest / scale.divisor);
    var yMax = axisMax * scale.divisor; // in the series' own unit
    chart.maxLabel.textContent = String(axisMax) + ' ' + scale.unit;
    svg.setAttribute('data-y-max', String(yMax));
    svg.setAttribute('data-points', String(history.length));
    var n = history.length;
    chart.series.forEach(function (s) {
      // Spread over the width (the newest on the right), so a young history is still a readable line.
      var points = history.map(function (p, i) {
        var x = n === 1 ? RIGHT : LEFT + (i / (n - 1)) * (RIGHT - LEFT);
        var y = BOTTOM - (Math.min(p[s.key], yMax) / yMax) * (BOTTOM - TOP);
        return [x, y];
      });
      s.line.setAttribute('points', points.map(function (xy) { return fixed(xy[0], 2) + ',' + fixed(xy[1], 2); }).join(' '));
      s.line.setAttribute('data-points', String(points.length));
      var newest = points[points.length - 1];
      s.marker.setAttribute('cx', fixed(newest[0], 2));
      s.marker.setAttribute('cy', fixed(newest[1], 2));
      var last = history[n - 1][s.key];
      s.valueEl.setAttribute('data-value', String(last));
      s.valueEl.textContent = label(chart, last);
    });
  }

  function render(s) {
    show('hit-ratio-value', s.hitRatio, fixed(s.hitRatio, 1) + ' %');
    show('hits-value', s.hits, String(s.hits));
    show('misses-value', s.misses, String(s.misses));
    show('latency-p95-value', s.lookupLatencyMs.p95, fixed(s.lookupLatencyMs.p95, 3) + ' ms');
    var memory = s.memory || { memoryCacheBytes: 0, memoryCacheEntries: 0 };
    show('memory-tier-value', memory.memoryCacheBytes, bytes(memory.memoryCacheBytes) + ' / ' + memory.memoryCacheEntries + ' entries');
    show('time-saved-value', s.timeSavedMs, fixed(s.timeSavedMs / 1000, 2) + ' s');
    show('tokens-saved-value', s.tokensSaved.totalTokens, String(s.tokensSaved.totalTokens));
    show('errors-value', s.counters.errors + s.counters.redisErrors, String(s.counters.errors + s.counters.redisErrors));
    var c = s.counters;
    show('fleet-waits-value', c.fleetWaits, c.fleetWaits + (c.leaseTakeovers ? ' (' + c.leaseTakeovers + ' takeovers)' : ''));
    show('stale-answers-value', c.staleAnswers, String(c.staleAnswers));
    show('refreshes-value', c.backgroundRefreshes, c.backgroundRefreshes + (c.backgroundRefreshFailures ? ' (' + c.backgroundRefreshFailures + ' failed)' : ''));
    byId('degraded').className = s.degraded ? 'on' : '';
    var alerts = byId('alerts');
    alerts.textContent = s.alerts.length === 0 ? '' : s.alerts.map(function (a) { return a.severity + ': ' + a.message; }).join(' | ');
    charts.forEach(drawChart);
  }

  function setStatus(text, offline) {
    var status = byId('status');
    status.textContent = text;
    status.className = offline ? 'offline' : '';
  }

  function poll() {
    fetch('snapshot', { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (response) {
        // The session expired, or the admin key changed: reloading shows the sign-in form.
        if (response.status === 401) throw new Error('HTTP 401: signed out, reload the page to sign in again');
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (snapshot) {
        history.push(pointOf(snapshot));
        if (history.length > MAX_POINTS) history.shift();
        render(snapshot);
        setStatus('Live: ' + history.length + ' snapshots, every ' + interval + ' ms; last at ' + snapshot.timestamp, false);
      })
      .catch(function (error) { setStatus('Cannot reach the cache stats (' + error.message + '); retrying', true); })
      .then(function () { window.setTimeout(poll, interval); });
  }

  charts.forEach(setUpChart);
  poll();
})();
`;

const BODY = `
<h1>AI cache <span id="degraded">degraded: Redis unreachable, serving from memory</span></h1>
<div id="status">Connecting…</div>
<section class="tiles">
  <div class="tile"><div class="label">Hit ratio (lookups)</div><div class="value" id="hit-ratio-value">–</div></div>
  <div class="tile"><div class="label">Hits</div><div class="value" id="hits-value">–</div></div>
  <div class="tile"><div class="label">Misses</div><div class="value" id="misses-value">–</div></div>
  <div class="tile"><div class="label">Lookup p95</div><div class="value" id="latency-p95-value">–</div></div>
  <div class="tile"><div class="label">Memory tier</div><div class="value" id="memory-tier-value">–</div></div>
  <div class="tile"><div class="label">Model time saved</div><div class="value" id="time-saved-value">–</div></div>
  <div class="tile"><div class="label">Tokens saved</div><div class="value" id="tokens-saved-value">–</div></div>
  <div class="tile"><div class="label">Errors absorbed</div><div class="value" id="errors-value">–</div></div>
  <div class="tile"><div class="label">Fleet waits</div><div class="value" id="fleet-waits-value">–</div></div>
  <div class="tile"><div class="label">Stale answers</div><div class="value" id="stale-answers-value">–</div></div>
  <div class="tile"><div class="label">Background refreshes</div><div class="value" id="refreshes-value">–</div></div>
</section>
<div id="alerts" role="status"></div>
<section class="charts">
  <div class="chart"><h2>Hit ratio</h2><svg id="chart-hit-ratio" role="img" aria-label="Hit ratio over time"></svg><div class="legend" id="chart-hit-ratio-legend"></div></div>
  <div class="chart"><h2>Lookup latency percentiles</h2><svg id="chart-latency" role="img" aria-label="Lookup latency percentiles over time"></svg><div class="legend" id="chart-latency-legend"></div></div>
  <div class="chart"><h2>Cache memory</h2><svg id="chart-memory" role="img" aria-label="Cache memory over time"></svg><div class="legend" id="chart-memory-legend"></div></div>
  <div class="chart"><h2>Process memory</h2><svg id="chart-process" role="img" aria-label="Process memory over time"></svg><div class="legend" id="chart-process-legend"></div></div>
</section>
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI cache dashboard</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;

/**
 * Only this page's own script and style run, and it may only talk to its origin. (Styles that the
 * script sets through the DOM, e.g. the legend swatches, are CSSOM, which CSP does not block.)
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  // The empty data: icon stops the browser asking the app for /favicon.ico (a 404 in the console).
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
