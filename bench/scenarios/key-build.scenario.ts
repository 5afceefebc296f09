/**
 * Key building against the hash it is built on: `buildKey` (validation, canonical options, SHA-256
 * over an injective encoding, the monitor's record) vs a bare SHA-256 of the text. On large texts
 * both should be bound by SHA-256 itself, so the ratio shows what the rest costs.
 */
import { createHash } from 'node:crypto';
import type { BenchContext } from '../support/bench-context';
import { createOurCache } from '../support/contexts';
import { CHAT_REQUEST_OPTIONS, REQUEST_OPTIONS, textOfSize } from '../support/fixtures';
import { runScenario, type ScenarioResult } from '../support/scenario';

export async function keyBuildScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const ours = await createOurCache({ driver: 'memory' });
  try {
    const results: ScenarioResult[] = [];
    for (const bytes of ctx.sizes.keyTextBytes) {
      const text = textOfSize(bytes, bytes);
      const request = { text, operation: 'summarize', options: { ...REQUEST_OPTIONS } };
      const label = bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`;
      ctx.log(`keys: build for a ${label} text`);
      results.push(
        await runScenario(
          {
            id: `keys.build.${bytes}`,
            group: 'key building',
            title: `key for a ${label} text`,
            unit: 'MB/s',
            higherIsBetter: true,
            timing: { sync: true, batch: Math.max(1, Math.round((64 * 1024) / bytes)), repMs: 150 },
            convert: (opsPerSec) => (opsPerSec * bytes) / 1e6,
            contenders: [
              { name: 'nestjs-ai-cache buildKey()', kind: 'ours', op: () => ours.cache.buildKey(request) },
              { name: 'raw SHA-256 of the text', kind: 'baseline', op: () => createHash('sha256').update(text).digest('base64url') },
            ],
          },
          ctx.reps,
          ctx.repMsScale,
        ),
      );
    }
    results.push(await chatRequestKeyScenario(ctx, ours.cache));
    return results;
  } finally {
    await ours.app.close();
  }
}

/**
 * Options that are not flat (a chat request: messages and tools) take the canonical walk, with its
 * key sorting, depth and size bounds; the flat rows above never reach it. Against the cheapest key
 * anyone could build for the same request: SHA-256 over `JSON.stringify` (not canonical, so two
 * option orders would give two keys).
 */
async function chatRequestKeyScenario(ctx: BenchContext, cache: { buildKey(request: object): string }): Promise<ScenarioResult> {
  const text = textOfSize(300, 300);
  const request = { text, operation: 'chat', options: CHAT_REQUEST_OPTIONS };
  ctx.log('keys: build for a chat request with nested options');
  return runScenario(
    {
      id: 'keys.build.chat-options',
      group: 'key building',
      title: 'key for a chat request (nested options: 6 messages, 1 tool)',
      unit: 'ops/s',
      higherIsBetter: true,
      timing: { sync: true, batch: 16, repMs: 150 },
      contenders: [
        { name: 'nestjs-ai-cache buildKey()', kind: 'ours', op: () => cache.buildKey(request) },
        { name: 'SHA-256 of JSON.stringify(request)', kind: 'baseline', op: () => createHash('sha256').update(JSON.stringify(request)).digest('base64url') },
      ],
    },
    ctx.reps,
    ctx.repMsScale,
  );
}
