import { MAX_CONTEXT_LENGTH, MAX_PATTERN_LENGTH, validateInvalidateRequest } from './invalidate-request.validator';

describe('validateInvalidateRequest', () => {
  it('accepts an operation or a pattern, with an optional context', () => {
    expect(validateInvalidateRequest({ operation: 'summarize' })).toEqual({ ok: true, request: { operation: 'summarize' } });
    expect(validateInvalidateRequest({ pattern: 'sum*', context: 'deploy' })).toEqual({ ok: true, request: { pattern: 'sum*', context: 'deploy' } });
  });

  it('says what is wrong', () => {
    const messageOf = (body: unknown) => {
      const result = validateInvalidateRequest(body);
      return result.ok ? undefined : result.message;
    };
    expect(messageOf(null)).toContain('must be a JSON object');
    expect(messageOf(['summarize'])).toContain('must be a JSON object');
    expect(messageOf({})).toBe('`operation` or `pattern` is required');
    expect(messageOf({ operation: 'a', pattern: 'b' })).toBe('Give either `operation` or `pattern`, not both');
    expect(messageOf({ operation: '  ' })).toBe('`operation` must be a non-empty string');
    expect(messageOf({ operation: ['qa'] })).toBe('`operation` must be a non-empty string');
    expect(messageOf({ pattern: 7 })).toBe('`pattern` must be a non-empty string');
    expect(messageOf({ pattern: 'x'.repeat(MAX_PATTERN_LENGTH + 1) })).toContain(`the limit is ${MAX_PATTERN_LENGTH}`);
    expect(messageOf({ operation: 'qa', context: 'x'.repeat(MAX_CONTEXT_LENGTH + 1) })).toContain('`context` must be a string');
    expect(messageOf({ operation: 'qa', context: 3 })).toContain('`context` must be a string');
  });
});
