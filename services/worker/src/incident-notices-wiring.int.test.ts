import { testConfig } from '@cia/config/testing';
import { ZNewIncidentNotice } from '@cia/contracts';
import { findAnalysisByRequestId, listIncidents, registerFailure } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { createLogger } from '@cia/logger';
import { SIGNATURE_HEADER, verifySignature } from '@cia/postback';
import { startFakeReceiver, type TFakeReceiver } from '@cia/postback/testing';
import { DIGEST_SCHEDULER_ID, QUEUE_NAMES, closeRedis, createQueues, createRedisConnection, enqueue, type TQueues } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker, type TWorkerHandle } from './start';
import { eventually } from '@cia/logger/testing';

/**
 * The worker as deployed, for incident notices: a new incident on the default branch is announced
 * at once (an incident first seen in a merge request is not), and every worker process keeps the
 * one digest scheduler DIGEST_SCHEDULE asks for.
 */
const logger = createLogger({ service: 'test', silent: true });
const TOKEN = 'glpat-noticesTOKENabcdefghijk';
const SECRET = 'notices-webhook-secret';
const SHA_MAIN = 'e5'.repeat(20);
const SHA_MR = 'f6'.repeat(20);
let database: TTestDatabase;
let redis: ReturnType<typeof createTestPrefix>;
let fake: TFakeGitLab;
let slack: TFakeReceiver;
let hook: TFakeReceiver;
let connection: ReturnType<typeof createRedisConnection>;
let queues: TQueues;
const workers: TWorkerHandle[] = [];

const MAIN_TRACE = [
  '$ npm test',
  'FAIL src/parser.test.ts',
  '  ● parser › reads namelists',
  '    TypeError: Cannot read properties of undefined (reading "groups")',
  'ERROR: Job failed: exit code 1',
].join('\n');
const MR_TRACE = [
  '$ npm run lint',
  "src/app.ts:3:7  error  'unused' is assigned a value but never used  no-unused-vars",
  'ERROR: Job failed: exit code 1',
].join('\n');

const waitFor = (check: () => boolean | Promise<boolean>, what: string) => eventually(what, check);

function configWith(overrides: Record<string, string> = {}) {
  return testConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    GITLAB_BASE_URL: fake.baseUrl,
    GITLAB_API_TOKEN: TOKEN,
    PUBLIC_URL: 'https://ci-analyst.example/',
    SLACK_WEBHOOK_URL: slack.url,
    NOTIFY_WEBHOOK_URL: hook.url,
    SECRET_KEY: SECRET,
    ...overrides,
  });
}

beforeAll(async () => {
  fake = await createFakeGitLab({
    token: TOKEN,
    projects: [
      {
        id: 6,
        path_with_namespace: 'team/parser',
        default_branch: 'main',
        mergeRequests: [{ iid: 40, shas: [SHA_MR] }],
        commits: [{ id: SHA_MAIN }, { id: SHA_MR }],
        pipelines: [
          {
            id: 9200,
            ref: 'main',
            sha: SHA_MAIN,
            status: 'failed',
            jobs: [{ id: 92001, name: 'unit', stage: 'test', status: 'failed', trace: MAIN_TRACE }],
          },
          {
            id: 9201,
            ref: 'refs/merge-requests/40/head',
            sha: SHA_MR,
            status: 'failed',
            source: 'merge_request_event',
            jobs: [{ id: 92011, name: 'lint', stage: 'test', status: 'failed', trace: MR_TRACE }],
          },
        ],
      },
    ],
  });
  database = await createTestDatabase('incident_notices_wiring');
  redis = createTestPrefix('incident_notices_wiring');
  slack = await startFakeReceiver();
  hook = await startFakeReceiver();
  connection = createRedisConnection(redis.url, 'producer');
  queues = createQueues(connection, redis.prefix);
});

afterAll(async () => {
  for (const worker of workers) await worker.close();
  await queues?.close();
  if (connection) await closeRedis(connection);
  await fake?.close();
  await slack?.close();
  await hook?.close();
  await database?.drop();
  await redis?.cleanup();
});

async function analyse(pipeline: { id: number; ref: string; sha: string; merge_request_iid?: number }, job: { id: number; name: string }) {
  const { requestId } = await registerFailure(database.db, {
    trigger: 'webhook',
    project: { id: 6, path: 'team/parser', web_url: `${fake.baseUrl}/team/parser`, default_branch: 'main' },
    pipeline: { ...pipeline, url: `${fake.baseUrl}/team/parser/-/pipelines/${pipeline.id}` },
    failedJobs: [{ ...job, stage: 'test', status: 'failed' }],
  });
  await enqueue(queues, {
    job: 'pipeline.analyze',
    payload: { request_id: requestId, trigger: 'webhook', project_id: 6, pipeline_id: pipeline.id },
  });
  await waitFor(async () => (await findAnalysisByRequestId(database.db, requestId))?.status === 'completed', `analysis of ${pipeline.id}`);
  return requestId;
}

const isNewIncidentMessage = (body: string) => body.includes('New failure on the default branch');
const postbackJobs = () => queues[QUEUE_NAMES.postback].getJobs(['completed', 'failed', 'wait', 'delayed', 'active']);

test('a new incident on the default branch is announced at once, one message per channel; a merge request-only incident is not', async () => {
  const worker = await startWorker(configWith(), { database, logger });
  workers.push(worker);
  expect(await worker.digestScheduler).toBe('off');

  await analyse({ id: 9201, ref: 'feature', sha: SHA_MR, merge_request_iid: 40 }, { id: 92011, name: 'lint' });
  await analyse({ id: 9200, ref: 'main', sha: SHA_MAIN }, { id: 92001, name: 'unit' });
  await waitFor(() => slack.requests.some((r) => isNewIncidentMessage(r.body)), 'the Slack announcement');
  await waitFor(() => hook.requests.some((r) => r.headers['x-ci-analyst-event'] === 'incident.new'), 'the webhook announcement');
  // Everything queued so far has run: the merge request's analysis was posted before the main one.
  await waitFor(async () => (await postbackJobs()).every((j) => j.finishedOn), 'the post-back queue to drain');

  // Both failures made incidents; only the default branch's is announced.
  const { items } = await listIncidents(database.db, { projectId: 6 }, { limit: 10 });
  expect(items.map((i) => i.job_name).sort()).toEqual(['lint', 'unit']);
  const announced = slack.requests.filter((r) => isNewIncidentMessage(r.body));
  expect(announced).toHaveLength(1);
  expect(announced[0]!.body).toContain('team/parser · unit');
  const hooks = hook.requests.filter((r) => r.headers['x-ci-analyst-event'] === 'incident.new');
  expect(hooks).toHaveLength(1);
  expect(verifySignature(SECRET, hooks[0]!.body, hooks[0]!.headers[SIGNATURE_HEADER.toLowerCase()] as string)).toBe(true);
  const notice = ZNewIncidentNotice.parse(JSON.parse(hooks[0]!.body));
  expect(notice.incident).toMatchObject({ project_id: 6, job_name: 'unit', occurrences_total: 1, red_on_default_branch: true });
  expect(notice.incident.url).toBe(`https://ci-analyst.example/ui/incidents/${notice.incident.id}`);
  expect((await postbackJobs()).filter((j) => j.name === 'incident.new').map((j) => j.id)).toEqual(
    expect.arrayContaining([`incident-new-slack-${notice.incident.id}`, `incident-new-webhook-${notice.incident.id}`]),
  );
  expect((await postbackJobs()).filter((j) => j.name === 'incident.new')).toHaveLength(2);
});

test('every worker process upserts the one digest scheduler; emptying DIGEST_SCHEDULE removes it', async () => {
  const postback = queues[QUEUE_NAMES.postback];
  expect(await postback.getJobSchedulersCount()).toBe(0);

  const started = [
    await startWorker(configWith({ DIGEST_SCHEDULE: '0 8 * * *' }), { database, logger }),
    await startWorker(configWith({ DIGEST_SCHEDULE: '0 8 * * *' }), { database, logger }),
  ];
  workers.push(...started);
  expect(await Promise.all(started.map((w) => w.digestScheduler))).toEqual(['scheduled', 'scheduled']);
  const schedulers = await postback.getJobSchedulers();
  expect(schedulers).toHaveLength(1);
  expect(schedulers[0]).toMatchObject({ key: DIGEST_SCHEDULER_ID, name: 'incidents.digest', pattern: '0 8 * * *', tz: 'UTC' });
  // One job waits for the next due time, whatever the number of processes.
  expect((await postback.getJobs(['delayed'])).filter((j) => j.name === 'incidents.digest')).toHaveLength(1);

  const emptied = await startWorker(configWith({ DIGEST_SCHEDULE: '' }), { database, logger });
  workers.push(emptied);
  expect(await emptied.digestScheduler).toBe('removed');
  expect(await postback.getJobSchedulersCount()).toBe(0);
  expect((await postback.getJobs(['delayed'])).filter((j) => j.name === 'incidents.digest')).toHaveLength(0);
});
