/**
 * An ioredis client a user passes as `redis.client` (a `Redis` or a `Cluster`, ioredis 5 or 6),
 * described by its shape instead of by ioredis' classes. These declarations ship with the package,
 * and ioredis is an optional peer: an app on the memory driver has no ioredis, and a declaration
 * naming `'ioredis'` would break its build under `skipLibCheck: false` (TS2307). Every ioredis
 * client has these members, so passing one type-checks whichever ioredis the app has.
 */
export interface RedisClientLike {
  /** ioredis' connection status: `'wait'`, `'connecting'`, `'ready'`, `'end'`, … */
  readonly status: string;
  get(...args: never[]): unknown;
  set(...args: never[]): unknown;
  duplicate(...args: never[]): unknown;
  quit(...args: never[]): unknown;
  on(...args: never[]): unknown;
}

/**
 * Filled in by `ioredis-client.types.ts` (a module augmentation naming ioredis' classes) in this
 * package's own compilation, so the code that hands `redis.client` to ioredis sees ioredis' types.
 * No declaration a consumer loads imports that file, so for them this stays empty.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RedisClientTypes {}

/** The type of `redis.client`: ioredis' `Redis | Cluster` inside this package, {@link RedisClientLike} for its users. */
export type RedisClientOption = RedisClientTypes extends { client: infer Client } ? Client : RedisClientLike;
