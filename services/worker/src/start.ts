import os from 'node:os';
import { Queue, Worker } from 'bullmq';
import { createProviderPool, resolveProviderChain } from '@cia/ai';
import { secretValuesOf, type TConfig } from '@cia/config';
import { createFetchCache, createGitLabClient, pickClientOptions } from '@cia/gitlab';
import { applyMigrations, openDatabase, type TDatabase } from '@cia/db';
import { createLogger, type TLogger } from '@cia/logger';
import { enqueuePostbackJobs, pickPostbackSettings } from '@cia/postback';
import { QUEUE_NAMES, closeRedis, createRedisConnection, isRedisConnectionError, reportRedisOutages, startHeartbeat } from '@cia/queue';
import { createAnalyzePipelineProcessor } from './processors/analyze-pipeline.processor';
import { createPostAnalysisProcessor } from './processors/post-analysis.processor';

export type TWorkerHandle = { close(): Promise<void> };

/** Starts one worker process: a BullMQ worker pool on the analyze queue. */
export async function startWorker(config: TConfig, shared: { database?: TDatabase; logger?: TLogger } = {}): Promise<TWorkerHandle> {
  if (!config.REDIS_URL) throw new Error('REDIS_URL is required to start the worker on its own (npm start provides one)');
  const logger = shared.logger ?? createLogger({ service: 'worker', level: config.LOG_LEVEL, secretValues: secretValuesOf(config) });
  const database = shared.database ?? (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, maxConnections: Math.min(config.WORKER_CONCURRENCY, 20) }));
  if (!shared.database) await applyMigrations(database);
  const connection = createRedisConnection(config.REDIS_URL, 'worker');
  reportRedisOutages(connection, config.REDIS_URL, logger);
  const gitlab = config.GITLAB_API_TOKEN ? createGitLabClient(pickClientOptions(config)) : undefined;
  const paidProvider = resolveProviderChain(config)[0] !== 'offline';
  const postbackSettings = pickPostbackSettings(config);
  const postbackQueue = new Queue(QUEUE_NAMES.postback, { connection, prefix: config.QUEUE_PREFIX });
  const onCompleted = async (row: { requestId: string; project: { id: number; path: string | null } }) => {
    await enqueuePostbackJobs({ postback: postbackQueue }, postbackSettings, row);
  };
  const worker = new Worker(QUEUE_NAMES.analyze, createAnalyzePipelineProcessor({ db: database.db, logger, config, gitlab, gitlabCache: createFetchCache(), providers: createProviderPool(config), onCompleted }), {
    connection,
    // Recorded on each job as BullMQ's processedBy: which process of the pool ran it (host:pid).
    name: `${os.hostname()}:${process.pid}`,
    prefix: config.QUEUE_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    // Provider quotas are per account, so the limit holds across the whole worker pool (BullMQ keeps it in Redis).
    limiter: paidProvider ? { max: config.AI_RATE_LIMIT_PER_MINUTE, duration: 60_000 } : undefined,
    autorun: true,
  });
  // An unreachable Redis is reported once by reportRedisOutages, not on every reconnection attempt.
  worker.on('error', (err) => {
    if (!isRedisConnectionError(err)) logger.error('worker error', { err: err.message });
  });
  const postbackWorker = new Worker(
    QUEUE_NAMES.postback,
    createPostAnalysisProcessor({ db: database.db, logger, settings: postbackSettings, gitlab, rateLimit: (ms) => postbackQueue.rateLimit(ms) }),
    {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.POSTBACK_CONCURRENCY,
      // GitLab allows 60 note creations a minute per user; the limit is kept in Redis, so it holds across the pool.
      limiter: { max: config.POSTBACK_RATE_PER_MINUTE, duration: 60_000 },
      autorun: true,
    },
  );
  postbackWorker.on('error', (err) => {
    if (!isRedisConnectionError(err)) logger.error('post-back worker error', { err: err.message });
  });
  const heartbeat = startHeartbeat(connection, config.QUEUE_PREFIX, 'worker', () => ({ state: worker.isRunning() ? 'running' : 'stopped', detail: { concurrency: config.WORKER_CONCURRENCY } }));
  logger.info('worker started', { concurrency: config.WORKER_CONCURRENCY, database: database.kind, gitlab: Boolean(gitlab), ai: resolveProviderChain(config) });
  return {
    close: async () => {
      // Active jobs finish; nothing new is taken. Without Redis they could not report their end
      // and BullMQ would wait for Redis forever: their locks lapse and they run again once it is back.
      const force = connection.status !== 'ready';
      await Promise.all([worker.close(force), postbackWorker.close(force)]);
      await postbackQueue.close();
      await heartbeat.stop();
      await closeRedis(connection);
      if (!shared.database) await database.close();
    },
  };
}
