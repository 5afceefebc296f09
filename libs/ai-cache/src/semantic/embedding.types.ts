/** What `semantic.embed` is: text in, its embedding out (a rejection is a counted miss, never an error of the cache call). */
export type EmbedFunction = (text: string) => Promise<number[] | Float32Array>;

/** A failed embedding request or an unusable answer; `status` is the HTTP status when there was one. */
export class EmbeddingError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'EmbeddingError';
  }
}
