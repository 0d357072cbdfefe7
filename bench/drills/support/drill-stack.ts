import { loadConfig, type TConfig } from '@cia/config';
import { applyMigrations, openDatabase, type TDatabase } from '@cia/db';
import { createTestDatabase } from '@cia/db/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import type { TOutboxOptions } from '@cia/intake';
import { createLogger } from '@cia/logger';
import { createTestPrefix } from '@cia/queue/testing';
import { baseWorkerEnv, waitForWorkers } from './pipelines';
import { spawnWorker, type TServiceProcess } from './service-process';
import { startSlowOpenAi, type TSlowOpenAi, type TSlowOpenAiOptions } from './slow-openai.server';

export type TDrillStack = {
  database: TDatabase;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  config: TConfig;
  ai: TSlowOpenAi;
  ingest: TIngestHandle;
  workers: TServiceProcess[];
  workerEnv: Record<string, string>;
  /** Starts one more worker process and waits until it announces itself. */
  addWorker(name?: string): Promise<TServiceProcess>;
  close(): Promise<void>;
};

export type TDrillStackOptions = {
  label: string;
  workers: number;
  concurrency: number;
  ai?: TSlowOpenAiOptions;
  /** An existing PostgreSQL (e.g. a private cluster); default: a fresh database on the test server. */
  databaseUrl?: string;
  /** An existing Redis (e.g. a private redis-server); default: the test Redis with a unique prefix. */
  redis?: { url: string; prefix: string };
  relay?: TOutboxOptions;
  extraEnv?: Record<string, string>;
};

/**
 * Ingest in this process (its answers are what the drills watch) and the workers as real child
 * processes on the same PostgreSQL and Redis, with an OpenAI-compatible fake. No GitLab token:
 * the worker analyses what the webhook carried, which keeps drills about the pipeline, not GitLab.
 */
export async function startDrillStack(o: TDrillStackOptions): Promise<TDrillStack> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let database: TDatabase;
    let databaseUrl: string;
    if (o.databaseUrl) {
      database = await openDatabase({ databaseUrl: o.databaseUrl, maxConnections: 10 });
      await applyMigrations(database);
      databaseUrl = o.databaseUrl;
      cleanups.push(() => database.close());
    } else {
      const test = await createTestDatabase(o.label);
      if (!test.url) throw new Error('drills need PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432)');
      database = test;
      databaseUrl = test.url;
      cleanups.push(() => test.drop());
    }
    let redis = o.redis;
    if (!redis) {
      const t = createTestPrefix(o.label);
      redis = { url: t.url, prefix: t.prefix };
      cleanups.push(() => t.cleanup());
    }
    const ai = await startSlowOpenAi(o.ai);
    cleanups.push(() => ai.close());
    const workerEnv = {
      ...baseWorkerEnv({ databaseUrl, redisUrl: redis.url, prefix: redis.prefix, concurrency: o.concurrency, ai: ai.env }),
      ...o.extraEnv,
    };
    const config = loadConfig({ ...workerEnv, HOST: '127.0.0.1', LOG_LEVEL: 'error' }, { dotenvPath: false });
    const ingest = await startIngest(config, {
      database,
      logger: createLogger({ service: 'ingest', silent: true }),
      port: 0,
      relay: o.relay ?? { intervalMs: 250, graceMs: 500 },
    });
    cleanups.push(() => ingest.close());
    const workers: TServiceProcess[] = [];
    cleanups.push(async () => {
      await Promise.all(workers.map((w) => w.stop(5000)));
    });
    let seq = 0;
    const addWorker = async (name = `worker-${++seq}`) => {
      const w = spawnWorker(name, workerEnv);
      workers.push(w);
      await Promise.race([
        waitForWorkers(redis.url, redis.prefix, 1, 60_000, [w.pid]),
        w.exited.then((code) => {
          throw new Error(`${name} exited with ${code} while starting: ${w.output()}`);
        }),
      ]);
      return w;
    };
    for (let i = 0; i < o.workers; i++) await addWorker();
    return {
      database,
      databaseUrl,
      redisUrl: redis.url,
      prefix: redis.prefix,
      config,
      ai,
      ingest,
      workers,
      workerEnv,
      addWorker,
      close: async () => {
        for (const c of cleanups.reverse()) await c().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    throw err;
  }
}
