import os from 'node:os';
import { Queue, Worker, type WorkerOptions } from 'bullmq';
import { createProviderPool, resolveProviderChain } from '@cia/ai';
import { secretValuesOf, type TConfig } from '@cia/config';
import { createFetchCache, createGitLabClient, pickClientOptions } from '@cia/gitlab';
import { applyMigrations, openDatabase, type TDatabase } from '@cia/db';
import { createLogger, type TLogger } from '@cia/logger';
import { pickIncidentNoticeChannels, pickPostbackSettings, type TPostbackSettings } from '@cia/postback';
import {
  QUEUE_NAMES,
  closeRedis,
  createJobProcessor,
  createRedisConnection,
  isRedisConnectionError,
  reportRedisOutages,
  startHeartbeat,
  syncDigestScheduler,
  type TJobHandlers,
  type TQueueName,
} from '@cia/queue';
import { createJobHandlers } from './jobs/job-handlers';

export type TWorkerHandle = {
  close(): Promise<void>;
  /** Settles once the digest scheduler matches DIGEST_SCHEDULE (or could not be synced: logged). */
  digestScheduler: Promise<'scheduled' | 'removed' | 'off' | 'failed'>;
};

/**
 * Every process of the pool upserts the same digest scheduler: BullMQ keeps one, and one digest
 * per period. Not awaited by the start: with Redis unreachable the worker still starts and stops,
 * and the command runs once Redis answers.
 */
function syncDigest(queue: Queue, config: TConfig, settings: TPostbackSettings, logger: TLogger): TWorkerHandle['digestScheduler'] {
  const schedule = pickIncidentNoticeChannels(settings).length > 0 ? config.DIGEST_SCHEDULE : undefined;
  return syncDigestScheduler(queue, schedule).then(
    (state) => {
      logger.info('digest scheduler', { state, schedule });
      return state;
    },
    (err: unknown) => {
      if (!isRedisConnectionError(err)) logger.warn('digest scheduler not synced', { err: (err as Error).message });
      return 'failed' as const;
    },
  );
}

type TQueueWorkerOptions = Omit<WorkerOptions, 'connection' | 'prefix' | 'autorun'> & { errorLabel: string };

/** One BullMQ Worker on one queue; each job goes to the handler of its name. */
function startQueueWorker(
  queue: TQueueName,
  handlers: TJobHandlers,
  shared: { connection: WorkerOptions['connection']; config: TConfig; logger: TLogger },
  options: TQueueWorkerOptions,
): Worker {
  const { errorLabel, ...workerOptions } = options;
  const worker = new Worker(queue, createJobProcessor(queue, handlers), {
    ...workerOptions,
    connection: shared.connection,
    prefix: shared.config.QUEUE_PREFIX,
    autorun: true,
  });
  // An unreachable Redis is reported once by reportRedisOutages, not on every reconnection attempt.
  worker.on('error', (err) => {
    if (!isRedisConnectionError(err)) shared.logger.error(errorLabel, { err: err.message });
  });
  return worker;
}

/** Starts one worker process: a BullMQ worker on the analyze queue, one on the post-back queue, one on the verdicts queue. */
export async function startWorker(config: TConfig, shared: { database?: TDatabase; logger?: TLogger } = {}): Promise<TWorkerHandle> {
  if (!config.REDIS_URL) throw new Error('REDIS_URL is required to start the worker on its own (npm start provides one)');
  const logger = shared.logger ?? createLogger({ service: 'worker', level: config.LOG_LEVEL, secretValues: secretValuesOf(config) });
  const database =
    shared.database ??
    (await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
      maxConnections: Math.min(config.WORKER_CONCURRENCY, 20),
    }));
  if (!shared.database) await applyMigrations(database);
  const connection = createRedisConnection(config.REDIS_URL, 'worker');
  reportRedisOutages(connection, config.REDIS_URL, logger);
  const gitlab = config.GITLAB_API_TOKEN ? createGitLabClient(pickClientOptions(config)) : undefined;
  const settings = pickPostbackSettings(config);
  const postbackQueue = new Queue(QUEUE_NAMES.postback, { connection, prefix: config.QUEUE_PREFIX });
  const verdictsQueue = new Queue(QUEUE_NAMES.verdicts, { connection, prefix: config.QUEUE_PREFIX });
  const handlers = createJobHandlers({
    pipeline: {
      db: database.db,
      logger,
      config,
      gitlab,
      gitlabCache: createFetchCache(),
      providers: createProviderPool(config),
      postback: { queues: { postback: postbackQueue }, settings },
      verdictRetry: { queues: { verdicts: verdictsQueue } },
    },
    postback: {
      db: database.db,
      logger,
      settings,
      gitlab,
      rateLimit: (ms) => postbackQueue.rateLimit(ms),
      queues: { postback: postbackQueue },
    },
    retry: { db: database.db, logger, config, gitlab, queues: { verdicts: verdictsQueue, postback: postbackQueue }, postback: settings },
  });
  const digestScheduler = syncDigest(postbackQueue, config, settings, logger);
  const paidProvider = resolveProviderChain(config)[0] !== 'offline';
  const queueShared = { connection, config, logger };
  const worker = startQueueWorker(QUEUE_NAMES.analyze, handlers, queueShared, {
    errorLabel: 'worker error',
    // Recorded on each job as BullMQ's processedBy: which process of the pool ran it (host:pid).
    name: `${os.hostname()}:${process.pid}`,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    // Provider quotas are per account, so the limit holds across the whole worker pool (BullMQ keeps it in Redis).
    limiter: paidProvider ? { max: config.AI_RATE_LIMIT_PER_MINUTE, duration: 60_000 } : undefined,
  });
  const postbackWorker = startQueueWorker(QUEUE_NAMES.postback, handlers, queueShared, {
    errorLabel: 'post-back worker error',
    concurrency: config.POSTBACK_CONCURRENCY,
    // GitLab allows 60 note creations a minute per user; the limit is kept in Redis, so it holds across the pool.
    limiter: { max: config.POSTBACK_RATE_PER_MINUTE, duration: 60_000 },
  });
  // Flaky verification: a few GitLab calls per retried job, mostly waiting in the delayed set.
  const verdictsWorker = startQueueWorker(QUEUE_NAMES.verdicts, handlers, queueShared, {
    errorLabel: 'verdicts worker error',
    concurrency: 2,
  });
  const heartbeat = startHeartbeat(connection, config.QUEUE_PREFIX, 'worker', () => ({
    state: worker.isRunning() ? 'running' : 'stopped',
    detail: { concurrency: config.WORKER_CONCURRENCY },
  }));
  logger.info('worker started', {
    concurrency: config.WORKER_CONCURRENCY,
    database: database.kind,
    gitlab: Boolean(gitlab),
    ai: resolveProviderChain(config),
  });
  return {
    digestScheduler,
    close: async () => {
      // Active jobs finish; nothing new is taken. Without Redis they could not report their end
      // and BullMQ would wait for Redis forever: their locks lapse and they run again once it is back.
      const force = connection.status !== 'ready';
      await Promise.all([worker.close(force), postbackWorker.close(force), verdictsWorker.close(force)]);
      await Promise.all([postbackQueue.close(), verdictsQueue.close()]);
      await heartbeat.stop();
      await closeRedis(connection);
      if (!shared.database) await database.close();
    },
  };
}
