import type { Pool } from 'pg';
import { type CacheEntry, type CacheStore, type CacheStoreContext, compileGlob, type StoreHealth, type StoreRead, type StoreStats } from '@app/ai-cache';

/**
 * Entries in one PostgreSQL table, as the codec's bytes (compressed, and encrypted when the module
 * encrypts), each row bound to its namespace. Rows past `stale_until` are never answered.
 */
export class PostgresCacheStore implements CacheStore {
  readonly driver = 'custom';

  constructor(
    private readonly pool: Pool,
    private readonly context: CacheStoreContext,
    private readonly table = 'ai_cache_entries',
  ) {}

  async connect(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (namespace text, key text, value bytea NOT NULL,
        expires_at float8 NOT NULL, stale_until float8 NOT NULL, PRIMARY KEY (namespace, key))`,
    );
  }

  async get(key: string): Promise<StoreRead | undefined> {
    const { rows } = await this.live<{ value: Buffer }>('SELECT value', 'AND key = $3', [key]);
    if (rows.length === 0) return undefined;
    const entry = this.context.codec.decode(this.fullKey(key), rows[0].value);
    if (entry) return { entry, tier: 'redis' }; // the shared tier, whatever serves it
    this.context.observer.corruptedEntry?.();
    await this.delete(key);
    return undefined;
  }

  async set(key: string, entry: CacheEntry, json: string): Promise<void> {
    if (entry.staleUntil <= Date.now()) {
      await this.delete(key);
      return;
    }
    const started = performance.now();
    const { bytes, stored } = this.context.codec.encode(this.fullKey(key), entry, json);
    if (stored.compressed) this.context.observer.compression?.(entry.size, bytes.length, performance.now() - started);
    await this.pool.query(
      `INSERT INTO ${this.table} VALUES ($1, $2, $3, $4, $5) ON CONFLICT (namespace, key)
        DO UPDATE SET value = $3, expires_at = $4, stale_until = $5`,
      [this.context.namespace, key, bytes, entry.expiresAt, entry.staleUntil],
    );
  }

  async delete(key: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ live: boolean }>(
      `DELETE FROM ${this.table} WHERE namespace = $1 AND key = $2 RETURNING stale_until > $3 AS live`,
      [this.context.namespace, key, Date.now()],
    );
    return rows.some((row) => row.live);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.ttl(key)) !== undefined;
  }

  async ttl(key: string): Promise<number | undefined> {
    const { rows } = await this.live<{ expires_at: number }>('SELECT expires_at', 'AND key = $3', [key]);
    return rows.length === 0 ? undefined : Math.max(0, Math.ceil(rows[0].expires_at - Date.now()));
  }

  /** The glob is matched here, with the library's Redis-exact matcher: SQL LIKE has other rules. */
  async deleteMatching(pattern: string): Promise<number> {
    const matches = compileGlob(pattern);
    const { rows } = await this.live<{ key: string }>('SELECT key', '', []);
    const keys = rows.map((row) => row.key).filter(matches);
    if (keys.length === 0) return 0;
    const removed = await this.pool.query(`DELETE FROM ${this.table} WHERE namespace = $1 AND key = ANY($2)`, [this.context.namespace, keys]);
    return removed.rowCount ?? 0;
  }

  async clear(): Promise<number> {
    const { rows } = await this.pool.query<{ live: boolean }>(
      `DELETE FROM ${this.table} WHERE namespace = $1 RETURNING stale_until > $2 AS live`,
      [this.context.namespace, Date.now()],
    );
    return rows.filter((row) => row.live).length;
  }

  async stats(): Promise<StoreStats> {
    const { rows } = await this.live<{ keys: number }>('SELECT count(*)::int AS keys', '', []);
    return { redis: { status: 'connected', keys: rows[0].keys }, memory: { entries: 0, maxEntries: 0, bytes: 0 } };
  }

  async health(): Promise<StoreHealth> {
    const started = performance.now();
    try {
      await this.pool.query('SELECT 1');
      return { connected: true, status: 'connected', latencyMs: performance.now() - started };
    } catch (error) {
      return { connected: false, status: 'degraded', reason: `PostgreSQL: ${(error as Error).message}` };
    }
  }

  /** The rows of this namespace not yet past their stale window, with `where` added ($3 onwards: `params`). */
  private live<Row extends object>(select: string, where: string, params: unknown[]) {
    const sql = `${select} FROM ${this.table} WHERE namespace = $1 AND stale_until > $2 ${where}`;
    return this.pool.query<Row>(sql, [this.context.namespace, Date.now(), ...params]);
  }

  /** What the codec binds an encrypted value to: the key as the built-in stores name it. */
  private fullKey(key: string): string {
    return `${this.context.namespace}:${key}`;
  }
}
