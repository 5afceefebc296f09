import { resolveTtl } from '../cache-options.resolver';
import { resolveRefreshAhead, resolveStaleWindow } from '../flight.options';
import type { AIRequest } from '../interfaces/ai-request.interface';
import { assertValidOperation } from '../keys/request-validation';
import type { AIRequestInput, CachedAIResponseMetadata, CachedReturnKind } from './cached-ai-response.decorator';
import { inferReturnKind } from './return-kind';
import { describeType, isPlainObject } from '../utils/type-guards';

/** Everything the wrapper needs about one decorated method, validated once at bootstrap. */
export interface CachedMethodPlan {
  /** `ClassName.methodName`, for messages. */
  readonly where: string;
  readonly operation: string;
  /** Seconds; undefined: the operation's TTL. */
  readonly ttl?: number;
  /** Seconds of stale window; undefined: the module's. */
  readonly staleWhileRevalidate?: number;
  /** undefined: the module's; false: off. */
  readonly refreshAhead?: { beta: number } | false;
  readonly kind: CachedReturnKind;
  /** Declared plain return type of a synchronous method (it now returns a Promise). */
  readonly synchronousType?: string;
  readonly unless?: (result: unknown) => boolean;
  /** The request keyed for these arguments; throws a TypeError naming the method for arguments it cannot key. */
  toRequest(args: readonly unknown[]): AIRequest;
}

const OPTION_KEYS: ReadonlySet<string> = new Set(['operation', 'ttl', 'staleWhileRevalidate', 'refreshAhead', 'request', 'unless', 'returns', 'methodName']);
const RETURN_KINDS: ReadonlySet<string> = new Set<CachedReturnKind>(['promise', 'observable', 'async-iterable']);

/**
 * Validates a decorated method's options, so that a mistake fails bootstrap naming the class and
 * method rather than surfacing on some later call (or never, as a silently uncached method).
 *
 * @param declaredReturnType TypeScript's `design:returntype` of the method, if emitted.
 */
export function planCachedMethod(
  metadata: CachedAIResponseMetadata,
  className: string,
  method: Function,
  declaredReturnType: unknown,
): CachedMethodPlan {
  const where = `${className}.${String(metadata.methodName)}`;
  const fail = (problem: string, cause?: unknown): never => {
    throw new TypeError(`@CachedAIResponse() on ${where}: ${problem}`, cause === undefined ? undefined : { cause });
  };

  for (const key of Object.keys(metadata)) {
    if (!OPTION_KEYS.has(key)) fail(`unknown option '${key}' (known: operation, ttl, staleWhileRevalidate, refreshAhead, request, unless, returns)`);
  }
  const operation = metadata.operation ?? (typeof metadata.methodName === 'string' ? metadata.methodName : undefined);
  if (operation === undefined) fail('a method named by a symbol needs an explicit { operation }');
  try {
    assertValidOperation(operation);
  } catch (error) {
    fail(`${(error as Error).message}${metadata.operation === undefined ? '; name it with { operation }' : ''}`, error);
  }
  const validOperation = operation as string;

  let ttl: number | undefined;
  if (metadata.ttl !== undefined) {
    try {
      ttl = resolveTtl(metadata.ttl, 'ttl');
    } catch (error) {
      fail((error as Error).message, error);
    }
  }
  let staleWhileRevalidate: number | undefined;
  let refreshAhead: { beta: number } | false | undefined;
  try {
    staleWhileRevalidate = resolveStaleWindow(metadata.staleWhileRevalidate, 'staleWhileRevalidate');
    if (metadata.refreshAhead !== undefined) refreshAhead = resolveRefreshAhead(metadata.refreshAhead, 'refreshAhead') ?? false;
  } catch (error) {
    fail((error as Error).message, error);
  }
  if (metadata.request !== undefined && typeof metadata.request !== 'function') fail('`request` must be a function');
  if (metadata.unless !== undefined && typeof metadata.unless !== 'function') fail('`unless` must be a function');
  if (metadata.returns !== undefined && !RETURN_KINDS.has(metadata.returns)) {
    fail(`\`returns\` must be one of ${[...RETURN_KINDS].map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(metadata.returns)}`);
  }

  const { kind, synchronousType } = inferReturnKind(method, declaredReturnType, metadata.returns);
  const mapper = metadata.request;
  return {
    where,
    operation: validOperation,
    ttl,
    staleWhileRevalidate,
    refreshAhead,
    kind,
    synchronousType,
    unless: metadata.unless,
    toRequest: mapper
      ? (args) => requestFromMapper(mapper(...args), validOperation, where)
      : (args) => requestFromArguments(args, validOperation, where),
  };
}

/** The default mapping: `(text, options?, question?)`; null stands for an absent options/question. */
function requestFromArguments(args: readonly unknown[], operation: string, where: string): AIRequest {
  const [text, options, question] = args;
  const hint = 'the default mapping is (text, options?, question?); pass { request: (...args) => ({ text, options, question }) } for other signatures';
  if (typeof text !== 'string') {
    throw new TypeError(`@CachedAIResponse() on ${where}: the first argument must be a string, got ${describeType(text)} (${hint})`);
  }
  return buildRequest(text, operation, options ?? undefined, question ?? undefined, where, hint);
}

function requestFromMapper(mapped: AIRequestInput, operation: string, where: string): AIRequest {
  const hint = 'the `request` mapper must return { text: string, options?: object, question?: string, operation?: string }';
  if (typeof mapped !== 'object' || mapped === null) {
    throw new TypeError(`@CachedAIResponse() on ${where}: ${hint}, got ${describeType(mapped)}`);
  }
  if (typeof mapped.text !== 'string') {
    throw new TypeError(`@CachedAIResponse() on ${where}: ${hint}; its text is ${describeType(mapped.text)}`);
  }
  let mappedOperation = operation;
  if (mapped.operation !== undefined) {
    try {
      assertValidOperation(mapped.operation);
    } catch (error) {
      throw new TypeError(`@CachedAIResponse() on ${where}: the \`request\` mapper returned a bad operation: ${(error as Error).message}`, {
        cause: error,
      });
    }
    mappedOperation = mapped.operation;
  }
  return buildRequest(mapped.text, mappedOperation, mapped.options, mapped.question, where, hint);
}

/** Only the four request fields are kept: a DTO's other properties never reach the key. */
function buildRequest(text: string, operation: string, options: unknown, question: unknown, where: string, hint: string): AIRequest {
  if (options !== undefined && !isPlainObject(options)) {
    throw new TypeError(`@CachedAIResponse() on ${where}: options must be a plain object, got ${describeType(options)} (${hint})`);
  }
  if (question !== undefined && typeof question !== 'string') {
    throw new TypeError(`@CachedAIResponse() on ${where}: question must be a string, got ${describeType(question)} (${hint})`);
  }
  const request: AIRequest = { text, operation };
  if (options !== undefined) request.options = options;
  if (question !== undefined) request.question = question;
  return request;
}


