import type { StoreLogger } from './circuit-breaker';
import { isReplyError } from './redis-connection';
import type { RedisNamespaceScanner } from './redis-namespace.scanner';

/**
 * What `RedisStore.stats()` reports of Redis: the namespace's key count (a SCAN walk, reused for
 * `keyCountCacheMs`, one walk shared by concurrent callers) and INFO's used_memory over every
 * master (off, logged once, when an ACL denies INFO).
 */
export class RedisStatsReader {
  private keyCount?: { value: number; at: number };
  private keyCountInFlight?: Promise<number>;
  private infoRefused = false;

  constructor(
    private readonly scanner: RedisNamespaceScanner,
    /** Runs a command through the store's breaker. */
    private readonly run: <T>(command: () => Promise<T>) => Promise<T>,
    private readonly keyCountCacheMs: number,
    private readonly logger?: StoreLogger,
  ) {}

  /** Keys were removed: the next count walks the namespace again. */
  forgetKeyCount(): void {
    this.keyCount = undefined;
  }

  /** Never rejects: a figure Redis did not give is undefined. */
  async read(): Promise<{ keys?: number; memoryUsedBytes?: number }> {
    const [keys, memoryUsedBytes] = await Promise.all([this.countKeys().catch(() => undefined), this.usedMemory()]);
    return { keys, memoryUsedBytes };
  }

  private countKeys(): Promise<number> {
    const cached = this.keyCount;
    if (cached && Date.now() - cached.at < this.keyCountCacheMs) return Promise.resolve(cached.value);
    this.keyCountInFlight ??= this.scanner
      .countKeys()
      .then((value) => {
        this.keyCount = { value, at: Date.now() };
        return value;
      })
      .finally(() => (this.keyCountInFlight = undefined));
    return this.keyCountInFlight;
  }

  private async usedMemory(): Promise<number | undefined> {
    if (this.infoRefused) return undefined;
    try {
      let total = 0;
      for (const node of this.scanner.masters()) {
        const info = await this.run(() => node.info('memory'));
        const match = /^used_memory:(\d+)/m.exec(info);
        if (match) total += Number(match[1]);
      }
      return total;
    } catch (error) {
      if (isReplyError(error) && /^NOPERM\b/.test((error as Error).message)) {
        this.infoRefused = true;
        this.logger?.warn('Redis refused INFO (ACL): redis.memoryUsedBytes is not reported; everything else works');
      }
      return undefined;
    }
  }
}
