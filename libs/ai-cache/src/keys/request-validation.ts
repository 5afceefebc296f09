import type { AIRequest } from '../interfaces/ai-request.interface';
import { describeType, isPlainObject } from '../utils/type-guards';

export const MAX_OPERATION_LENGTH = 64;
const OPERATION_FORMAT = /^[A-Za-z0-9_.-]+$/;

/**
 * Throws a TypeError naming the field unless `request` is an AIRequest: a valid operation, a string
 * text, plain-object options and a string question when present. (The options' content is checked
 * while it is canonicalised for the key.)
 */
export function assertValidRequest(request: unknown): asserts request is AIRequest {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError(`An AI request must be an object, got ${describeType(request)}`);
  }
  const { text, operation, options, question } = request as Partial<AIRequest>;
  assertValidOperation(operation);
  if (typeof text !== 'string') throw new TypeError(`AIRequest.text must be a string, got ${describeType(text)}`);
  if (options !== undefined && !isPlainObject(options)) {
    throw new TypeError(`AIRequest.options must be a plain object or undefined, got ${describeType(options)}`);
  }
  if (question !== undefined && typeof question !== 'string') {
    throw new TypeError(`AIRequest.question must be a string or undefined, got ${describeType(question)}`);
  }
}

/** Throws a TypeError naming the value unless it is 1-64 characters of `[A-Za-z0-9_.-]`. */
export function assertValidOperation(operation: unknown): asserts operation is string {
  if (typeof operation !== 'string') {
    throw new TypeError(`An AI operation must be a string, got ${describeType(operation)}`);
  }
  if (operation.length === 0 || operation.length > MAX_OPERATION_LENGTH || !OPERATION_FORMAT.test(operation)) {
    const shown = operation.length > 80 ? `${JSON.stringify(operation.slice(0, 80))}…` : JSON.stringify(operation);
    throw new TypeError(
      `Invalid AI operation ${shown}: use 1 to ${MAX_OPERATION_LENGTH} characters of A-Z, a-z, 0-9, '_', '.', '-'`,
    );
  }
}

export function assertValidScope(scope: unknown): asserts scope is string | undefined {
  if (scope !== undefined && (typeof scope !== 'string' || scope.length === 0)) {
    throw new TypeError(`A cache scope must be a non-empty string or undefined, got ${describeType(scope)}`);
  }
}
