import type IORedis from 'ioredis';
import type { TConfig } from '@cia/config';
import { enabledTriggers } from '@cia/config';
import type { TDatabase } from '@cia/db';
import type { TQueues } from '@cia/queue';
import { publicRedisUrl, readHeartbeats } from '@cia/queue';
import type { THealthComponent, THealthReport } from './ingest-deps';

async function timed<T>(fn: () => Promise<T>, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function configuredProviders(config: TConfig): string[] {
  const out: string[] = [];
  if (config.OPENAI_API_KEY) out.push('openai');
  if (config.ANTHROPIC_API_KEY) out.push('anthropic');
  if (config.AZURE_OPENAI_API_KEY && config.AZURE_OPENAI_ENDPOINT) out.push('azure_openai');
  out.push('offline');
  return out;
}

/** Detailed health: database, Redis, queue counts, worker heartbeats, IMAP watcher, AI providers. */
export function createHealthCheck(config: TConfig, database: TDatabase, redis: IORedis, queues: TQueues) {
  const redisDown = () => (redis.status === 'ready' ? undefined : `Redis at ${publicRedisUrl(config.REDIS_URL ?? '')} is down`);
  return {
    redisDown,
    async check(): Promise<THealthReport> {
      const components: Record<string, THealthComponent> = {};
      try {
        await timed(() => database.ping());
        components.database = { status: 'ok', required: true, detail: { kind: database.kind } };
      } catch (err) {
        components.database = { status: 'down', required: true, detail: (err as Error).message };
      }
      try {
        await timed(() => redis.ping());
        const counts = Object.fromEntries(
          await Promise.all(
            queues
              .all()
              .map(
                async (q) => [q.name, await timed(() => q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'))] as const,
              ),
          ),
        );
        components.redis = { status: 'ok', required: true };
        components.queues = { status: 'ok', required: false, detail: counts };
        const beats = await readHeartbeats(redis, config.QUEUE_PREFIX);
        const workers = beats.filter((b) => b.service === 'worker');
        components.workers = { status: workers.length > 0 ? 'ok' : 'down', required: false, detail: workers };
        const email = enabledTriggers(config).email;
        const watcher = beats.find((b) => b.service === 'mail-watcher');
        components.imap = email
          ? {
              status: watcher && watcher.state === 'connected' ? 'ok' : 'down',
              required: false,
              detail: watcher ?? 'no mail-watcher heartbeat',
            }
          : { status: 'disabled', required: false };
      } catch (err) {
        components.redis = { status: 'down', required: true, detail: redisDown() ?? (err as Error).message };
      }
      components.ai = {
        status: 'ok',
        required: false,
        detail: { default: config.DEFAULT_AI_PROVIDER ?? configuredProviders(config)[0], configured: configuredProviders(config) },
      };
      return { components };
    },
  };
}
