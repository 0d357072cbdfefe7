import { Queue, Worker, type Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { ZIncidentDigest, type TJobVerdict, type TVerdictKind } from '@cia/contracts';
import { incidentOccurrences, markIncidentsFixed, recordOccurrence, registerFailure } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createLogger } from '@cia/logger';
import { SIGNATURE_HEADER, verifySignature, type TPostbackSettings } from '@cia/postback';
import { postbackSettings, startFakeReceiver, type TFakeReceiver } from '@cia/postback/testing';
import { QUEUE_NAMES, closeRedis, createJobProcessor, createRedisConnection, enqueue, syncDigestScheduler } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { incidentDigestJob, newIncidentJob, postIncidentDigestJob } from './incident-notices';
import { markPipelineFixedJob } from './mark-pipeline-fixed';
import { postAnalysisJob } from './post-analysis';
import { eventually } from '@cia/logger/testing';

/** The incident digest through the post-back queue: what it lists, in which order, masked, signed, once per period. */
const logger = createLogger({ service: 'test', silent: true });
const SECRET = 'digest-webhook-secret';
const CONFIG_SECRET = 'SuperSecretDigestValue42';
const TOKEN_IN_LOG = 'glpat-ABCDEFGHIJKLMNOPQRST';
const DAY = 24 * 3600_000;

let database: TTestDatabase;
let slack: TFakeReceiver;
let hook: TFakeReceiver;
const prefixes: ReturnType<typeof createTestPrefix>[] = [];
const closers: (() => Promise<void>)[] = [];
let nextJob = 1;

/** A post-back queue and worker as start.ts builds them (one "worker process"), on `prefix`. */
function startRig(settings: TPostbackSettings, prefix = createTestPrefix('digest')): { queue: Queue; prefix: typeof prefix } {
  if (!prefixes.includes(prefix)) prefixes.push(prefix);
  const connection = createRedisConnection(prefix.url, 'worker');
  const queue = new Queue(QUEUE_NAMES.postback, { connection, prefix: prefix.prefix });
  const deps = { db: database.db, logger, settings, queues: { postback: queue } };
  const processor = createJobProcessor(QUEUE_NAMES.postback, {
    'analysis.post': postAnalysisJob(deps),
    'pipeline.fixed': markPipelineFixedJob(deps),
    'incidents.digest': incidentDigestJob(deps),
    'incidents.digest.post': postIncidentDigestJob(deps),
    'incident.new': newIncidentJob(deps),
  });
  const worker = new Worker(QUEUE_NAMES.postback, processor, { connection, prefix: prefix.prefix, concurrency: 2 });
  closers.push(async () => {
    await worker.close();
    await queue.close();
    await closeRedis(connection);
  });
  return { queue, prefix };
}

const waitFor = (check: () => boolean | Promise<boolean>, what: string) => eventually(what, check);

const verdict = (kind: TVerdictKind): TJobVerdict => ({ kind, headline: kind, evidence: [], safe_to_merge: false, retry_advised: false });

type TFailure = { project: number; title: string; mr?: number; kind?: TVerdictKind; at?: Date };

/** Failed jobs of one fingerprint as the worker's persist step records them (an analysis each); returns the incident id. */
async function seedIncident(fingerprint: string, failures: TFailure[]): Promise<number> {
  let incidentId = 0;
  for (const f of failures) {
    const jobId = nextJob++;
    const pipelineId = 7000 + jobId;
    const ref = f.mr ? `feature-${f.mr}` : 'main';
    const { analysisId } = await registerFailure(database.db, {
      trigger: 'webhook',
      project: { id: f.project, path: `acme/p${f.project}` },
      pipeline: { id: pipelineId, ref, sha: `sha-${pipelineId}`, url: null, merge_request_iid: f.mr },
      failedJobs: [{ id: jobId, name: 'test', stage: 'test', status: 'failed' }],
    });
    const input = {
      analysisId,
      projectId: f.project,
      pipelineId,
      jobId,
      jobName: 'test',
      ref,
      sha: `sha-${pipelineId}`,
      mergeRequestIid: f.mr ?? null,
      onDefaultBranch: !f.mr,
      targetBranch: 'main',
      fingerprint,
      verdict: verdict(f.kind ?? 'caused_by_change'),
      facts: null,
      comparedPipelineId: null,
      incident: {
        fingerprint,
        signature: `sig-${fingerprint}`,
        projectId: f.project,
        jobName: 'test',
        failureReason: 'script_failure',
        category: 'test',
        title: f.title,
        identityLines: [f.title],
        defaultBranch: 'main',
      },
    };
    const recorded = await database.db.transaction((tx) => recordOccurrence(tx, input, f.at));
    incidentId = recorded.incidentId!;
    // An occurrence from before the period: its analysis ran then.
    if (f.at)
      await database.db.update(incidentOccurrences).set({ createdAt: f.at }).where(eq(incidentOccurrences.id, recorded.occurrenceId));
  }
  return incidentId;
}

const jobsNamed = async (queue: Queue, name: string, states: Parameters<Queue['getJobs']>[0] = ['completed']): Promise<Job[]> =>
  (await queue.getJobs(states)).filter((j) => j.name === name);
const drained = async (queue: Queue) => {
  const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
  return Object.values(c).every((n) => n === 0);
};
const slackText = (body: string): string =>
  (JSON.parse(body) as { blocks: { text?: { text: string } }[] }).blocks.map((b) => b.text?.text ?? '').join('\n');

const ids: Record<string, number> = {};

beforeAll(async () => {
  database = await createTestDatabase('incident_digest');
  slack = await startFakeReceiver();
  hook = await startFakeReceiver();
  const old = new Date(Date.now() - 3 * DAY);
  // Red on main, a secret in its title and a Slack mention: 3 failures in the period.
  ids.red = await seedIncident('fp-red', [
    { project: 11, title: `Login failed with ${TOKEN_IN_LOG} and ${CONFIG_SECRET} <!channel> & more`, kind: 'caused_by_change' },
    { project: 11, title: 'same', kind: 'already_failing' },
    { project: 11, title: 'same', kind: 'already_failing' },
  ]);
  // Merge requests only: 5 in the period, the most.
  ids.flaky = await seedIncident(
    'fp-flaky',
    [1, 2, 3, 4, 5].map((mr) => ({ project: 12, title: 'TimeoutError: socket hang up', mr, kind: 'likely_flaky' as const })),
  );
  // Old and still red: 4 failures 3 days ago, 1 in the period.
  ids.old = await seedIncident('fp-old', [
    ...[0, 1, 2, 3].map(() => ({ project: 11, title: 'ENOSPC: no space left on device', at: old })),
    { project: 11, title: 'same' },
  ]);
  // 1 in the period, fewer in total than the old one: past DIGEST_TOP_INCIDENTS.
  ids.small = await seedIncident('fp-small', [{ project: 12, title: 'lint: missing semicolon', mr: 9 }]);
  // Fixed since, or seen only before the period: not in the digest at all.
  ids.fixed = await seedIncident('fp-fixed', [{ project: 13, title: 'fixed failure' }]);
  await markIncidentsFixed(database.db, { projectId: 13, pipelineId: 99_999, sha: 'fix', passedJobNames: ['test'] });
  ids.quiet = await seedIncident('fp-quiet', [{ project: 13, title: 'quiet failure', at: old }]);
});

afterAll(async () => {
  for (const close of closers) await close();
  await slack?.close();
  await hook?.close();
  await database?.drop();
  for (const p of prefixes) await p.cleanup();
});

const digestSettings = (overrides: Partial<TPostbackSettings> = {}) =>
  postbackSettings({
    slackWebhookUrl: slack.url,
    notifyWebhookUrl: hook.url,
    secretKey: SECRET,
    maskValues: [CONFIG_SECRET],
    digest: { topIncidents: 3, newIncidents: true },
    ...overrides,
  });

test('the digest lists the top open incidents of the period in order, with counts, masked and linked, once per channel', async () => {
  const { queue } = startRig(digestSettings());
  const periodEnd = new Date(Date.now() + 60_000).toISOString();
  await enqueue({ postback: queue }, { job: 'incidents.digest', payload: { period_end: periodEnd } });
  // Asked twice for the same period (a second worker, a retry): still one message per channel.
  await enqueue({ postback: queue }, { job: 'incidents.digest', payload: { period_end: periodEnd } });
  await waitFor(async () => (await jobsNamed(queue, 'incidents.digest.post')).length === 2, 'both channels');
  await waitFor(() => drained(queue), 'the queue to drain');
  expect(slack.requests).toHaveLength(1);
  expect(hook.requests).toHaveLength(1);

  const [posted] = hook.requests;
  expect(posted!.headers['x-ci-analyst-event']).toBe('incidents.digest');
  expect(verifySignature(SECRET, posted!.body, posted!.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
  const digest = ZIncidentDigest.parse(JSON.parse(posted!.body));
  expect(digest.period).toEqual({ start: new Date(Date.parse(periodEnd) - DAY).toISOString(), end: periodEnd });
  expect(digest.totals).toEqual({ incidents: 4, occurrences: 10, new_incidents: 3, red_on_default_branch: 2 });
  expect(digest.incidents.map((i) => i.id)).toEqual([ids.flaky, ids.red, ids.old]);
  const [flaky, red, old] = digest.incidents;
  expect(flaky).toMatchObject({
    occurrences_in_period: 5,
    occurrences_total: 5,
    red_on_default_branch: false,
    verdicts: { likely_flaky: 5 },
  });
  expect(red).toMatchObject({
    project_path: 'acme/p11',
    status: 'open',
    occurrences_in_period: 3,
    occurrences_total: 3,
    red_on_default_branch: true,
    verdicts: { caused_by_change: 1, already_failing: 2 },
    url: `https://ci-analyst.example/ui/incidents/${ids.red}`,
  });
  expect(red!.failing_since?.pipeline_id).toBeGreaterThan(7000);
  expect(old).toMatchObject({ occurrences_in_period: 1, occurrences_total: 5, red_on_default_branch: true });

  for (const body of [posted!.body, slack.requests[0]!.body]) {
    expect(body).not.toContain(TOKEN_IN_LOG);
    expect(body).not.toContain(CONFIG_SECRET);
    expect(body).toContain('[MASKED');
  }
  const text = slackText(slack.requests[0]!.body);
  expect(text).toContain('Incident digest: 4 open incidents, 10 failed jobs');
  expect(text.indexOf('TimeoutError')).toBeLessThan(text.indexOf('Login failed'));
  expect(text.indexOf('Login failed')).toBeLessThan(text.indexOf('ENOSPC'));
  expect(text).not.toContain('lint: missing semicolon');
  expect(text).toContain(`<https://ci-analyst.example/ui/incidents/${ids.red}|`);
  expect(text).toContain('&lt;!channel&gt; &amp; more');
  expect(text).not.toContain('<!channel>');
  expect(text).toContain('3 in the period, 3 in total');
});

test('without PUBLIC_URL nothing is linked; a period without open incidents sends nothing', async () => {
  slack.requests.length = 0;
  hook.requests.length = 0;
  const { queue } = startRig(digestSettings({ publicUrl: undefined, notifyWebhookUrl: undefined }));
  await enqueue({ postback: queue }, { job: 'incidents.digest', payload: { period_end: new Date(Date.now() + 120_000).toISOString() } });
  await enqueue({ postback: queue }, { job: 'incidents.digest', payload: { period_end: '2020-01-02T08:00:00.000Z' } });
  await waitFor(async () => (await jobsNamed(queue, 'incidents.digest.post')).length === 2, 'both periods');
  await waitFor(() => drained(queue), 'the queue to drain');

  expect(slack.requests).toHaveLength(1);
  expect(hook.requests).toHaveLength(0);
  expect(slack.requests[0]!.body).not.toContain('/ui/incidents/');
  expect(slackText(slack.requests[0]!.body)).not.toMatch(/<https?:/);
  const quiet = (await jobsNamed(queue, 'incidents.digest.post')).find(
    (j) => j.id === `digest-slack-${Date.parse('2020-01-02T08:00:00Z')}`,
  );
  expect(quiet?.returnvalue).toEqual({
    outcomes: [{ action: 'skipped', reason: 'no open incident failed in the period', target: 'digest' }],
  });
});

test('two worker processes with the same schedule: one scheduler, and each period is digested once, the next starting where it ended', async () => {
  const settings = digestSettings({ digest: { schedule: '* * * * * *', topIncidents: 3, newIncidents: true } });
  const first = startRig(settings);
  const second = startRig(settings, first.prefix);
  await syncDigestScheduler(first.queue, '* * * * * *');
  await syncDigestScheduler(second.queue, '* * * * * *');
  expect(await first.queue.getJobSchedulersCount()).toBe(1);

  await waitFor(async () => (await jobsNamed(first.queue, 'incidents.digest')).length >= 3, 'three digests');
  expect(await syncDigestScheduler(second.queue, undefined)).toBe('removed');
  await waitFor(() => drained(first.queue), 'the queue to drain');

  const runs = (await jobsNamed(first.queue, 'incidents.digest')).map((j) => j.returnvalue as { period_start: string; period_end: string });
  const ends = runs.map((r) => r.period_end).sort();
  expect(new Set(ends).size).toBe(runs.length);
  const byEnd = [...runs].sort((a, b) => a.period_end.localeCompare(b.period_end));
  for (let i = 1; i < byEnd.length; i++) expect(byEnd[i]!.period_start).toBe(byEnd[i - 1]!.period_end);
  // One post per period and channel.
  const posts = await jobsNamed(first.queue, 'incidents.digest.post');
  expect(posts).toHaveLength(runs.length * 2);
});
