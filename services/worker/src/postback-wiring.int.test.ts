import { testConfig } from '@cia/config/testing';
import { findAnalysisByRequestId, findPostedNote, registerFailure } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { createLogger } from '@cia/logger';
import { closeRedis, createQueues, createRedisConnection, enqueue, type TQueues } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker, type TWorkerHandle } from './start';
import { eventually } from '@cia/logger/testing';

/** The worker as deployed: analysis completes → post-back job → note; a later green pipeline → "fixed". */
const logger = createLogger({ service: 'test', silent: true });
const TOKEN = 'glpat-wiringTOKENabcdefghijkl';
const SHA = 'd4'.repeat(20);
let database: TTestDatabase;
let redis: ReturnType<typeof createTestPrefix>;
let fake: TFakeGitLab;
let worker: TWorkerHandle;
let connection: ReturnType<typeof createRedisConnection>;
let queues: TQueues;
let config: ReturnType<typeof testConfig>;

const TRACE = [
  '$ npm ci',
  'npm ERR! code ERESOLVE',
  'npm ERR! ERESOLVE unable to resolve dependency tree',
  'ERROR: Job failed: exit code 1',
].join('\n');

const waitFor = (check: () => boolean | Promise<boolean>, what: string) => eventually(what, check);

beforeAll(async () => {
  fake = await createFakeGitLab({
    token: TOKEN,
    projects: [
      {
        id: 5,
        path_with_namespace: 'team/service',
        mergeRequests: [{ iid: 30, shas: [SHA] }],
        commits: [{ id: SHA }],
        pipelines: [
          {
            id: 9100,
            ref: 'refs/merge-requests/30/head',
            sha: SHA,
            status: 'failed',
            source: 'merge_request_event',
            jobs: [{ id: 91001, name: 'install', stage: 'build', status: 'failed', trace: TRACE }],
          },
          { id: 9101, ref: 'refs/merge-requests/30/head', sha: SHA, status: 'success', source: 'merge_request_event' },
        ],
      },
    ],
  });
  database = await createTestDatabase('postback_wiring');
  redis = createTestPrefix('postback_wiring');
  config = testConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    GITLAB_BASE_URL: fake.baseUrl,
    GITLAB_API_TOKEN: TOKEN,
    POSTBACK_ENABLED: 'true',
    POSTBACK_PROJECTS: 'team/service',
    PUBLIC_URL: 'https://ci-analyst.example/',
  });
  worker = await startWorker(config, { database, logger });
  connection = createRedisConnection(redis.url, 'producer');
  queues = createQueues(connection, redis.prefix);
});

afterAll(async () => {
  await worker?.close();
  await queues?.close();
  if (connection) await closeRedis(connection);
  await fake?.close();
  await database?.drop();
  await redis?.cleanup();
});

test('a completed analysis is posted on its merge request, and a later green pipeline marks the note fixed', async () => {
  const project = { id: 5, path: 'team/service', web_url: `${fake.baseUrl}/team/service` };
  const { requestId } = await registerFailure(database.db, {
    trigger: 'webhook',
    project,
    pipeline: { id: 9100, ref: 'feature', sha: SHA, url: `${fake.baseUrl}/team/service/-/pipelines/9100`, merge_request_iid: 30 },
    failedJobs: [{ id: 91001, name: 'install', stage: 'build', status: 'failed' }],
  });
  await enqueue(queues, {
    job: 'pipeline.analyze',
    payload: { request_id: requestId, trigger: 'webhook', project_id: 5, pipeline_id: 9100 },
  });
  await waitFor(() => (fake.notes.get('5:30') ?? []).length === 1, 'the merge request note');
  // GitLab has the note a moment before the worker records it: the green pipeline comes after both.
  await waitFor(
    async () => (await findPostedNote(database.db, { projectId: 5, target: 'mr-30' }))?.state === 'failing',
    'the note recorded as failing',
  );
  const body = fake.notes.get('5:30')?.[0]?.body ?? '';
  expect(body.startsWith('<!-- ci-analyst:mr-30 -->')).toBe(true);
  expect(body).toContain(`https://ci-analyst.example/ui/analyses/${requestId}`);
  expect((await findAnalysisByRequestId(database.db, requestId))?.status).toBe('completed');

  // What ingest queues when the green pipeline's hook arrives (services/ingest/src/webhooks/pipeline-succeeded.ts).
  await enqueue(queues, {
    job: 'pipeline.fixed',
    payload: { project_id: 5, pipeline_id: 9101, ref: 'feature', sha: SHA, merge_request_iid: 30 },
  });
  await waitFor(async () => (await findPostedNote(database.db, { projectId: 5, target: 'mr-30' }))?.state === 'fixed', 'the fixed note');
  expect(fake.notes.get('5:30')).toHaveLength(1);
  expect(fake.notes.get('5:30')?.[0]?.body).toContain('Fixed: [pipeline #9101]');
  expect(fake.countRequests('/projects/5/merge_requests/30/notes', 'POST')).toBe(1);
});
