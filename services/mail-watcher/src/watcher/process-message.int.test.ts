import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createGitLabClient } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { createLogger } from '@cia/logger';
import { createQueues, createRedisConnection, type TQueues } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import type IORedis from 'ioredis';
import { createProjectResolver } from '../email/project-resolver';
import { buildGitLabPipelineEmail } from '../testing/gitlab-email.fixture';
import { processMessage } from './process-message';

const logger = createLogger({ service: 'test', silent: true });
const RULES = { senders: ['gitlab@example.com'], failureKeywords: ['failed'] };
let database: TTestDatabase;
let prefix: ReturnType<typeof createTestPrefix>;
let redis: IORedis;
let queues: TQueues;
let gitlab: TFakeGitLab;

beforeAll(async () => {
  database = await createTestDatabase('process_message');
  prefix = createTestPrefix('process-message');
  redis = createRedisConnection(prefix.url, 'producer');
  queues = createQueues(redis, prefix.prefix);
  gitlab = await createFakeGitLab({ token: 'glpat-test', projects: [{ id: 314, path_with_namespace: 'acme/web' }] });
});

afterAll(async () => {
  await gitlab?.close();
  await queues?.close();
  redis?.disconnect();
  await database?.drop();
  await prefix?.cleanup();
});

const ref = (uid: number) => ({ folder: 'INBOX', uid, uidValidity: '1' });
const pathOnly = (pipelineId: number, projectPath: string) =>
  Buffer.from(buildGitLabPipelineEmail({ projectPath, pipelineId, omitHeaders: ['X-GitLab-Project-Id', 'List-Id'] }));

test('a path-only email is accepted under the project id the GitLab API gives for the path', async () => {
  const resolveProject = createProjectResolver(createGitLabClient({ baseUrl: gitlab.baseUrl, token: 'glpat-test', retries: 0 }));
  const r = await processMessage({ db: database.db, queues, logger, resolveProject }, ref(1), pathOnly(3001, 'acme/web'), RULES);
  expect(r).toMatchObject({ outcome: 'accepted', handled: true });
  const job = await queues.analyze.getJob(r.requestId ?? '');
  expect(job?.data).toMatchObject({ project_id: 314, pipeline_id: 3001, trigger: 'email' });
});

test('a path GitLab does not know, or no API token, leaves the email skipped with the reason', async () => {
  const resolveProject = createProjectResolver(createGitLabClient({ baseUrl: gitlab.baseUrl, token: 'glpat-test', retries: 0 }));
  const unknown = await processMessage({ db: database.db, queues, logger, resolveProject }, ref(2), pathOnly(3002, 'acme/gone'), RULES);
  expect(unknown).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('only the path "acme/gone" is given') });
  expect(unknown.reason).toContain('project not found via the GitLab API');
  const noToken = await processMessage({ db: database.db, queues, logger }, ref(3), pathOnly(3003, 'acme/web'), RULES);
  expect(noToken).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('set GITLAB_API_TOKEN to look the path up') });
});
