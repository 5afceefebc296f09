/**
 * A full GC between measurements, so that one contender's garbage is not collected on another's
 * time, and so that heap deltas count live objects only. `node --expose-gc` provides `gc`; without
 * it (e.g. under Jest) V8 is asked to expose it at runtime, which works for code compiled after.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as () => void;
}

export function collectGarbage(): void {
  gc?.();
}

/** Live heap plus memory held outside it (Buffers' backing stores), after a full GC. */
export function retainedBytes(): number {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}
