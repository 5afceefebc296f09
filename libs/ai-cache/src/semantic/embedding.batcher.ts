/**
 * Gathers the texts asked for at about the same time into one request: texts wait until the end of
 * the current event-loop turn (or `delayMs`), or until `maxBatchSize` of them are waiting, then go
 * out together. Each caller gets its own result, or the batch's error.
 */
export type BatchRequest = (texts: string[]) => Promise<Float32Array[]>;

interface Waiting {
  text: string;
  resolve: (vector: Float32Array) => void;
  reject: (error: unknown) => void;
}

export class EmbeddingBatcher {
  private waiting: Waiting[] = [];
  private timer: { kind: 'immediate'; handle: NodeJS.Immediate } | { kind: 'timeout'; handle: NodeJS.Timeout } | undefined;

  constructor(
    private readonly request: BatchRequest,
    private readonly maxBatchSize: number,
    private readonly delayMs: number,
  ) {}

  embed(text: string): Promise<Float32Array> {
    return new Promise<Float32Array>((resolve, reject) => {
      this.waiting.push({ text, resolve, reject });
      if (this.waiting.length >= this.maxBatchSize) this.flush();
      else this.timer ??= this.delayMs > 0 ? { kind: 'timeout', handle: setTimeout(() => this.flush(), this.delayMs) } : { kind: 'immediate', handle: setImmediate(() => this.flush()) };
    });
  }

  private flush(): void {
    if (this.timer?.kind === 'timeout') clearTimeout(this.timer.handle);
    else if (this.timer?.kind === 'immediate') clearImmediate(this.timer.handle);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    let sent: Promise<Float32Array[]>;
    try {
      sent = this.request(batch.map((item) => item.text));
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (vectors) => batch.forEach((item, i) => item.resolve(vectors[i])),
      (error: unknown) => batch.forEach((item) => item.reject(error)),
    );
  }
}
