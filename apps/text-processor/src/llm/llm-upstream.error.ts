/**
 * The model server failed, timed out, or answered something unusable. The controller turns it into
 * a 502 so that clients can tell "the model is down" from "my request is wrong"; getOrCompute never
 * caches a throw, so the next identical request tries the model again.
 */
export class LlmUpstreamError extends Error {
  override readonly name = 'LlmUpstreamError';

  constructor(
    message: string,
    /** The upstream HTTP status, when there was a response. */
    readonly upstreamStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
