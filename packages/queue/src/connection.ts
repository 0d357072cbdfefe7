import IORedis, { type RedisOptions } from 'ioredis';

export type TConnectionRole = 'producer' | 'worker';

/**
 * The one Redis connection factory. Workers block on Redis and must retry forever
 * (maxRetriesPerRequest: null, as BullMQ requires); producers fail fast instead, so a request
 * never hangs while Redis is down and the caller can fall back to the database outbox.
 */
export function createRedisConnection(url: string, role: TConnectionRole, extra: RedisOptions = {}): IORedis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  const redis = new IORedis(url, {
    ...options,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 5), 5000),
    lazyConnect: false,
    ...extra,
  });
  // Connection errors are reported through health checks; an unhandled 'error' would crash.
  redis.on('error', () => undefined);
  return redis;
}

/** QUIT when Redis answers (no lingering timers); a hard disconnect when it does not. */
export async function closeRedis(redis: IORedis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await Promise.race([redis.quit(), new Promise((_, reject) => setTimeout(reject, 1000).unref())]);
      return;
    } catch {
      // fall through to disconnect
    }
  }
  redis.disconnect();
}
