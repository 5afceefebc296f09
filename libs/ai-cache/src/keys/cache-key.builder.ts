import type { AIRequest } from '../interfaces/ai-request.interface';
import type { TextSizeTiers } from '../interfaces/cache-module-options.interface';
import { escapePreview, MAX_ESCAPED_CHARS_PER_CODE_UNIT, PREVIEW_LENGTH } from './key-preview';
import { DIGEST_LENGTH, requestDigest, SCOPE_DIGEST_LENGTH, scopeDigest } from './request-digest';
import { assertValidOperation, assertValidRequest, assertValidScope, MAX_OPERATION_LENGTH } from './request-validation';
import { textSizeTier, type TextSizeTier } from './text-size-tier';

export interface CacheKeyBuilderOptions {
  /** Texts longer than this many characters never get a readable preview. */
  textHashThreshold: number;
  textSizeTiers: TextSizeTiers;
  /** Debugging aid: put an escaped preview of short texts in keys. Off: keys hold no user text. */
  readableKeys: boolean;
}

/** A request's cache key (relative to the namespace) and the facts the monitor reports with it. */
export interface BuiltKey {
  key: string;
  operation: string;
  /** Length of the request text, in UTF-16 code units (`text.length`). */
  textLength: number;
  textTier: TextSizeTier;
}

/**
 * Longest key `build()` returns, relative to the namespace:
 * `ai:` (3) + operation (64) + `:` (1) + `s.<scope16>:` (19) + digest (43) = 130 characters,
 * plus, with `readableKeys`, a preview of at most 32 × 9 escaped characters and its `.` = 419.
 */
export const MAX_CACHE_KEY_LENGTH =
  'ai:'.length +
  MAX_OPERATION_LENGTH +
  ':'.length +
  `s.${'x'.repeat(SCOPE_DIGEST_LENGTH)}:`.length +
  PREVIEW_LENGTH * MAX_ESCAPED_CHARS_PER_CODE_UNIT +
  '.'.length +
  DIGEST_LENGTH;

/**
 * Builds the cache key of an AI request:
 *
 *     ai:<operation>:<digest>
 *     ai:<operation>:s.<scopeDigest>:<digest>           with a scope (tenant)
 *     ai:<operation>:[s.<scopeDigest>:]<preview>.<digest>   with readableKeys, for short texts
 *
 * The operation is validated to `[A-Za-z0-9_.-]`, so it never holds `:` or a glob character, and
 * nothing after it holds `:` except the scope separator: `ai:summarize:*` matches every summarize
 * key and never a `summarize_v2` one. The digest covers everything that makes two requests
 * different; the preview is only there for humans reading Redis.
 */
export class CacheKeyBuilder {
  constructor(private readonly options: CacheKeyBuilderOptions) {}

  /** The key of `request` in `scope`; throws a TypeError naming the field for a request that is not one. */
  build(request: AIRequest, scope?: string): BuiltKey {
    assertValidRequest(request);
    assertValidScope(scope);
    return this.buildValidated(request, scope);
  }

  /**
   * `build` for a request its caller has validated already (the decorator's plan builds each from
   * the method's arguments, with its own messages), so that no call is checked twice.
   */
  buildValidated(request: AIRequest, scope: string | undefined): BuiltKey {
    const { text, operation, options, question } = request;
    const digest = requestDigest(operation, options, question, scope, text);
    const preview =
      this.options.readableKeys && text.length <= this.options.textHashThreshold ? `${escapePreview(text)}.` : '';
    return {
      key: `${this.prefix(operation, scope)}${preview}${digest}`,
      operation,
      textLength: text.length,
      textTier: textSizeTier(text.length, this.options.textSizeTiers),
    };
  }

  /** The glob (relative to the namespace) matching exactly the keys of `operation`, of `scope` if given. */
  operationPattern(operation: string, scope?: string): string {
    assertValidOperation(operation);
    assertValidScope(scope);
    return `${this.prefix(operation, scope)}*`;
  }

  /** The glob matching every key of `scope`, whatever the operation. */
  scopePattern(scope: string): string {
    if (scope === undefined) throw new TypeError('A cache scope must be a non-empty string, got undefined');
    assertValidScope(scope);
    return `ai:*:s.${scopeDigest(scope)}:*`;
  }

  private prefix(operation: string, scope: string | undefined): string {
    return scope === undefined ? `ai:${operation}:` : `ai:${operation}:s.${scopeDigest(scope)}:`;
  }
}
