import type { Cluster, Redis } from 'ioredis';

/** A standalone ioredis client or a Cluster: the store works with either. */
export type RedisClient = Redis | Cluster;

const QUIT_TIMEOUT_MS = 500;

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
