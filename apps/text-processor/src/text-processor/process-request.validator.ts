import { TEXT_OPERATIONS, isTextOperation } from '../operations/text-operation';
import type { TextRequest } from '../llm/llm-client.interface';

/** Far above any real prompt, low enough that one request cannot tie up the model or the cache. */
export const MAX_TEXT_LENGTH = 100_000;
export const MAX_QUESTION_LENGTH = 2_000;

export type ProcessRequestValidation = { ok: true; request: TextRequest } | { ok: false; message: string };

const OPERATION_LIST = TEXT_OPERATIONS.join(', ');

/**
 * Checks a `POST /process` body without a validation library: the rules are few and the messages
 * say exactly what to fix. Reports the first problem found.
 */
export function validateProcessRequest(body: unknown): ProcessRequestValidation {
  if (!isPlainObject(body)) {
    return fail('The request body must be a JSON object: { text, operation, options?, question? }');
  }
  const { text, operation, options, question } = body;

  if (text === undefined || text === null) return fail('`text` is required');
  if (typeof text !== 'string') return fail('`text` must be a string');
  if (text.trim() === '') return fail('`text` must not be empty');
  if (text.length > MAX_TEXT_LENGTH) {
    return fail(`\`text\` is ${text.length} characters long; the limit is ${MAX_TEXT_LENGTH}`);
  }

  if (operation === undefined || operation === null) return fail(`\`operation\` is required; one of: ${OPERATION_LIST}`);
  if (!isTextOperation(operation)) {
    return fail(`\`operation\` ${JSON.stringify(operation)} is not supported; use one of: ${OPERATION_LIST}`);
  }

  // null is how some clients say "no options"; anything else must be an object of model options.
  if (options !== undefined && options !== null && !isPlainObject(options)) {
    return fail('`options` must be a JSON object, e.g. { "max_length": 100 }');
  }

  const request: TextRequest = { operation, text };
  if (isPlainObject(options)) request.options = options;

  if (operation === 'qa') {
    if (question === undefined || question === null) return fail('`question` is required for the qa operation');
    if (typeof question !== 'string') return fail('`question` must be a string');
    if (question.trim() === '') return fail('`question` must not be empty');
    if (question.length > MAX_QUESTION_LENGTH) {
      return fail(`\`question\` is ${question.length} characters long; the limit is ${MAX_QUESTION_LENGTH}`);
    }
    request.question = question;
  }
  // Other operations ignore a question, and leave it out of the request so it cannot split their cache entries.
  return { ok: true, request };
}

function fail(message: string): ProcessRequestValidation {
  return { ok: false, message };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
