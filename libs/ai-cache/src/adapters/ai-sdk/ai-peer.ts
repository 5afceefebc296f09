import { requirePeer } from '../require-peer';

/** The first `ai` major whose middleware speaks the LanguageModelV3 specification this adapter implements. */
export const MIN_AI_MAJOR = 6;

/**
 * The adapter uses only `ai`'s types at run time, yet it must not load beside an `ai` it cannot
 * work with: without `ai`, or with `ai` 5 and older (whose `wrapLanguageModel` expects v2
 * middleware), importing `nestjs-ai-cache/ai-sdk` fails saying what to install.
 */
export function assertAiSdkInstalled(): void {
  const { version } = requirePeer<{ version?: unknown }>({ module: 'ai/package.json', entry: 'nestjs-ai-cache/ai-sdk', install: `ai@^${MIN_AI_MAJOR}` });
  const major = Number.parseInt(String(version), 10);
  if (!(major >= MIN_AI_MAJOR)) {
    throw new Error(`nestjs-ai-cache/ai-sdk needs the AI SDK ('ai') ${MIN_AI_MAJOR} or newer, found ${String(version)}: npm install ai@^${MIN_AI_MAJOR}`);
  }
}
