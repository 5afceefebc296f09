import type { CacheMetricFamily } from './cache-metrics';
import { escapeHelp, escapeLabelValue, formatPrometheusText } from './prometheus.exposition';

describe('Prometheus text exposition', () => {
  it('writes HELP and TYPE, then one line per sample', () => {
    const families: CacheMetricFamily[] = [
      { name: 'ai_cache_hits_total', help: 'Hits.', type: 'counter', labelNames: ['operation', 'tier'], samples: [{ labels: { operation: 'qa', tier: 'memory' }, value: 3 }] },
      { name: 'ai_cache_hit_ratio', help: 'Ratio.', type: 'gauge', labelNames: [], samples: [{ labels: {}, value: 0.25 }] },
      { name: 'ai_cache_invalidations_total', help: 'None yet.', type: 'counter', labelNames: ['type'], samples: [] },
    ];
    expect(formatPrometheusText(families)).toBe(
      [
        '# HELP ai_cache_hits_total Hits.',
        '# TYPE ai_cache_hits_total counter',
        'ai_cache_hits_total{operation="qa",tier="memory"} 3',
        '# HELP ai_cache_hit_ratio Ratio.',
        '# TYPE ai_cache_hit_ratio gauge',
        'ai_cache_hit_ratio 0.25',
        '# HELP ai_cache_invalidations_total None yet.',
        '# TYPE ai_cache_invalidations_total counter',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslash, double quote and newline in label values, and backslash and newline in HELP', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp('one\\two\nthree "quoted"')).toBe('one\\\\two\\nthree "quoted"');
    const text = formatPrometheusText([
      { name: 'ai_cache_hits_total', help: 'x', type: 'counter', labelNames: ['operation'], samples: [{ labels: { operation: 'we"ird\n\\op' }, value: 1 }] },
    ]);
    expect(text).toContain('ai_cache_hits_total{operation="we\\"ird\\n\\\\op"} 1\n');
    // One sample stays one line whatever the label holds.
    expect(text.trimEnd().split('\n')).toHaveLength(3);
  });

  it('writes the special float values as Prometheus does', () => {
    const text = formatPrometheusText(
      [Number.NaN, Infinity, -Infinity, 1e-7].map((value, i) => ({ name: `ai_cache_g${i}`, help: 'g', type: 'gauge' as const, labelNames: [], samples: [{ labels: {}, value }] })),
    );
    expect(text).toContain('ai_cache_g0 NaN\n');
    expect(text).toContain('ai_cache_g1 +Inf\n');
    expect(text).toContain('ai_cache_g2 -Inf\n');
    expect(text).toContain('ai_cache_g3 1e-7\n');
  });

  it('is empty for no families', () => {
    expect(formatPrometheusText([])).toBe('');
  });
});
