/**
 * Ingest benchmark: accepted-webhook latency at a fixed rate and maximum throughput, ingest (real
 * PostgreSQL + Redis) against a bare Express handler that parses the same body and answers 202,
 * alternated in the same run. Absolute numbers on shared machines are noise; the ratios hold.
 *
 *   npm run bench -- ingest [--seconds 10] [--rate 500] [--rounds 2]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import path from 'node:path';
import express from 'express';
import { loadConfig } from '@cia/config';
import { openDatabase } from '@cia/db';
import { createTestDatabase } from '@cia/db/testing';
import { createApp } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { closeRedis, createQueues, createRedisConnection } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 10);
const RATE = arg('rate', 500);
const ROUNDS = arg('rounds', 2);

function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = http.createServer(app).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

let pipelineSeq = 10_000_000;

type TRun = { p50: number; p99: number; rps: number; non2xx: number; errors: number; sent: number; total: number; cpuMs: number };

/**
 * One load run from a separate process (bench/ingest/load.ts). Both apps live in this process and
 * run one at a time, so this process's CPU time during a run is the server's cost of that run: a
 * measure that, unlike req/s, barely moves when other work shares the cores.
 */
function run(url: string, fixedRate: boolean): Promise<TRun> {
  const first = pipelineSeq;
  pipelineSeq += 10_000_000;
  const cpuBefore = process.cpuUsage();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'load.ts'), url, String(SECONDS), String(fixedRate ? RATE : 0), String(first)],
      { maxBuffer: 1 << 20 },
      (err, stdout) => {
        if (err) return reject(err);
        const cpu = process.cpuUsage(cpuBefore);
        const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Omit<TRun, 'cpuMs'>;
        resolve({ ...result, cpuMs: (cpu.user + cpu.system) / 1000 });
      },
    );
  });
}

async function main(): Promise<void> {
  const database = await createTestDatabase('bench_ingest');
  const redisTest = createTestPrefix('bench-ingest');
  const redis = createRedisConnection(redisTest.url, 'producer');
  const queues = createQueues(redis, redisTest.prefix);
  const config = loadConfig({ ENVIRONMENT: 'test', LOG_LEVEL: 'error', REDIS_URL: redisTest.url, QUEUE_PREFIX: redisTest.prefix }, { dotenvPath: false });
  const logger = createLogger({ service: 'bench', silent: true });
  // The pool size ingest runs with in production (startIngest), not the small test pool.
  const pool = await openDatabase({ databaseUrl: database.url, maxConnections: 20 });
  const ingestApp = createApp({ config, db: pool.db, queues, logger, health: { check: async () => ({ components: {} }) } });
  const bare = express();
  bare.post('/webhooks/gitlab', express.json({ limit: '5mb' }), (req, res) => {
    res.status(202).json({ status: 'accepted', request_id: String((req.body as { object_attributes?: { id?: number } }).object_attributes?.id) });
  });
  const ingest = await listen(ingestApp);
  const baseline = await listen(bare);

  const rows: string[] = [];
  const totals = { ingestFixed: [] as TRun[], bareFixed: [] as TRun[], ingestMax: [] as TRun[], bareMax: [] as TRun[] };
  for (let round = 1; round <= ROUNDS; round++) {
    totals.bareFixed.push(await run(baseline.url, true));
    totals.ingestFixed.push(await run(ingest.url, true));
    totals.bareMax.push(await run(baseline.url, false));
    totals.ingestMax.push(await run(ingest.url, false));
    process.stderr.write(`round ${round}/${ROUNDS} done\n`);
  }
  const mean = (xs: TRun[], k: keyof TRun) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  const fmt = (n: number, d = 1) => n.toFixed(d);
  rows.push(`| measure | bare Express | ingest | ratio (ingest/bare) | target |`);
  rows.push(`|---|---|---|---|---|`);
  rows.push(`| p50 latency at ${RATE} req/s (ms) | ${fmt(mean(totals.bareFixed, 'p50'))} | ${fmt(mean(totals.ingestFixed, 'p50'))} | ${fmt(mean(totals.ingestFixed, 'p50') / Math.max(mean(totals.bareFixed, 'p50'), 0.1), 2)} | - |`);
  rows.push(`| p99 latency at ${RATE} req/s (ms) | ${fmt(mean(totals.bareFixed, 'p99'))} | ${fmt(mean(totals.ingestFixed, 'p99'))} | ${fmt(mean(totals.ingestFixed, 'p99') / Math.max(mean(totals.bareFixed, 'p99'), 0.1), 2)} | <= 2 |`);
  rows.push(`| max throughput (req/s) | ${fmt(mean(totals.bareMax, 'rps'), 0)} | ${fmt(mean(totals.ingestMax, 'rps'), 0)} | ${fmt(mean(totals.ingestMax, 'rps') / mean(totals.bareMax, 'rps'), 2)} | >= 0.5 |`);
  const cpuPerRequest = (xs: TRun[]) => xs.reduce((s, x) => s + x.cpuMs, 0) / Math.max(xs.reduce((s, x) => s + x.total, 0), 1);
  const cpuBare = cpuPerRequest([...totals.bareFixed, ...totals.bareMax]);
  const cpuIngest = cpuPerRequest([...totals.ingestFixed, ...totals.ingestMax]);
  rows.push(`| server CPU per request (ms) | ${fmt(cpuBare, 3)} | ${fmt(cpuIngest, 3)} | ${fmt(cpuIngest / cpuBare, 2)} | - |`);
  const bad = [...totals.ingestFixed, ...totals.ingestMax].reduce((s, r) => s + r.non2xx + r.errors, 0);
  rows.push(`| non-2xx or errors (ingest) | | ${bad} | | 0 |`);
  process.stdout.write(`\nIngest benchmark: ${ROUNDS} round(s) of ${SECONDS}s, PostgreSQL ${database.kind}, Redis ${redisTest.url}\n\n${rows.join('\n')}\n`);

  await ingest.close();
  await baseline.close();
  await queues.close();
  await closeRedis(redis);
  await pool.close();
  await database.drop();
  await redisTest.cleanup();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
