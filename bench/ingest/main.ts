/**
 * Ingest benchmark, services as deployed: ingest runs in its own process from its entry point
 * (services/ingest/src/main.ts, ENVIRONMENT=production, LOG_LEVEL=info, outbox relay and
 * heartbeats on, real PostgreSQL + Redis), against a bare Express handler in its own process
 * that parses the same body and answers 202, and against the "durable floor" (durable-floor.ts:
 * that handler plus ingest's validation and the same PostgreSQL insert and Redis enqueue). They are loaded
 * one at a time, alternated in the same run; absolute numbers on shared machines are noise, the
 * ratios hold.
 *
 *   npm run bench -- ingest [--seconds 10] [--rate 500] [--rounds 2] [--profile]
 *
 * --profile: ingest runs with --cpu-prof; where its CPU time went is printed after the table.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@cia/db/testing';
import { freePort } from '@cia/logger';
import { createTestPrefix } from '@cia/queue/testing';
import { summarizeCpuProfiles } from '../e2e/cpu-profile';
import { cpuOfCommand, readCpuSeconds, spawnIngest, spawnService, type TServiceProcess } from '../drills/support/service-process';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 10);
const RATE = arg('rate', 500);
const ROUNDS = arg('rounds', 2);
const WEBHOOK_SECRET = 'bench-webhook-secret';
const PROFILE_DIR = process.argv.includes('--profile') ? path.join(os.tmpdir(), `cia-ingest-profile-${process.pid}`) : undefined;

let pipelineSeq = 10_000_000;

/** CPU milliseconds each party used during one run: the server, PostgreSQL, Redis, the load generator. */
type TCpuMs = { server: number; postgres: number; redis: number; load: number };
type TRun = { p50: number; p99: number; rps: number; non2xx: number; errors: number; sent: number; total: number; cpu: TCpuMs };

async function waitHealthy(url: string, service: TServiceProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited: ${service.output()}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service.name} did not answer /health: ${service.output()}`);
}

const cpuSecondsNow = (server: TServiceProcess) => ({
  server: readCpuSeconds(server.pid),
  postgres: cpuOfCommand('postgres'),
  redis: cpuOfCommand('redis-server'),
  // The load generator is a child of this process that has exited (and been waited for) by the end.
  load: readCpuSeconds(process.pid, { withExitedChildren: true }) - readCpuSeconds(process.pid),
});

/**
 * One load run from a separate process (bench/ingest/load.ts). The CPU time of the server,
 * PostgreSQL, Redis and the load generator is read from /proc before and after: a measure that,
 * unlike req/s, barely moves when other work shares the cores, and says where the machine went.
 */
function run(url: string, server: TServiceProcess, fixedRate: boolean): Promise<TRun> {
  const first = pipelineSeq;
  pipelineSeq += 10_000_000;
  const before = cpuSecondsNow(server);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(__dirname, 'load.ts'),
        url,
        String(SECONDS),
        String(fixedRate ? RATE : 0),
        String(first),
        WEBHOOK_SECRET,
      ],
      { maxBuffer: 1 << 20 },
      (err, stdout) => {
        if (err) return reject(err);
        const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Omit<TRun, 'cpu'>;
        const after = cpuSecondsNow(server);
        const used = (k: keyof TCpuMs) => (after[k] - before[k]) * 1000;
        resolve({ ...result, cpu: { server: used('server'), postgres: used('postgres'), redis: used('redis'), load: used('load') } });
      },
    );
  });
}

type TTotals = Record<'ingestFixed' | 'bareFixed' | 'ingestMax' | 'bareMax' | 'floorMax', TRun[]>;

function table(totals: TTotals): string[] {
  const mean = (xs: TRun[], k: Exclude<keyof TRun, 'cpu'>) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
  const fmt = (n: number, d = 1) => n.toFixed(d);
  const ratio = (a: number, b: number) => (b > 0.001 ? fmt(a / b, 2) : '-');
  const cpuPerRequest = (xs: TRun[], k: keyof TCpuMs) =>
    xs.reduce((s, x) => s + x.cpu[k], 0) /
    Math.max(
      xs.reduce((s, x) => s + x.total, 0),
      1,
    );
  // At full load, where the CPU per request decides the throughput (a 10 s run at 500 req/s is
  // dominated by the load generator's start-up and the idle time between requests).
  const cpuRow = (label: string, k: keyof TCpuMs) => {
    const [b, f, i] = [totals.bareMax, totals.floorMax, totals.ingestMax].map((xs) => cpuPerRequest(xs, k)) as [number, number, number];
    return `| ${label} CPU per request at max throughput (ms) | ${fmt(b, 3)} | ${fmt(f, 3)} | ${fmt(i, 3)} | ${ratio(i, b)} | - |`;
  };
  const latencyRow = (k: 'p50' | 'p99', target: string) => {
    const [b, i] = [mean(totals.bareFixed, k), mean(totals.ingestFixed, k)];
    return `| ${k} latency at ${RATE} req/s (ms) | ${fmt(b)} | | ${fmt(i)} | ${fmt(i / Math.max(b, 0.1), 2)} | ${target} |`;
  };
  const [bareRps, floorRps, ingestRps] = [totals.bareMax, totals.floorMax, totals.ingestMax].map((xs) => mean(xs, 'rps')) as [
    number,
    number,
    number,
  ];
  const bad = [...totals.ingestFixed, ...totals.ingestMax].reduce((s, r) => s + r.non2xx + r.errors, 0);
  return [
    `| measure | bare Express | durable floor | ingest | ratio (ingest/bare) | target |`,
    `|---|---|---|---|---|---|`,
    latencyRow('p50', '-'),
    latencyRow('p99', '<= 2'),
    `| max throughput (req/s) | ${fmt(bareRps, 0)} | ${fmt(floorRps, 0)} (${ratio(floorRps, bareRps)}x bare) | ${fmt(ingestRps, 0)} | ${ratio(ingestRps, bareRps)} | >= 0.5 |`,
    cpuRow('server', 'server'),
    cpuRow('PostgreSQL', 'postgres'),
    cpuRow('Redis', 'redis'),
    cpuRow('load generator', 'load'),
    `| non-2xx or errors (ingest) | | | ${bad} | | 0 |`,
  ];
}

async function main(): Promise<void> {
  const database = await createTestDatabase('bench_ingest');
  const redisTest = createTestPrefix('bench-ingest');
  if (!database.url) throw new Error('the ingest benchmark needs PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432)');
  const [ingestPort, barePort, floorPort] = [await freePort(), await freePort(), await freePort()];
  // Production settings: the secrets production requires, default log level, relay and heartbeats on.
  const ingest = spawnIngest(
    'ingest',
    {
      ENVIRONMENT: 'production',
      DATABASE_URL: database.url,
      REDIS_URL: redisTest.url,
      QUEUE_PREFIX: redisTest.prefix,
      HOST: '127.0.0.1',
      PORT: String(ingestPort),
      API_TOKEN: 'bench-api-token-0123456789',
      SECRET_KEY: 'bench-secret-key-0123456789',
      GITLAB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
    PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
  );
  const bare = spawnService('bare-express', 'bench/ingest/bare-express.ts', { PORT: String(barePort) });
  const floor = spawnService('durable-floor', 'bench/ingest/durable-floor.ts', {
    PORT: String(floorPort),
    DATABASE_URL: database.url,
    REDIS_URL: redisTest.url,
    QUEUE_PREFIX: redisTest.prefix,
  });
  const [ingestUrl, bareUrl, floorUrl] = [ingestPort, barePort, floorPort].map((port) => `http://127.0.0.1:${port}`) as [
    string,
    string,
    string,
  ];
  try {
    await Promise.all([waitHealthy(ingestUrl, ingest), waitHealthy(bareUrl, bare), waitHealthy(floorUrl, floor)]);
    const totals: TTotals = { ingestFixed: [], bareFixed: [], ingestMax: [], bareMax: [], floorMax: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      totals.bareFixed.push(await run(bareUrl, bare, true));
      totals.ingestFixed.push(await run(ingestUrl, ingest, true));
      totals.bareMax.push(await run(bareUrl, bare, false));
      totals.floorMax.push(await run(floorUrl, floor, false));
      totals.ingestMax.push(await run(ingestUrl, ingest, false));
      process.stderr.write(`round ${round}/${ROUNDS} done\n`);
    }
    process.stdout.write(
      `\nIngest benchmark (own processes, ENVIRONMENT=production): ${ROUNDS} round(s) of ${SECONDS}s, PostgreSQL, Redis ${redisTest.url}\n\n${table(totals).join('\n')}\n`,
    );
  } finally {
    await Promise.all([ingest.stop(), bare.stop(), floor.stop()]);
    if (PROFILE_DIR) process.stdout.write(`\n${summarizeCpuProfiles(PROFILE_DIR, 'ingest').join('\n')}\n`);
    await database.drop();
    await redisTest.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
