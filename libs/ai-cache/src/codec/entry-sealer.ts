/**
 * Seals the body of a stored value (encryption at rest). The codec calls it after compression on
 * write and before decompression on read; the header's sealing byte names the scheme.
 */
export interface EntrySealer {
  /** The header's sealing byte for values this sealer writes (never 0, which means "not sealed"). */
  readonly sealingTag: number;
  /** Most bytes `seal` adds to a body: the codec's read cap allows for it. */
  readonly maxOverheadBytes: number;
  /**
   * The sealed body. `associatedData` (the full Redis key and the header) is authenticated but not
   * stored: a value copied under another key, or with its header changed, does not open.
   */
  seal(body: Buffer, associatedData: Buffer): Buffer;
  /** The body, or undefined when it does not open (unknown key id, failed tag, truncated). Never throws. */
  open(sealed: Buffer, associatedData: Buffer): Buffer | undefined;
}
