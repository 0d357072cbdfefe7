/**
 * End-to-end benchmark: failed pipelines through ingest → worker processes (both real child
 * processes) → PostgreSQL, with the fake GitLab (over HTTP, through the real client; it and the
 * webhook sender run in this process) and an OpenAI-compatible fake at 0 ms and at
 * 2 s latency, for 1, 2 and 4 worker processes on the same Redis and PostgreSQL; BullMQ's own
 * empty-job throughput on the same Redis, measured in the same run, is the ceiling.
 *
 *   npm run bench -- e2e [--pipelines 1500] [--slow-pipelines 3200] [--processes 1,2,4]
 *                        [--latencies 0,2000] [--concurrency 100] [--empty-jobs 20000] [--empty-runs 3]
 *                        [--gitlab-concurrency <default: --concurrency>] [--warmup <default: --pipelines>] [--slow-warmup 200]
 *                        [--profile [--profile-dir DIR]]
 *                        [--bursts-per-process]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { between, inArray, sql } from 'drizzle-orm';
import { freePort } from '@cia/cli';
import { analyses } from '@cia/db';
import { createTestDatabase } from '@cia/db/testing';
import { createFakeGitLab } from '@cia/gitlab/testing';
import { createTestPrefix } from '@cia/queue/testing';
import { baseWorkerEnv, percentile, waitForWorkers, type TAnalysisRowLite } from '../drills/support/pipelines';
import { readCpuSeconds, readMachineCpu, spawnIngest, spawnWorker, type TServiceProcess } from '../drills/support/service-process';
import { startSlowOpenAi } from '../drills/support/slow-openai.server';
import { monotonicUs, summarizeCpuProfiles, type TWindowUs } from './cpu-profile';
import { measureEmptyJobThroughput } from './empty-jobs';
import { sendHooksLean } from './send-hooks';

const argv = process.argv;
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const list = (name: string, fallback: number[]) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]!.split(',').map(Number) : fallback;
};
// Bursts long enough (about 8 s at 0 ms and 65 s at 2 s for one process) that the ramp at the
// start and the tail at the end weigh little: a 400-pipeline burst at 2 s is 4 waves of 100 for one
// process but 2 of 200 for two, and the partial first and last waves then dominate the ratio. At
// 1,600 pipelines they still cost two processes about 7 % (1.79–1.80x where 3,200 gave 1.87–1.89x
// on the same machine in the same hour), so the 2 s burst is 3,200.
const PIPELINES = arg('pipelines', 1500);
const SLOW_PIPELINES = arg('slow-pipelines', 3200);
/**
 * --bursts-per-process: each scenario sends its burst once per worker process, so every process
 * count runs the same number of waves for about as long (weak scaling). By default the burst is the
 * same for every process count (strong scaling): two processes then finish in half the time, and
 * the ramp while webhooks arrive and the last wave weigh twice as much in their throughput.
 */
const BURSTS_PER_PROCESS = argv.includes('--bursts-per-process');
const PROCESSES = list('processes', [1, 2, 4]);
const LATENCIES = list('latencies', [0, 2000]);
const CONCURRENCY = arg('concurrency', 100);
const EMPTY_JOBS = arg('empty-jobs', 20_000);
/**
 * Empty-job measurements before and after the scenarios each: single measurements of the same
 * Redis moved by half (13,000/s and 21,000/s a minute apart), and the ceiling is the mean of all.
 * One more run first is not counted: the first run in a process is the slowest (V8 still cold),
 * as the workers' own first analyses are, which their warm-up leaves out too.
 */
const EMPTY_RUNS = Math.max(1, arg('empty-runs', 3));
/**
 * Pipelines each worker process analyses before its burst is measured. A fresh process runs its
 * first analyses cold: V8 has not yet compiled the hot paths of the worker, ingest and the fakes
 * with its optimising tiers. With 20 warm-up pipelines a worker spent 3.6 ms of CPU per analysis at
 * 0 ms; with 1,500, in the same hour, 2.45 ms, and ingest 0.95 → 0.67 ms per webhook. A worker
 * runs for days in production, and the empty-job ceiling is measured warm too (its first run is
 * not counted), so at 0 ms, where CPU is what is measured, each process first analyses as many
 * pipelines as the burst (--warmup). At 2 s, where a process waits for the AI and uses a fifth of a
 * core, two waves (--slow-warmup, 200 per process) keep the run short.
 */
const WARMUP = arg('warmup', PIPELINES);
const SLOW_WARMUP = arg('slow-warmup', 2 * CONCURRENCY);
const PROFILE = argv.includes('--profile');
/**
 * GITLAB_MAX_CONCURRENCY for the workers: by default --concurrency, so GitLab requests are not
 * held back behind the product default of 8 (sized for a shared GitLab, not for a local fake).
 */
const GITLAB_CONCURRENCY = String(arg('gitlab-concurrency', CONCURRENCY));
const TOKEN = 'glpat-benchTOKENabcdefghijk';
const PROJECT_ID = 1;
const SHA = 'bcbb5ec396a2c0f828686f14fac9b80b780504f2';
/** The CI config of the failed pipelines' commit: two jobs, no child pipelines, no JUnit reports. */
const CI_CONFIG = `stages: [test, deploy]

test-image:
  stage: test
  image: docker:27
  script:
    - docker build -t app .
    - docker run --rm app npm test

production:
  stage: deploy
  image: node:20
  script:
    - npm ci
    - npm run deploy
  environment: production
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
`;

const TRACE = [
  '\x1b[0Ksection_start:1700000000:prepare_script\r\x1b[0KPreparing environment',
  'Running on runner-abc via host...',
  '\x1b[0Ksection_end:1700000001:prepare_script\r\x1b[0K',
  '$ npm ci',
  ...Array.from({ length: 300 }, (_, i) => `added package ${i} in 0.1s`),
  'npm ERR! code ERESOLVE',
  'npm ERR! ERESOLVE unable to resolve dependency tree',
  'npm ERR! Found: react@18.2.0',
  'npm ERR! peer react@"^17.0.0" from react-beautiful-dnd@13.1.1',
  'ERROR: Job failed: exit code 1',
].join('\n');

/** The project the pipelines fail in; what the webhooks point at (commit, MR) exists, as on a real instance. */
const PROJECT = {
  id: PROJECT_ID,
  path_with_namespace: 'gitlab-org/gitlab-test',
  default_branch: 'master',
  files: { [SHA]: { '.gitlab-ci.yml': CI_CONFIG } },
  commits: [{ id: SHA, title: 'test', author_name: 'User', author_email: 'user@gitlab.com' }],
  mergeRequests: [{ iid: 1, title: 'Test', source_branch: 'test', target_branch: 'master', shas: [SHA] }],
  pipelines: [],
};

type TScenario = { latencyMs: number; processes: number; pipelines: number };
type TResult = TScenario & { adjacentCeiling?: [number, number]; cpu: { bench: number; ingest: number; postgres: number; redis: number; workers: number; machinePct: number }; perSecond: number; p50: number; p95: number; seconds: number; timings: Record<string, number>; aiPeak: number; failed: number; deliverySeconds: number; lastStartSeconds: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU seconds used so far by every process with this command name (PostgreSQL's backends, Redis):
 * the database's share of an analysis. Anything else using them at the same time counts too. The
 * exited children of each (a backend whose connection closed, counted by the postmaster that
 * waited for it) count as well: without them the sum went down when workers disconnected.
 */
function cpuOfCommand(name: string): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name) total += readCpuSeconds(Number(pid), { withExitedChildren: true });
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Ingest as its own process, like the worker: it must not share an event loop with the fakes. */
async function startIngestProcess(env: Record<string, string>, nodeArgs: string[]): Promise<{ url: string; process: TServiceProcess }> {
  const port = await freePort();
  const child = spawnIngest('ingest', { ENVIRONMENT: 'test', LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: String(port), ...env }, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.child.exitCode !== null) throw new Error(`ingest exited: ${child.output()}`);
    if (await fetch(`${url}/health`).then((r) => r.status < 500, () => false)) return { url, process: child };
    if (Date.now() > deadline) throw new Error(`ingest did not start within 60 s: ${child.output()}`);
    await sleep(200);
  }
}

async function main(): Promise<void> {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const database = await createTestDatabase('bench_e2e');
  if (!database.url) throw new Error('the e2e benchmark needs PostgreSQL');
  const redis = createTestPrefix('bench-e2e');
  const gitlab = await createFakeGitLab({ token: TOKEN, projects: [PROJECT] });
  // --profile-dir keeps the .cpuprofile files (for a flame graph); otherwise a temporary directory.
  // Ingest runs profiled for the whole run, the workers only in the 1-process scenario of the first
  // latency; both summaries cover that scenario's burst alone (not start-up and warm-up).
  const keptProfileDir = argv.includes('--profile-dir') ? argv[argv.indexOf('--profile-dir') + 1] : undefined;
  const profileDir = keptProfileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cia-bench-prof-'));
  const workerProfileDir = path.join(profileDir, 'worker');
  const ingestProfileDir = path.join(profileDir, 'ingest');
  if (PROFILE) for (const dir of [workerProfileDir, ingestProfileDir]) fs.mkdirSync(dir, { recursive: true });
  const ingest = await startIngestProcess(
    { DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, GITLAB_BASE_URL: gitlab.baseUrl, GITLAB_API_TOKEN: TOKEN },
    PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${ingestProfileDir}`] : [],
  );
  let nextPipeline = 9_000_000;
  const makePipelines = (n: number) => {
    const ids = Array.from({ length: n }, () => nextPipeline++);
    for (const id of ids) {
      gitlab.addPipeline(PROJECT_ID, {
        id,
        ref: 'main',
        sha: SHA,
        status: 'failed',
        jobs: [
          { id: id * 10, name: 'production', stage: 'deploy', status: 'failed', failure_reason: 'script_failure', trace: TRACE },
          { id: id * 10 + 1, name: 'test-image', stage: 'test', status: 'success' },
        ],
      });
    }
    return ids;
  };
  // What GitLab's Pipeline Hook lists for those pipelines: the same jobs.
  const hookBuilds = (id: number) => [
    { id: id * 10, stage: 'deploy', name: 'production', status: 'failed', failure_reason: 'script_failure', allow_failure: false, duration: 17.1 },
    { id: id * 10 + 1, stage: 'test', name: 'test-image', status: 'success', failure_reason: null, allow_failure: false, duration: 30.2 },
  ];
  // The ids of a batch are consecutive: a range is two parameters where a list is hundreds, which
  // drizzle would rebuild on every poll in this process (whose CPU competes with what is measured).
  const ofPipelines = (ids: number[]) => {
    const lo = Math.min(...ids);
    const hi = Math.max(...ids);
    return hi - lo + 1 === new Set(ids).size ? between(analyses.pipelineId, lo, hi) : inArray(analyses.pipelineId, ids);
  };
  const readRows = (ids: number[]) => database.db.select().from(analyses).where(ofPipelines(ids));
  // Polling counts only: reading every row's JSON columns five times a second would load the
  // database and this process more than a few analyses do.
  const countFinished = async (ids: number[]) => {
    const [row] = await database.db
      .select({ total: sql<number>`count(*)::int`, finished: sql<number>`(count(*) filter (where ${analyses.status} in ('completed', 'failed')))::int`, completed: sql<number>`(count(*) filter (where ${analyses.status} = 'completed'))::int` })
      .from(analyses)
      .where(ofPipelines(ids));
    return row ?? { total: 0, finished: 0, completed: 0 };
  };
  const runBatch = async (ids: number[], timeoutMs: number): Promise<TAnalysisRowLite[]> => {
    const sent = await sendHooksLean(ingest.url, ids, { concurrency: 32, builds: hookBuilds });
    const refused = sent.filter((s) => s.status !== 202);
    if (refused.length) throw new Error(`${refused.length} deliveries refused: ${refused[0]?.status} ${refused[0]?.error ?? ''}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = await countFinished(ids);
      if (n.total === ids.length && n.finished === ids.length) return readRows(ids);
      if (Date.now() > deadline) throw new Error(`timed out: ${n.completed}/${ids.length} completed`);
      await sleep(200);
    }
  };

  const measureEmptyJobs = async (when: string) => {
    process.stderr.write(`measuring BullMQ empty-job throughput ${when} (${EMPTY_RUNS} x ${EMPTY_JOBS} jobs, concurrency ${CONCURRENCY})...\n`);
    const runs: number[] = [];
    for (let i = 0; i < EMPTY_RUNS; i++) runs.push(await measureEmptyJobThroughput(redis.url, redis.prefix, EMPTY_JOBS, CONCURRENCY));
    return runs;
  };
  const emptyWarmUp = await measureEmptyJobThroughput(redis.url, redis.prefix, EMPTY_JOBS, CONCURRENCY);
  const emptyBefore = await measureEmptyJobs('before the scenarios');
  const results: TResult[] = [];
  let gitlabPerAnalysis = NaN;
  let gitlabByEndpoint = '';
  let dbPerAnalysis = NaN;
  let profiledBurst: TWindowUs | undefined;
  const readCommits = async () => {
    // Statistics are flushed about once a second; wait so both readings are settled.
    await sleep(1100);
    const res = (await database.db.execute(sql`select xact_commit::bigint as n from pg_stat_database where datname = current_database()`)) as unknown as { rows: { n: string }[] };
    return Number(res.rows[0]?.n ?? NaN);
  };
  for (const latencyMs of LATENCIES) {
    const ai = await startSlowOpenAi({ latencyMs });
    for (const processes of PROCESSES) {
      const scenario: TScenario = { latencyMs, processes, pipelines: (latencyMs > 0 ? SLOW_PIPELINES : PIPELINES) * (BURSTS_PER_PROCESS ? processes : 1) };
      const env = { ...baseWorkerEnv({ databaseUrl: database.url, redisUrl: redis.url, prefix: redis.prefix, concurrency: CONCURRENCY, ai: ai.env }), GITLAB_BASE_URL: gitlab.baseUrl, GITLAB_API_TOKEN: TOKEN, GITLAB_MAX_CONCURRENCY: GITLAB_CONCURRENCY };
      const profiled = PROFILE && latencyMs === LATENCIES[0] && processes === 1;
      const workers: TServiceProcess[] = [];
      try {
        for (let i = 0; i < processes; i++) workers.push(spawnWorker(`worker-${i + 1}`, env, profiled ? ['--cpu-prof', `--cpu-prof-dir=${workerProfileDir}`] : []));
        await waitForWorkers(redis.url, redis.prefix, processes, 60_000, workers.map((w) => w.pid));
        process.stderr.write(`AI ${latencyMs} ms, ${processes} process(es): warm-up...\n`);
        await runBatch(makePipelines((latencyMs > 0 ? SLOW_WARMUP : WARMUP) * processes), 600_000);
        process.stderr.write(`AI ${latencyMs} ms, ${processes} process(es): ${scenario.pipelines} pipelines...\n`);
        // At 0 ms, one empty-job run right before and right after the burst too: the machine's speed
        // moves within a minute, and these say how fast it was while this burst ran (reported only).
        const adjacentBefore = latencyMs === 0 ? await measureEmptyJobThroughput(redis.url, redis.prefix, EMPTY_JOBS, CONCURRENCY) : NaN;
        const ids = makePipelines(scenario.pipelines);
        const gitlabBefore = gitlab.requests.length;
        const xactBefore = await readCommits();
        const cpuBefore = { bench: process.cpuUsage(), ingest: readCpuSeconds(ingest.process.pid), postgres: cpuOfCommand('postgres'), redis: cpuOfCommand('redis-server'), workers: workers.reduce((s, w) => s + readCpuSeconds(w.pid), 0), machine: readMachineCpu() };
        const burstFrom = monotonicUs();
        const rows = await runBatch(ids, 600_000);
        if (profiled) profiledBurst = { from: burstFrom, to: monotonicUs() };
        const machine = readMachineCpu();
        const benchCpu = process.cpuUsage(cpuBefore.bench);
        const cpu = {
          bench: (benchCpu.user + benchCpu.system) / 1e6,
          ingest: readCpuSeconds(ingest.process.pid) - cpuBefore.ingest,
          postgres: cpuOfCommand('postgres') - cpuBefore.postgres,
          redis: cpuOfCommand('redis-server') - cpuBefore.redis,
          workers: workers.reduce((s, w) => s + readCpuSeconds(w.pid), 0) - cpuBefore.workers,
          machinePct: (100 * (machine.busy - cpuBefore.machine.busy)) / Math.max(1, machine.total - cpuBefore.machine.total),
        };
        gitlabPerAnalysis = (gitlab.requests.length - gitlabBefore) / rows.length;
        const endpoints = new Map<string, number>();
        for (const r of gitlab.requests.slice(gitlabBefore)) {
          const endpoint = r.path.replace(/\/\d+/g, '/:id').replace(/files\/[^/]+/, 'files/:path');
          endpoints.set(endpoint, (endpoints.get(endpoint) ?? 0) + 1);
        }
        gitlabByEndpoint = [...endpoints].sort((a, b) => b[1] - a[1]).map(([e, n]) => `${e} ${(n / rows.length).toFixed(2)}`).join(', ');
        // Includes ingest's own statements and the polling of this benchmark (a few per 200 ms).
        dbPerAnalysis = ((await readCommits()) - xactBefore) / rows.length;
        const first = Math.min(...rows.map((r) => r.createdAt.getTime()));
        const last = Math.max(...rows.map((r) => r.completedAt?.getTime() ?? 0));
        const lat = rows.map((r) => (r.completedAt?.getTime() ?? 0) - r.createdAt.getTime()).sort((a, b) => a - b);
        const timings: Record<string, number> = {};
        for (const k of ['queue_wait_ms', 'fetch_ms', 'excerpt_ms', 'analyze_ms', 'total_ms']) {
          const xs = rows.map((r) => (r.timings as Record<string, number> | null)?.[k]).filter((v): v is number => typeof v === 'number');
          timings[k] = xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : NaN;
        }
        const seconds = (last - first) / 1000;
        // How long the burst took to arrive, and when the last analysis started: the ramp and the tail.
        const deliverySeconds = (Math.max(...rows.map((r) => r.createdAt.getTime())) - first) / 1000;
        const lastStartSeconds = (Math.max(...rows.map((r) => r.startedAt?.getTime() ?? 0)) - first) / 1000;
        const adjacentAfter = latencyMs === 0 ? await measureEmptyJobThroughput(redis.url, redis.prefix, EMPTY_JOBS, CONCURRENCY) : NaN;
        const adjacentCeiling: [number, number] | undefined = latencyMs === 0 ? [adjacentBefore, adjacentAfter] : undefined;
        results.push({ ...scenario, adjacentCeiling, deliverySeconds, lastStartSeconds, cpu, perSecond: rows.length / seconds, p50: percentile(lat, 50), p95: percentile(lat, 95), seconds, timings, aiPeak: ai.peakInFlight(), failed: rows.filter((r) => r.status === 'failed').length });
      } finally {
        await Promise.all(workers.map((w) => w.stop(30_000)));
      }
    }
    await ai.close();
  }
  const emptyAfter = await measureEmptyJobs('after the scenarios');
  const emptyAll = [...emptyBefore, ...emptyAfter];
  const ceiling = emptyAll.reduce((a, b) => a + b, 0) / emptyAll.length;

  const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  const out: string[] = [];
  out.push(`\nEnd-to-end benchmark: ${os.cpus().length} CPU(s), load average at start ${load}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out.push(`PostgreSQL ${database.url.replace(/\/\/[^@]*@/, '//')}, Redis ${redis.url}; WORKER_CONCURRENCY=AI_MAX_CONCURRENCY=${CONCURRENCY} per process; fake GitLab (2 jobs, ${TRACE.split('\n').length}-line failed log, ${fmt(gitlabPerAnalysis)} API requests and ${fmt(dbPerAnalysis)} PostgreSQL transactions per analysis, GITLAB_MAX_CONCURRENCY=${GITLAB_CONCURRENCY}); AI_RULES_FIRST=false, AI_CACHE_TTL_HOURS=0`);
  out.push(`GitLab API requests per analysis in the last scenario, by endpoint: ${gitlabByEndpoint}`);
  const listRuns = (runs: number[]) => runs.map((r) => fmt(r, 0)).join(', ');
  out.push(`BullMQ empty jobs on this Redis (1 process, concurrency ${CONCURRENCY}, ${EMPTY_JOBS} jobs a run; a first run of ${fmt(emptyWarmUp, 0)}/s not counted): ${listRuns(emptyBefore)}/s before, ${listRuns(emptyAfter)}/s after → ceiling (mean) ${fmt(ceiling, 0)}/s\n`);
  out.push('| AI latency | processes | pipelines | analyses/s | per process | vs 1 process | ceiling ÷ analyses/s | p50 e2e (ms) | p95 e2e (ms) | webhooks in / last start / last done (s) | avg fetch / excerpt / analyze / total (ms) | CPU ms per analysis: workers / ingest / bench (fakes, sender) / PostgreSQL / Redis | machine busy | failed |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const one = results.find((x) => x.latencyMs === r.latencyMs && x.processes === 1);
    const t = r.timings;
    out.push(
      `| ${r.latencyMs} ms | ${r.processes} | ${r.pipelines} | ${fmt(r.perSecond)} | ${fmt(r.perSecond / r.processes)} | ${one ? `${fmt(r.perSecond / one.perSecond, 2)}x` : '-'} | 1/${fmt(ceiling / r.perSecond, 0)} | ${fmt(r.p50, 0)} | ${fmt(r.p95, 0)} | ${fmt(r.deliverySeconds)} / ${fmt(r.lastStartSeconds)} / ${fmt(r.seconds)} | ${fmt(t.fetch_ms!, 0)} / ${fmt(t.excerpt_ms!, 0)} / ${fmt(t.analyze_ms!, 0)} / ${fmt(t.total_ms!, 0)} | ${fmt((1000 * r.cpu.workers) / r.pipelines, 2)} / ${fmt((1000 * r.cpu.ingest) / r.pipelines, 2)} / ${fmt((1000 * r.cpu.bench) / r.pipelines, 2)} / ${fmt((1000 * r.cpu.postgres) / r.pipelines, 2)} / ${fmt((1000 * r.cpu.redis) / r.pipelines, 2)} | ${fmt(r.cpu.machinePct, 0)}% | ${r.failed} |`,
    );
  }
  out.push('\nTargets:');
  const at = (latencyMs: number, processes: number) => results.find((r) => r.latencyMs === latencyMs && r.processes === processes);
  const target = (label: string, ok: boolean | undefined, detail: string) => out.push(`- ${ok === undefined ? 'n/a ' : ok ? 'MET ' : 'MISSED'} ${label}: ${detail}`);
  const z1 = at(0, 1);
  target('0 ms AI, 1 process >= 1/70 of empty-job throughput', z1 && z1.perSecond >= ceiling / 70, z1 ? `${fmt(z1.perSecond)}/s vs ${fmt(ceiling / 70)}/s needed (1/${fmt(ceiling / z1.perSecond, 0)})` : 'not run');
  const s1 = at(2000, 1);
  target('2 s AI, >= 40 analyses/s per process', s1 && s1.perSecond >= 40, s1 ? `${fmt(s1.perSecond)}/s with 1 process` : 'not run');
  const s2 = at(2000, 2);
  target('2 s AI, 2 processes >= 1.8x one', s1 && s2 && s2.perSecond >= 1.8 * s1.perSecond, s1 && s2 ? `${fmt(s2.perSecond / s1.perSecond, 2)}x` : 'not run');
  for (const r of results) {
    if (!r.adjacentCeiling) continue;
    const [before, after] = r.adjacentCeiling;
    out.push(`Empty jobs right before and after the ${r.latencyMs} ms, ${r.processes}-process burst: ${fmt(before, 0)}/s and ${fmt(after, 0)}/s → 1/${fmt((before + after) / 2 / r.perSecond, 0)} of their mean (reported only; the targets use the ceiling above)`);
  }
  out.push('\nNotes: end-to-end latency is from analyses.created_at (webhook stored) to completed_at; every scenario is a burst, so it includes queueing. Throughput is pipelines ÷ (last completed_at − first created_at).');
  // Ingest writes its profile when it exits.
  await ingest.process.stop(30_000);
  if (PROFILE) {
    const burst = `the AI ${LATENCIES[0]} ms, 1-process burst`;
    out.push('', ...summarizeCpuProfiles(workerProfileDir, `the worker process in ${burst}`, { window: profiledBurst }), '', ...summarizeCpuProfiles(ingestProfileDir, `the ingest process in ${burst}`, { window: profiledBurst }));
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
