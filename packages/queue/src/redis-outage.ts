import type IORedis from 'ioredis';

/** The two lines an outage produces; any logger with these methods (winston's) will do. */
export type TOutageLog = { error(message: string): unknown; info(message: string): unknown };

/** REDIS_URL as logs and health checks may show it: without user name and password. */
export function publicRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * Whether an error only says Redis cannot be reached (reported once by reportRedisOutages), not
 * that something else went wrong. BullMQ workers emit these on every reconnection attempt.
 */
export function isRedisConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.[0]?.code;
  return (code !== undefined && CONNECTION_ERROR_CODES.has(code)) || /Connection is closed|connect ETIMEDOUT/.test(e.message ?? '');
}

function reason(err: Error & { code?: string; errors?: Error[] }): string {
  return err.message || err.errors?.[0]?.message || err.code || 'unreachable';
}

/** Connections that cannot reach Redis right now, per public URL, across the services of this process. */
const failing = new Map<string, Set<IORedis>>();

/**
 * Says once that Redis at a URL is down, and once that it is back, however many connections of
 * this process (ingest, worker, mail-watcher in one `npm start`) retry meanwhile. The retries
 * themselves back off (createRedisConnection's retryStrategy).
 */
export function reportRedisOutages(redis: IORedis, url: string, log: TOutageLog): void {
  const shown = publicRedisUrl(url);
  const down = failing.get(shown) ?? new Set<IORedis>();
  failing.set(shown, down);
  redis.on('error', (err: Error) => {
    if (down.size === 0) log.error(`Redis at ${shown} is down (${reason(err)}); retrying with back-off`);
    down.add(redis);
  });
  redis.on('ready', () => {
    if (down.delete(redis) && down.size === 0) log.info(`Redis at ${shown} is back`);
  });
  redis.on('end', () => down.delete(redis));
}
