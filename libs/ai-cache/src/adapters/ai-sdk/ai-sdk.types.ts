import type { LanguageModelMiddleware } from 'ai';

/**
 * The AI SDK's language-model types, taken from `ai`'s own LanguageModelMiddleware so that they
 * follow the installed `ai` (its provider spec package, `@ai-sdk/provider`, may not be resolvable
 * from here under strict package managers).
 */
type WrapGenerate = NonNullable<LanguageModelMiddleware['wrapGenerate']>;
type WrapStream = NonNullable<LanguageModelMiddleware['wrapStream']>;

export type LanguageModelCallOptions = Parameters<WrapGenerate>[0]['params'];
export type WrappedLanguageModel = Parameters<WrapGenerate>[0]['model'];
export type LanguageModelGenerateResult = Awaited<ReturnType<WrapGenerate>>;
export type LanguageModelStreamResult = Awaited<ReturnType<WrapStream>>;
export type LanguageModelStreamPart = LanguageModelStreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;
