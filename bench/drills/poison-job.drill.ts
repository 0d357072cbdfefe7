import { Queue } from 'bullmq';
import { QUEUE_NAMES, JOBS, closeRedis, createRedisConnection } from '@cia/queue';
import type { TDrillReport } from './support/drill-report';
import { startDrillStack } from './support/drill-stack';
import { allFinished, selectAnalyses, sendPipelineHooks, waitForRows } from './support/pipelines';

export type TPoisonDrillOptions = {
  poison?: number;
  healthy?: number;
  workers?: number;
  /** Promote retries as soon as they are scheduled instead of waiting out the backoff (tests). */
  skipBackoff?: boolean;
  timeoutMs?: number;
};

const MARKER = 'poison-pill-job';
const poisonBuilds = (pipelineId: number) => [
  { id: pipelineId * 10, stage: 'test', name: MARKER, status: 'failed', failure_reason: 'script_failure', allow_failure: false },
];

/**
 * Pipelines whose analysis the AI provider always rejects (HTTP 400) go through every configured
 * attempt, end as `failed` with the reason in the API and in BullMQ's failed set, and the pool
 * keeps analysing the healthy pipelines sent before and after them.
 */
export async function runPoisonDrill(report: TDrillReport, o: TPoisonDrillOptions = {}): Promise<void> {
  const poison = o.poison ?? 3;
  const healthy = o.healthy ?? 20;
  const analyzeJob = JOBS['pipeline.analyze'];
  const attempts = analyzeJob.options.attempts;
  const stack = await startDrillStack({
    label: 'drill_poison',
    workers: o.workers ?? 1,
    concurrency: 10,
    ai: { rejectWhenPromptIncludes: MARKER, countTexts: [MARKER] },
  });
  const redis = createRedisConnection(stack.redisUrl, 'producer');
  const queue = new Queue(QUEUE_NAMES.analyze, { connection: redis, prefix: stack.prefix });
  let promoter: NodeJS.Timeout | undefined;
  try {
    report.say(
      `${stack.workers.length} worker process(es); ${poison} poison + ${healthy} healthy pipelines, then ${healthy} more healthy; ${attempts} attempts per job${o.skipBackoff ? ' (backoff skipped)' : ` (exponential backoff from ${analyzeJob.options.backoff.delay} ms)`}`,
    );
    if (o.skipBackoff) promoter = setInterval(() => void queue.promoteJobs().catch(() => undefined), 100);
    const base = 8_100_000;
    const poisonIds = Array.from({ length: poison }, (_, i) => base + i);
    const firstHealthy = Array.from({ length: healthy }, (_, i) => base + 1000 + i);
    const laterHealthy = Array.from({ length: healthy }, (_, i) => base + 2000 + i);
    const sentPoison = await Promise.all(
      poisonIds.map((id) => sendPipelineHooks(stack.ingest.url, [id], 1, { builds: poisonBuilds(id) }).then((r) => r[0]!)),
    );
    const sentHealthy = await sendPipelineHooks(stack.ingest.url, firstHealthy, 8);
    report.check(
      'every delivery accepted (202)',
      [...sentPoison, ...sentHealthy].every((r) => r.status === 202),
      `statuses ${[...new Set([...sentPoison, ...sentHealthy].map((r) => r.status))].join(',')}`,
    );

    const timeout = o.timeoutMs ?? 90_000;
    const healthyDone = await waitForRows(() => selectAnalyses(stack.database.db, base + 1000, base + 1999), allFinished(healthy), timeout);
    report.check(
      'healthy pipelines sent with the poison ones complete',
      healthyDone.rows.filter((r) => r.status === 'completed').length === healthy,
      `${healthyDone.rows.filter((r) => r.status === 'completed').length}/${healthy} completed`,
    );

    const poisonDone = await waitForRows(() => selectAnalyses(stack.database.db, base, base + poison - 1), allFinished(poison), timeout);
    const failed = poisonDone.rows.filter((r) => r.status === 'failed');
    report.check(
      'every poison pipeline ends as failed',
      failed.length === poison,
      `${failed.length}/${poison} failed${poisonDone.timedOut ? ' (timed out)' : ''}`,
    );
    report.check(
      'the failure reason is stored',
      failed.every((r) => r.error?.message.includes('400') || r.error?.message.includes('rejected')),
      failed[0]?.error ? `${failed[0].error.code}: ${failed[0].error.message.slice(0, 160)}` : 'no error stored',
    );
    const calls = stack.ai.callsMatching(MARKER);
    report.check(
      `the provider was asked exactly ${attempts} times per poison pipeline (the configured attempts)`,
      calls === poison * attempts,
      `${calls} calls for ${poison} pipelines`,
    );

    const views = await Promise.all(
      sentPoison.map(
        async (s) =>
          (await (await fetch(`${stack.ingest.url}/analysis/${s.requestId}`)).json()) as { status?: string; error?: { message?: string } },
      ),
    );
    report.check(
      'GET /analysis/:id shows status failed with the reason',
      views.every((v) => v.status === 'failed' && typeof v.error?.message === 'string' && v.error.message.length > 0),
      JSON.stringify(views[0]).slice(0, 200),
    );

    const failedJobs = await queue.getFailed(0, 100);
    const ours = failedJobs.filter((j) => sentPoison.some((s) => s.requestId === j.id));
    report.check(
      'BullMQ failed set (what Bull Board shows) holds each poison job with its reason and attempts',
      ours.length === poison && ours.every((j) => j.attemptsMade === attempts && (j.failedReason ?? '').length > 0),
      ours.map((j) => `${j.id}: attempts ${j.attemptsMade}, "${(j.failedReason ?? '').slice(0, 60)}"`).join('; ') || 'none',
    );

    const board = (await (
      await fetch(`${stack.ingest.url}/admin/queues/api/queues?activeQueue=${QUEUE_NAMES.analyze}&status=failed&page=1&jobsPerPage=50`)
    ).json()) as {
      queues?: { name: string; counts?: { failed?: number }; jobs?: { id?: string; failedReason?: string }[] }[];
    };
    const boardQueue = board.queues?.find((q) => q.name === QUEUE_NAMES.analyze);
    const boardJobs = (boardQueue?.jobs ?? []).filter((j) => sentPoison.some((s) => s.requestId === j.id));
    report.check(
      'Bull Board (/admin/queues) lists them as failed with the reason',
      boardJobs.length === poison && boardJobs.every((j) => (j.failedReason ?? '').length > 0),
      `failed count ${boardQueue?.counts?.failed ?? '?'}, ${boardJobs.length} of ours listed`,
    );

    const sentLater = await sendPipelineHooks(stack.ingest.url, laterHealthy, 8);
    const laterDone = await waitForRows(() => selectAnalyses(stack.database.db, base + 2000, base + 2999), allFinished(healthy), timeout);
    report.check(
      'the pool keeps working: healthy pipelines sent afterwards complete',
      sentLater.every((r) => r.status === 202) && laterDone.rows.filter((r) => r.status === 'completed').length === healthy,
      `${laterDone.rows.filter((r) => r.status === 'completed').length}/${healthy} completed`,
    );
    report.check(
      'worker processes still alive',
      stack.workers.every((w) => w.child.exitCode === null),
      stack.workers.map((w) => `${w.name} pid ${w.pid}`).join(', '),
    );
  } finally {
    if (promoter) clearInterval(promoter);
    await queue.close();
    await closeRedis(redis);
    await stack.close();
  }
}
