import type { Cluster, Redis } from 'ioredis';

/** A standalone ioredis client or a Cluster: the store works with either. */
export type RedisClient = Redis | Cluster;

const QUIT_TIMEOUT_MS = 500;

const corked = new WeakSet<object>();

/**
 * Commands issued in the same tick (a burst of concurrent cache calls, each woken by a reply) leave
 * in one writev instead of one write syscall each; nextTick runs before any I/O, so a lone command
 * waits for nothing. (A Cluster spreads commands over node connections: not corked.)
 */
export function corkUntilNextTick(client: RedisClient): void {
  if (isCluster(client) || client.status !== 'ready') return;
  const stream = client.stream;
  if (!stream || typeof stream.cork !== 'function' || corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  process.nextTick(() => {
    corked.delete(stream);
    stream.uncork();
  });
}

/** Duck-typed, so that a user's client from another copy of ioredis is recognised too. */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/** An error Redis itself answered (WRONGTYPE, NOPERM…): proof that Redis is up, not an outage. */
export function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

export function isWrongType(error: unknown): boolean {
  return isReplyError(error) && /^WRONGTYPE\b/.test((error as Error).message);
}

/** NOPERM for EVAL/EVALSHA: the user's ACL allows no scripts. */
export function isScriptRefusal(error: unknown): boolean {
  return isReplyError(error) && /^NOPERM\b.*\beval/i.test((error as Error).message);
}

/**
 * Waits for `client` to be ready at most `timeoutMs` (connecting a lazy one); resolves true when it
 * is. Never rejects: the retry strategy keeps reconnecting in the background.
 */
export async function connectWithin(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return true;
  let onReady!: () => void;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<boolean>((resolve) => {
    onReady = () => resolve(true);
    client.once('ready', onReady);
  });
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  // A lazy client (ours, or a user's made with lazyConnect) waits for an explicit connect().
  if (client.status === 'wait') client.connect().catch(() => undefined);
  const connected = await Promise.race([ready, timedOut]);
  clearTimeout(timer);
  client.removeListener('ready', onReady);
  return connected;
}

/**
 * QUIT when connected (replies still pending are delivered first), a hard disconnect otherwise or if
 * QUIT is not answered in time; resolves once no socket or reconnect timer is left.
 */
export async function quitClient(client: RedisClient): Promise<void> {
  const status = client.status as string;
  if (status === 'end') return;
  // Only a client with a socket has an 'end' to wait for; a reconnecting one just has its timer,
  // which disconnect() clears (and then never emits 'end').
  const hasSocket = status === 'ready' || status === 'connecting' || status === 'connect';
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<void>((resolve) => {
    client.once('end', resolve);
    timer = setTimeout(resolve, hasSocket ? QUIT_TIMEOUT_MS : 0);
  });
  if (status === 'ready') client.quit().catch(() => client.disconnect());
  else client.disconnect();
  await ended;
  clearTimeout(timer);
  // QUIT unanswered in time (a hung server): drop the socket. The status changed while we awaited.
  if ((client.status as string) !== 'end') client.disconnect();
}
