export const MAX_PATTERN_LENGTH = 256;
export const MAX_CONTEXT_LENGTH = 200;

/** What `POST /cache/invalidate` removes: one operation's entries, or the keys containing a pattern. */
export type InvalidateRequest = ({ operation: string } | { pattern: string }) & { context?: string };

export type InvalidateRequestValidation = { ok: true; request: InvalidateRequest } | { ok: false; message: string };

/** Exactly one of `operation` or `pattern`, as a non-empty string; `context` (for the monitor) optional. */
export function validateInvalidateRequest(body: unknown): InvalidateRequestValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('The request body must be a JSON object: { "operation": "summarize" } or { "pattern": "summarize" }');
  }
  const { operation, pattern, context } = body as Record<string, unknown>;
  if (operation !== undefined && pattern !== undefined) return fail('Give either `operation` or `pattern`, not both');
  if (operation === undefined && pattern === undefined) return fail('`operation` or `pattern` is required');
  if (context !== undefined && (typeof context !== 'string' || context.length > MAX_CONTEXT_LENGTH)) {
    return fail(`\`context\` must be a string of at most ${MAX_CONTEXT_LENGTH} characters`);
  }
  const extra = context === undefined ? {} : { context };
  if (operation !== undefined) {
    if (typeof operation !== 'string' || operation.trim() === '') return fail('`operation` must be a non-empty string');
    return { ok: true, request: { operation, ...extra } };
  }
  if (typeof pattern !== 'string' || pattern.length === 0) return fail('`pattern` must be a non-empty string');
  if (pattern.length > MAX_PATTERN_LENGTH) return fail(`\`pattern\` is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`);
  return { ok: true, request: { pattern, ...extra } };
}

function fail(message: string): InvalidateRequestValidation {
  return { ok: false, message };
}
