import { between, inArray, sql } from 'drizzle-orm';
import { analyses } from '@cia/db';
import type { TTestDatabase } from '@cia/db/testing';
import { percentile, type TAnalysisRowLite } from '../drills/support/pipelines';
import { cpuOfCommand, readCpuSeconds, readMachineCpu, type TServiceProcess } from '../drills/support/service-process';
import { sendHooksLean } from './send-hooks';

export type TScenario = { latencyMs: number; processes: number; pipelines: number };
export type TCpu = { bench: number; ingest: number; postgres: number; redis: number; workers: number; machinePct: number };
export type TScenarioResult = TScenario & {
  cpu: TCpu;
  perSecond: number;
  p50: number;
  p95: number;
  seconds: number;
  timings: Record<string, number>;
  failed: number;
  gitlabRequestsPerAnalysis: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the bench needs to send a burst of failed pipelines and wait for their analyses. */
export type TBurstDeps = {
  database: TTestDatabase;
  ingestUrl: string;
  ingest: TServiceProcess;
  hookBuilds: (pipelineId: number) => Record<string, unknown>[];
  gitlabRequests: () => number;
};

function ofPipelines(ids: number[]) {
  const lo = Math.min(...ids);
  const hi = Math.max(...ids);
  // Consecutive ids: a range is two parameters where a list is hundreds.
  return hi - lo + 1 === new Set(ids).size ? between(analyses.pipelineId, lo, hi) : inArray(analyses.pipelineId, ids);
}

/** Sends the webhooks of `ids` to ingest and waits until every analysis is finished. */
export async function runBurst(deps: TBurstDeps, ids: number[], timeoutMs: number): Promise<TAnalysisRowLite[]> {
  const sent = await sendHooksLean(deps.ingestUrl, ids, { concurrency: 32, builds: deps.hookBuilds });
  const refused = sent.filter((s) => s.status !== 202);
  if (refused.length) throw new Error(`${refused.length} deliveries refused: ${refused[0]?.status} ${refused[0]?.error ?? ''}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Counts only: reading every row's JSON five times a second would load what is measured.
    const [n] = await deps.database.db
      .select({
        total: sql<number>`count(*)::int`,
        finished: sql<number>`(count(*) filter (where ${analyses.status} in ('completed', 'failed')))::int`,
      })
      .from(analyses)
      .where(ofPipelines(ids));
    if (n && n.total === ids.length && n.finished === ids.length) return deps.database.db.select().from(analyses).where(ofPipelines(ids));
    if (Date.now() > deadline) throw new Error(`timed out: ${n?.finished ?? 0}/${ids.length} finished`);
    await sleep(200);
  }
}

function cpuNow(deps: TBurstDeps, workers: TServiceProcess[]) {
  return {
    bench: process.cpuUsage(),
    ingest: readCpuSeconds(deps.ingest.pid),
    postgres: cpuOfCommand('postgres'),
    redis: cpuOfCommand('redis-server'),
    workers: workers.reduce((s, w) => s + readCpuSeconds(w.pid), 0),
    machine: readMachineCpu(),
  };
}

function cpuSince(before: ReturnType<typeof cpuNow>, deps: TBurstDeps, workers: TServiceProcess[]): TCpu {
  const now = cpuNow(deps, workers);
  const bench = process.cpuUsage(before.bench);
  return {
    bench: (bench.user + bench.system) / 1e6,
    ingest: now.ingest - before.ingest,
    postgres: now.postgres - before.postgres,
    redis: now.redis - before.redis,
    workers: now.workers - before.workers,
    machinePct: (100 * (now.machine.busy - before.machine.busy)) / Math.max(1, now.machine.total - before.machine.total),
  };
}

/** One measured burst: throughput, latencies, average step timings and CPU per analysis. */
export async function measureBurst(
  deps: TBurstDeps,
  scenario: TScenario,
  ids: number[],
  workers: TServiceProcess[],
): Promise<TScenarioResult> {
  const gitlabBefore = deps.gitlabRequests();
  const before = cpuNow(deps, workers);
  const rows = await runBurst(deps, ids, 600_000);
  const cpu = cpuSince(before, deps, workers);
  const first = Math.min(...rows.map((r) => r.createdAt.getTime()));
  const last = Math.max(...rows.map((r) => r.completedAt?.getTime() ?? 0));
  const latencies = rows.map((r) => (r.completedAt?.getTime() ?? 0) - r.createdAt.getTime()).sort((a, b) => a - b);
  const timings: Record<string, number> = {};
  for (const k of ['fetch_ms', 'excerpt_ms', 'analyze_ms', 'total_ms']) {
    const xs = rows.map((r) => (r.timings as Record<string, number> | null)?.[k]).filter((v): v is number => typeof v === 'number');
    timings[k] = xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : NaN;
  }
  const seconds = (last - first) / 1000;
  return {
    ...scenario,
    cpu,
    perSecond: rows.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    seconds,
    timings,
    failed: rows.filter((r) => r.status === 'failed').length,
    gitlabRequestsPerAnalysis: (deps.gitlabRequests() - gitlabBefore) / rows.length,
  };
}
