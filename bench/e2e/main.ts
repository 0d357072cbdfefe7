/**
 * End-to-end benchmark: failed pipelines through ingest → worker processes (both real child
 * processes, as deployed) → PostgreSQL, with the fake GitLab (over HTTP, through the real client;
 * it and the webhook sender run in this process) and an OpenAI-compatible fake answering after
 * each latency given, for each number of worker processes, on the same Redis and PostgreSQL.
 * Targets (2 s AI latency): >= 40 analyses/s per process, 2 processes >= 1.8x one. The 0 ms row
 * is printed for reference, with no target.
 *
 *   npm run bench -- e2e [--processes 1,2] [--latencies 0,2000] [--pipelines 500]
 *                        [--slow-pipelines 3200] [--concurrency 100] [--profile [--profile-dir DIR]]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@cia/cli';
import { createTestDatabase } from '@cia/db/testing';
import { createFakeGitLab } from '@cia/gitlab/testing';
import { createTestPrefix } from '@cia/queue/testing';
import { baseWorkerEnv, waitForWorkers } from '../drills/support/pipelines';
import { spawnIngest, spawnWorker, type TServiceProcess } from '../drills/support/service-process';
import { startSlowOpenAi } from '../drills/support/slow-openai.server';
import { monotonicUs, summarizeCpuProfiles, type TWindowUs } from './cpu-profile';
import { BENCH_PROJECT, BENCH_TOKEN, hookBuilds, pipelineJobs, TRACE_LINES } from './pipelines';
import { formatReport } from './report';
import { measureBurst, runBurst, type TBurstDeps, type TScenario, type TScenarioResult } from './scenario';

const argv = process.argv;
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const list = (name: string, fallback: number[]) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]!.split(',').map(Number) : fallback;
};
const PIPELINES = arg('pipelines', 500);
// At 2 s one process needs about 20 waves of 100 (a minute): the ramp while webhooks arrive and
// the last, partial wave then weigh little in the ratio of two processes to one.
const SLOW_PIPELINES = arg('slow-pipelines', 3200);
const PROCESSES = list('processes', [1, 2]);
const LATENCIES = list('latencies', [0, 2000]);
const CONCURRENCY = arg('concurrency', 100);
/** Two waves per process before a burst is measured: a fresh process's first analyses run cold. */
const WARMUP = 2 * CONCURRENCY;
const PROFILE = argv.includes('--profile');

/** Ingest as its own process, like the worker: it must not share an event loop with the fakes. */
async function startIngestProcess(env: Record<string, string>, nodeArgs: string[]): Promise<{ url: string; process: TServiceProcess }> {
  const port = await freePort();
  const child = spawnIngest('ingest', { ENVIRONMENT: 'test', LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: String(port), ...env }, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.child.exitCode !== null) throw new Error(`ingest exited: ${child.output()}`);
    if (
      await fetch(`${url}/health`).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return { url, process: child };
    if (Date.now() > deadline) throw new Error(`ingest did not start within 60 s: ${child.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const database = await createTestDatabase('bench_e2e');
  if (!database.url) throw new Error('the e2e benchmark needs PostgreSQL');
  const redis = createTestPrefix('bench-e2e');
  const gitlab = await createFakeGitLab({ token: BENCH_TOKEN, projects: [BENCH_PROJECT] });
  // Ingest is profiled for the whole run, the worker in the 1-process scenario of the first
  // latency; both summaries cover that scenario's burst alone.
  const keptProfileDir = argv.includes('--profile-dir') ? argv[argv.indexOf('--profile-dir') + 1] : undefined;
  const profileDir = keptProfileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cia-bench-prof-'));
  const [workerProfileDir, ingestProfileDir] = [path.join(profileDir, 'worker'), path.join(profileDir, 'ingest')];
  if (PROFILE) for (const dir of [workerProfileDir, ingestProfileDir]) fs.mkdirSync(dir, { recursive: true });
  const ingest = await startIngestProcess(
    {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      GITLAB_BASE_URL: gitlab.baseUrl,
      GITLAB_API_TOKEN: BENCH_TOKEN,
    },
    PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${ingestProfileDir}`] : [],
  );
  const deps: TBurstDeps = {
    database,
    ingestUrl: ingest.url,
    ingest: ingest.process,
    hookBuilds,
    gitlabRequests: () => gitlab.requests.length,
  };
  let nextPipeline = 9_000_000;
  const makePipelines = (n: number) => {
    const ids = Array.from({ length: n }, () => nextPipeline++);
    for (const id of ids)
      gitlab.addPipeline(BENCH_PROJECT.id, { id, ref: 'main', sha: BENCH_PROJECT.sha, status: 'failed', jobs: pipelineJobs(id) });
    return ids;
  };

  const results: TScenarioResult[] = [];
  let profiledBurst: TWindowUs | undefined;
  for (const latencyMs of LATENCIES) {
    const ai = await startSlowOpenAi({ latencyMs });
    for (const processes of PROCESSES) {
      const scenario: TScenario = { latencyMs, processes, pipelines: latencyMs > 0 ? SLOW_PIPELINES : PIPELINES };
      const env = {
        ...baseWorkerEnv({ databaseUrl: database.url, redisUrl: redis.url, prefix: redis.prefix, concurrency: CONCURRENCY, ai: ai.env }),
        GITLAB_BASE_URL: gitlab.baseUrl,
        GITLAB_API_TOKEN: BENCH_TOKEN,
      };
      const profiled = PROFILE && latencyMs === LATENCIES[0] && processes === 1;
      const workers: TServiceProcess[] = [];
      try {
        for (let i = 0; i < processes; i++)
          workers.push(spawnWorker(`worker-${i + 1}`, env, profiled ? ['--cpu-prof', `--cpu-prof-dir=${workerProfileDir}`] : []));
        await waitForWorkers(
          redis.url,
          redis.prefix,
          processes,
          60_000,
          workers.map((w) => w.pid),
        );
        process.stderr.write(`AI ${latencyMs} ms, ${processes} process(es): warm-up, then ${scenario.pipelines} pipelines...\n`);
        await runBurst(deps, makePipelines(WARMUP * processes), 600_000);
        const from = monotonicUs();
        results.push(await measureBurst(deps, scenario, makePipelines(scenario.pipelines), workers));
        if (profiled) profiledBurst = { from, to: monotonicUs() };
      } finally {
        await Promise.all(workers.map((w) => w.stop(30_000)));
      }
    }
    await ai.close();
  }

  const header = [
    `\nEnd-to-end benchmark: ${os.cpus().length} CPU(s), load average at start ${load}, at end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `WORKER_CONCURRENCY=AI_MAX_CONCURRENCY=${CONCURRENCY} per process; fake GitLab (2 jobs, a ${TRACE_LINES}-line failed log); AI_RULES_FIRST=false, AI_CACHE_TTL_HOURS=0\n`,
  ];
  const out = [...header, ...formatReport(results)];
  // Ingest writes its profile when it exits.
  await ingest.process.stop(30_000);
  if (PROFILE) {
    const burst = `the AI ${LATENCIES[0]} ms, 1-process burst`;
    out.push(
      '',
      ...summarizeCpuProfiles(workerProfileDir, `the worker process in ${burst}`, { window: profiledBurst }),
      '',
      ...summarizeCpuProfiles(ingestProfileDir, `the ingest process in ${burst}`, { window: profiledBurst }),
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (!keptProfileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  await gitlab.close();
  await database.drop();
  await redis.cleanup();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
