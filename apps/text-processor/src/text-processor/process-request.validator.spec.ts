import { MAX_QUESTION_LENGTH, MAX_TEXT_LENGTH, validateProcessRequest } from './process-request.validator';

const messageOf = (body: unknown) => {
  const validation = validateProcessRequest(body);
  return validation.ok ? undefined : validation.message;
};

describe('validateProcessRequest', () => {
  it('accepts a well-formed request and keeps only what the operation uses', () => {
    expect(validateProcessRequest({ text: 'Hello.', operation: 'summarize', options: { max_length: 10 } })).toEqual({
      ok: true,
      request: { operation: 'summarize', text: 'Hello.', options: { max_length: 10 } },
    });
    expect(validateProcessRequest({ text: 'Hello.', operation: 'qa', question: 'Hi?', extra: 1 })).toEqual({
      ok: true,
      request: { operation: 'qa', text: 'Hello.', question: 'Hi?' },
    });
  });

  it('drops a question given to an operation that does not use it, and a null options', () => {
    expect(validateProcessRequest({ text: 'Hello.', operation: 'sentiment', question: 42, options: null })).toEqual({
      ok: true,
      request: { operation: 'sentiment', text: 'Hello.' },
    });
  });

  it('accepts text at the limit', () => {
    expect(validateProcessRequest({ text: 'a'.repeat(MAX_TEXT_LENGTH), operation: 'summarize' }).ok).toBe(true);
  });

  it.each([
    ['a body that is not an object', ['text'], 'The request body must be a JSON object'],
    ['a null body', null, 'The request body must be a JSON object'],
    ['a missing text', { operation: 'summarize' }, '`text` is required'],
    ['a non-string text', { text: 42, operation: 'summarize' }, '`text` must be a string'],
    ['an empty text', { text: '', operation: 'summarize' }, '`text` must not be empty'],
    ['a blank text', { text: ' \n\t', operation: 'summarize' }, '`text` must not be empty'],
    [
      'a text over the limit',
      { text: 'a'.repeat(MAX_TEXT_LENGTH + 1), operation: 'summarize' },
      `\`text\` is ${MAX_TEXT_LENGTH + 1} characters long; the limit is ${MAX_TEXT_LENGTH}`,
    ],
    [
      'a missing operation',
      { text: 'Hi.' },
      '`operation` is required; one of: summarize, sentiment, key_points, questions, qa',
    ],
    [
      'an unknown operation',
      { text: 'Hi.', operation: 'translate' },
      '`operation` "translate" is not supported; use one of: summarize, sentiment, key_points, questions, qa',
    ],
    ['a non-string operation', { text: 'Hi.', operation: ['qa'] }, '`operation` ["qa"] is not supported'],
    ['options as an array', { text: 'Hi.', operation: 'summarize', options: [1] }, '`options` must be a JSON object'],
    ['options as a string', { text: 'Hi.', operation: 'summarize', options: 'short' }, '`options` must be a JSON object'],
    ['a qa without a question', { text: 'Hi.', operation: 'qa' }, '`question` is required for the qa operation'],
    ['a qa with a non-string question', { text: 'Hi.', operation: 'qa', question: 1 }, '`question` must be a string'],
    ['a qa with an empty question', { text: 'Hi.', operation: 'qa', question: '  ' }, '`question` must not be empty'],
    [
      'a qa with a question over the limit',
      { text: 'Hi.', operation: 'qa', question: 'q'.repeat(MAX_QUESTION_LENGTH + 1) },
      `the limit is ${MAX_QUESTION_LENGTH}`,
    ],
  ])('rejects %s', (_case, body, expected) => {
    expect(messageOf(body)).toContain(expected);
  });
});
