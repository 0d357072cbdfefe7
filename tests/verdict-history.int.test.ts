import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { testConfig } from '@cia/config/testing';
import { ZAnalysisResult, ZIncidentDetail, ZIncidentPage, type TJobVerdict } from '@cia/contracts';
import { analyses, findIncidentByFingerprint, incidents } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import type { THistoryBudget } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { closeRedis, createRedisConnection, QUEUE_NAMES } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker, type TWorkerHandle } from '@cia/worker';
import { addPipeline, fakeProjects, pipelineHookOf, shaOf, verdictRequests, type TPlayedPipeline } from './verdicts/history-harness';
import { HISTORY, PROJECTS } from './verdicts/history-script';
import { eventually } from '@cia/logger/testing';

/**
 * The verdicts on a scripted GitLab history (tests/verdicts/history-script.ts): every pipeline
 * goes through the real ingest (its Pipeline Hook) and worker with PostgreSQL and Redis, the jobs'
 * logs are real BugSwarm logs, and every failed job's verdict was written down beforehand.
 */
const logger = createLogger({ service: 'test', silent: true });
const TOKEN = 'glpat-historyTOKENabcdefghij';
const BUDGET = 12;
const MIN_SCORE = 0.95;

type TOutcome = {
  label: string;
  job: string;
  expected: string;
  actual: string;
  headline: string;
  verdict?: TJobVerdict;
  culprit?: string;
  project: string;
};
type TSpend = { label: string; recorded: THistoryBudget | undefined; seen: number };

let gitlab: TFakeGitLab;
let database: TTestDatabase;
let redis: ReturnType<typeof createTestPrefix>;
let ingest: TIngestHandle;
let worker: TWorkerHandle;
let postback: Queue;
let connection: ReturnType<typeof createRedisConnection>;
const outcomes: TOutcome[] = [];
const spends: TSpend[] = [];

beforeAll(async () => {
  gitlab = await createFakeGitLab({ token: TOKEN, projects: fakeProjects() });
  database = await createTestDatabase('verdict_history');
  redis = createTestPrefix('verdict_history');
  const config = testConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    HOST: '127.0.0.1',
    GITLAB_BASE_URL: gitlab.baseUrl,
    GITLAB_API_TOKEN: TOKEN,
    VERDICT_MAX_GITLAB_REQUESTS: String(BUDGET),
    // Pipelines of this history finish seconds apart: every analysis asks for the branch's newest pipelines.
    VERDICT_BRANCH_CACHE_SECONDS: '0',
  });
  worker = await startWorker(config, { database, logger });
  ingest = await startIngest(config, { database, logger, port: 0 });
  connection = createRedisConnection(redis.url, 'producer');
  postback = new Queue(QUEUE_NAMES.postback, { connection, prefix: redis.prefix });
  await playHistory();
}, 120_000);

afterAll(async () => {
  await postback?.close();
  if (connection) await closeRedis(connection);
  await ingest?.close();
  await worker?.close();
  await gitlab?.close();
  await database?.drop();
  await redis?.cleanup();
});

const until = eventually;

async function sendHook(played: TPlayedPipeline): Promise<{ status: string; request_id?: string }> {
  const res = await fetch(`${ingest.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' },
    body: JSON.stringify(pipelineHookOf(played, gitlab.baseUrl)),
  });
  return (await res.json()) as { status: string; request_id?: string };
}

/** A failed pipeline: its analysis, each failed job's verdict, and the GitLab requests its verdicts made. */
async function analyse(played: TPlayedPipeline, requestId: string, failedJobIds: Set<number>, firstRequest: number): Promise<void> {
  const view = await until(`analysis of ${played.script.label}`, async () => {
    const v = (await (await fetch(`${ingest.url}/analysis/${requestId}`)).json()) as { status: string; result: unknown };
    return v.status === 'completed' || v.status === 'failed' ? v : undefined;
  });
  const result = ZAnalysisResult.parse(view.result);
  for (const job of played.script.jobs.filter((j) => j.expect !== undefined)) {
    const verdict = result.failed_jobs.find((j) => j.job_id === played.jobIds.get(job.name))?.verdict;
    outcomes.push({
      label: played.script.label,
      project: played.script.project,
      job: job.name,
      expected: job.expect ?? '',
      actual: verdict?.kind ?? 'none',
      headline: verdict?.headline ?? '',
      verdict,
      culprit: job.culprit,
    });
  }
  const [row] = await database.db.select().from(analyses).where(eq(analyses.requestId, requestId));
  const recorded = (row?.fetchState as Record<string, unknown> | undefined)?.verdict_requests as THistoryBudget | undefined;
  spends.push({
    label: played.script.label,
    recorded,
    seen: verdictRequests(gitlab.requests.slice(firstRequest), played, failedJobIds).length,
  });
}

/** A green pipeline: the "fixed" job ingest may have queued runs to its end before the history goes on. */
async function settleFixed(played: TPlayedPipeline): Promise<void> {
  const job = await postback.getJob(`fixed-${played.projectId}-${played.pipelineId}`);
  if (job === undefined) return;
  await until(`pipeline.fixed of ${played.script.label}`, async () =>
    ['completed', 'failed'].includes(await job.getState()) ? true : undefined,
  );
}

async function playHistory(): Promise<void> {
  const failedJobIds = new Set<number>();
  for (const [index, script] of HISTORY.entries()) {
    const played = addPipeline(gitlab, script, index);
    script.jobs.forEach((j) => j.expect !== undefined && failedJobIds.add(played.jobIds.get(j.name) as number));
    const firstRequest = gitlab.requests.length;
    const answer = await sendHook(played);
    if (played.status === 'failed') await analyse(played, answer.request_id as string, failedJobIds, firstRequest);
    else await settleFixed(played);
  }
}

function confusionList(): string {
  const wrong = outcomes.filter((o) => o.actual !== o.expected);
  return [
    'verdicts that differ from the script:',
    ...wrong.map((o) => `  ${o.label} / ${o.job}: expected ${o.expected}, got ${o.actual} ("${o.headline}")`),
  ].join('\n');
}

test('the history is at least 40 pipelines on the default branch and merge request branches of 3 projects, every failed job with its expected verdict', () => {
  expect(HISTORY.length).toBeGreaterThanOrEqual(40);
  expect(new Set(HISTORY.map((p) => p.project)).size).toBeGreaterThanOrEqual(3);
  expect(HISTORY.some((p) => p.mr === undefined) && HISTORY.some((p) => p.mr !== undefined)).toBe(true);
  expect(outcomes.length).toBe(HISTORY.flatMap((p) => p.jobs.filter((j) => j.expect !== undefined)).length);
  expect(new Set(outcomes.map((o) => o.expected))).toEqual(
    new Set(['caused_by_change', 'already_failing', 'fixed_on_target', 'likely_flaky', 'infrastructure', 'undetermined']),
  );
});

test(`at least ${MIN_SCORE * 100}% of the verdicts are the ones written down`, () => {
  const score = outcomes.filter((o) => o.actual === o.expected).length / outcomes.length;
  if (process.env.SHOW_VERDICTS) for (const o of outcomes) process.stdout.write(`${o.label} / ${o.job}: ${o.actual}: ${o.headline}\n`);
  process.stdout.write(
    `verdict history: ${outcomes.length} failed jobs in ${HISTORY.length} pipelines, ${(score * 100).toFixed(1)}% as written down\n`,
  );
  expect(score >= MIN_SCORE ? 'ok' : confusionList()).toBe('ok');
});

test('a new failure on main names the commit that changed what the log names as the most likely culprit, with its author', () => {
  const withCulprit = outcomes.filter((o) => o.culprit !== undefined);
  expect(withCulprit.length).toBeGreaterThanOrEqual(2);
  for (const o of withCulprit) {
    const commit = PROJECTS[o.project as keyof typeof PROJECTS].commits.find((c) => c.key === o.culprit);
    expect(o.verdict?.culprits?.[0]?.sha).toBe(shaOf(o.project as keyof typeof PROJECTS, o.culprit as string));
    expect(o.headline).toContain(
      `most likely ${shaOf(o.project as keyof typeof PROJECTS, o.culprit as string).slice(0, 8)} "${commit?.title}" by ${commit?.author}`,
    );
  }
});

test(`the verdicts of one analysis make at most ${BUDGET} GitLab requests, as counted in the fake GitLab's log`, () => {
  expect(spends.length).toBeGreaterThan(20);
  for (const s of spends) {
    expect({ label: s.label, spent: s.recorded?.spent }).toEqual({ label: s.label, spent: s.seen });
    expect(s.seen).toBeLessThanOrEqual(BUDGET);
  }
  const seen = spends.map((s) => s.seen);
  process.stdout.write(
    `verdict requests per analysis: mean ${(seen.reduce((a, b) => a + b, 0) / seen.length).toFixed(1)}, max ${Math.max(...seen)}, budget ${BUDGET}\n`,
  );
});

test('the same error text in two projects is two incidents with one signature; main fixed them with the passing pipeline and commit', async () => {
  const numlib = outcomes.find((o) => o.project === 'numlib' && o.expected === 'fixed_on_target')?.verdict;
  const scheduler = outcomes.find((o) => o.label.startsWith('scheduler: MR !1'))?.verdict;
  expect(numlib?.incident_id).toEqual(expect.any(Number));
  expect(scheduler?.incident_id).toEqual(expect.any(Number));
  expect(scheduler?.incident_id).not.toBe(numlib?.incident_id);
  const [a, b] = await Promise.all(
    [numlib, scheduler].map((v) =>
      database.db
        .select()
        .from(incidents)
        .where(eq(incidents.id, v?.incident_id as number)),
    ),
  );
  expect(a?.[0]?.signature).toBe(b?.[0]?.signature);
  expect(a?.[0]).toMatchObject({ status: 'fixed', fixedSha: shaOf('numlib', 'm6'), projectId: PROJECTS.numlib.id });
  expect(b?.[0]).toMatchObject({ status: 'open', projectId: PROJECTS.scheduler.id, failingSincePipelineId: null });
  expect(numlib?.headline).toBe(`Fixed on main in ${shaOf('numlib', 'm6').slice(0, 8)} (pipeline #${a?.[0]?.fixedPipelineId}); rebase`);
  const codegen = await findIncidentByFingerprint(
    database.db,
    outcomes.find((o) => o.project === 'codegen' && o.expected === 'fixed_on_target')?.verdict?.fingerprint as string,
  );
  expect(codegen).toMatchObject({ status: 'fixed', fixedSha: shaOf('codegen', 'n5') });
});

test('the incidents API answers the played history as the worker recorded it: the fix, the occurrences and the same error elsewhere', async () => {
  const getJson = async (path: string) => (await fetch(`${ingest.url}${path}`)).json();
  const numlib = outcomes.find((o) => o.project === 'numlib' && o.expected === 'fixed_on_target')?.verdict;
  const scheduler = outcomes.find((o) => o.label.startsWith('scheduler: MR !1'))?.verdict;
  const incident = ZIncidentDetail.parse(await getJson(`/incidents/${numlib?.incident_id}`));
  expect(incident).toMatchObject({
    status: 'fixed',
    project_id: PROJECTS.numlib.id,
    project_path: PROJECTS.numlib.path,
    fixed: { sha: shaOf('numlib', 'm6') },
  });
  expect(incident.recent_occurrences.length).toBe(Math.min(incident.occurrences, 50));
  expect(Object.values(incident.verdicts).reduce((a, b) => a + b, 0)).toBe(incident.occurrences);
  expect(incident.recent_occurrences.map((o) => o.verdict.kind)).toContain('fixed_on_target');
  expect(incident.same_signature.map((i) => i.id)).toContain(scheduler?.incident_id);

  const fixed = ZIncidentPage.parse(await getJson(`/incidents?project_id=${PROJECTS.numlib.id}&status=fixed`));
  expect(fixed.items.map((i) => i.id)).toContain(numlib?.incident_id);
  expect(fixed.items.every((i) => i.status === 'fixed' && i.project_id === PROJECTS.numlib.id)).toBe(true);

  const byKind: Record<string, number> = {};
  for (const o of outcomes) byKind[o.actual] = (byKind[o.actual] ?? 0) + 1;
  const summary = (await getJson('/analysis/stats/summary')) as {
    verdicts: { jobs: number; by_kind: Record<string, number>; flaky: { suspected: number } };
  };
  expect(summary.verdicts.by_kind).toEqual(byKind);
  expect(summary.verdicts.flaky.suspected).toBe(byKind.likely_flaky ?? 0);
});
