import { testConfig } from '@cia/config/testing';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker, type TWorkerHandle } from '@cia/worker';
import { pipelineHook } from './fixtures/gitlab-payloads';

/**
 * A job whose log is empty, or could not be read, through the real path (webhook → worker →
 * GitLab over HTTP → offline analyzer): the answer says exactly that, and what to configure.
 */
const logger = createLogger({ service: 'test', silent: true });
const GITLAB_TOKEN = 'glpat-missinglogtoken0123';
const EMPTY_PIPELINE = 6101;
const FORBIDDEN_PIPELINE = 6102;
const NO_TOKEN_PIPELINE = 6103;
const jobIdOf = (pipelineId: number) => pipelineId * 10;

type TStack = { ingest: TIngestHandle; worker: TWorkerHandle; redis: ReturnType<typeof createTestPrefix> };
type TResult = {
  category: string;
  summary: string;
  root_cause: string;
  confidence: number;
  solutions: { title: string; steps: string[] }[];
  failed_jobs: { findings: string[] }[];
};

let database: TTestDatabase;
let gitlab: TFakeGitLab;
let withToken: TStack;
let withoutToken: TStack;

async function startStack(name: string, overrides: Record<string, string | undefined>): Promise<TStack> {
  const redis = createTestPrefix(name);
  const config = testConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    HOST: '127.0.0.1',
    GITLAB_BASE_URL: gitlab.baseUrl,
    ...overrides,
  });
  const worker = await startWorker(config, { database, logger });
  const ingest = await startIngest(config, { database, logger, port: 0 });
  return { ingest, worker, redis };
}

async function stopStack(stack: TStack | undefined): Promise<void> {
  await stack?.ingest.close();
  await stack?.worker.close();
  await stack?.redis.cleanup();
}

/** Sends the pipeline's failed Pipeline Hook and waits for its analysis. */
async function analyse(stack: TStack, pipelineId: number): Promise<{ provider: string; result: TResult }> {
  const build = {
    id: jobIdOf(pipelineId),
    stage: 'test',
    name: 'unit-tests',
    status: 'failed',
    failure_reason: 'script_failure',
    when: 'on_success',
    manual: false,
    allow_failure: false,
  };
  const res = await fetch(`${stack.ingest.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' },
    body: JSON.stringify(pipelineHook({ pipelineId, builds: [build] })),
  });
  expect(res.status).toBe(202);
  const { request_id } = (await res.json()) as { request_id: string };
  let view: Record<string, unknown> = {};
  for (let i = 0; i < 150 && view.status !== 'completed' && view.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    view = (await (await fetch(`${stack.ingest.url}/analysis/${request_id}`)).json()) as Record<string, unknown>;
  }
  expect(view.status).toBe('completed');
  return { provider: view.provider as string, result: view.result as TResult };
}

const job = (pipelineId: number, trace?: string) => ({
  id: jobIdOf(pipelineId),
  name: 'unit-tests',
  stage: 'test',
  status: 'failed',
  failure_reason: 'script_failure',
  trace,
});

beforeAll(async () => {
  gitlab = await createFakeGitLab({
    token: GITLAB_TOKEN,
    projects: [
      {
        id: 1,
        path_with_namespace: 'gitlab-org/gitlab-test',
        default_branch: 'master',
        pipelines: [
          { id: EMPTY_PIPELINE, ref: 'main', status: 'failed', jobs: [job(EMPTY_PIPELINE, '')] },
          {
            id: FORBIDDEN_PIPELINE,
            ref: 'main',
            status: 'failed',
            jobs: [job(FORBIDDEN_PIPELINE, 'FAILED tests/test_a.py::test_x - assert 1 == 2\n')],
          },
          {
            id: NO_TOKEN_PIPELINE,
            ref: 'main',
            status: 'failed',
            jobs: [job(NO_TOKEN_PIPELINE, 'FAILED tests/test_a.py::test_x - assert 1 == 2\n')],
          },
        ],
      },
    ],
  });
  database = await createTestDatabase('missinglog');
  withToken = await startStack('missinglog-token', { GITLAB_API_TOKEN: GITLAB_TOKEN });
  withoutToken = await startStack('missinglog-notoken', { GITLAB_API_TOKEN: undefined });
});

afterAll(async () => {
  await stopStack(withToken);
  await stopStack(withoutToken);
  await gitlab?.close();
  await database?.drop();
});

test('an empty job log is reported as empty, not as "no known pattern matched"', async () => {
  const { provider, result } = await analyse(withToken, EMPTY_PIPELINE);
  expect(provider).toBe('offline');
  expect(result.category).toBe('unknown');
  expect(result.confidence).toBe(0);
  expect(result.summary).toContain('for job unit-tests, its log is empty');
  expect(result.root_cause).toContain("The job's log is empty");
  expect(result.root_cause).not.toContain('No known failure pattern matched');
  expect(result.failed_jobs[0]?.findings.join(' ')).toContain("The job's log is empty");
});

test('a log GitLab refuses (403) is reported as refused, with the access to give the token', async () => {
  gitlab.fail({
    method: 'GET',
    path: `/projects/1/jobs/${jobIdOf(FORBIDDEN_PIPELINE)}/trace`,
    status: 403,
    body: { message: '403 Forbidden' },
  });
  const { result } = await analyse(withToken, FORBIDDEN_PIPELINE);
  expect(result.category).toBe('unknown');
  expect(result.summary).toContain('GitLab refused its log (403 Forbidden)');
  expect(result.root_cause).toContain('403 Forbidden');
  expect(result.solutions.flatMap((s) => s.steps).join(' ')).toContain('at least the Reporter role');
});

test('without a GitLab token the answer says the log was not read and to set GITLAB_API_TOKEN with read_api', async () => {
  const { provider, result } = await analyse(withoutToken, NO_TOKEN_PIPELINE);
  expect(provider).toBe('offline');
  expect(result.summary).toContain('its log was not read because GITLAB_API_TOKEN is not set');
  expect(result.root_cause).toContain('GITLAB_API_TOKEN is not set');
  const steps = result.solutions.flatMap((s) => s.steps).join(' ');
  expect(steps).toContain('read_api');
  expect(steps).toContain('GITLAB_API_TOKEN');
  expect(gitlab.countRequests(new RegExp(`/jobs/${jobIdOf(NO_TOKEN_PIPELINE)}/trace$`))).toBe(0);
});
