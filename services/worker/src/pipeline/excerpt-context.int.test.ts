import { eq } from 'drizzle-orm';
import { testConfig } from '@cia/config/testing';
import { analysisJobs, claimAnalysis, findAnalysisByRequestId, registerFailure } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createGitLabClient, pickClientOptions } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { maskSecrets } from '@cia/log-intel';
import { createLogger } from '@cia/logger';
import { runAnalysis } from './run-analysis';

/**
 * The context kept around a failure is the excerpt's setting (EXCERPT_CONTEXT_LINES, formerly
 * GITLAB_LOG_CONTEXT_LINES): the worker hands it to the excerpt whether the log came from the
 * GitLab API or from the trigger.
 */
const logger = createLogger({ service: 'test', silent: true });
const TOKEN = 'glpat-contextTOKENabcdefghijkl';
const BEFORE = 'compiling module 29';
const ERROR = 'src/cart.c:3:5: error: expected ; before } token';
const LOG = [
  '$ make build',
  ...Array.from({ length: 30 }, (_, i) => `compiling module ${i}`),
  ERROR,
  'ERROR: Job failed: exit code 1',
].join('\n');
let database: TTestDatabase;
let gitlab: TFakeGitLab;
let nextPipeline = 100;

beforeAll(async () => {
  gitlab = await createFakeGitLab({ token: TOKEN, projects: [{ id: 3, path_with_namespace: 'acme/cart', pipelines: [] }] });
  database = await createTestDatabase('excerpt_context');
});

afterAll(async () => {
  await gitlab?.close();
  await database?.drop();
});

/** One analysis of a failed `build` job, its log read from GitLab (`api`) or carried by the trigger. */
async function storedExcerpt(settings: Record<string, string>, from: 'api' | 'trigger'): Promise<string> {
  const pipelineId = nextPipeline++;
  const jobId = pipelineId * 10;
  gitlab.addPipeline(3, {
    id: pipelineId,
    status: 'failed',
    jobs: [{ id: jobId, name: 'build', stage: 'build', status: 'failed', trace: LOG }],
  });
  const config = testConfig({
    GITLAB_BASE_URL: gitlab.baseUrl,
    GITLAB_API_TOKEN: TOKEN,
    DEFAULT_AI_PROVIDER: 'offline',
    GITLAB_FETCH_TEST_REPORTS: 'false',
    ...settings,
  });
  const created = await registerFailure(database.db, {
    trigger: from === 'api' ? 'webhook' : 'email',
    project: { id: 3, path: 'acme/cart' },
    pipeline: { id: pipelineId, ref: 'main', sha: 'c'.repeat(40), url: null, status: 'failed' },
    failedJobs: [
      { id: jobId, name: 'build', stage: 'build', status: 'failed', ...(from === 'trigger' ? { log_tail: maskSecrets(LOG) } : {}) },
    ],
  });
  const claim = await claimAnalysis(database.db, created.requestId);
  const gitlabClient = from === 'api' ? createGitLabClient({ ...pickClientOptions(config), baseDelayMs: 1 }) : undefined;
  await runAnalysis({ db: database.db, logger, config, gitlab: gitlabClient }, claim!.row);
  const stored = await findAnalysisByRequestId(database.db, created.requestId);
  expect(stored?.status).toBe('completed');
  const [job] = await database.db.select().from(analysisJobs).where(eq(analysisJobs.analysisId, stored!.id));
  return JSON.stringify(job?.excerpt);
}

test.each(['api', 'trigger'] as const)('EXCERPT_CONTEXT_LINES=0 keeps no context around the failure (log from the %s)', async (from) => {
  const excerpt = await storedExcerpt({ EXCERPT_CONTEXT_LINES: '0' }, from);
  expect(excerpt).toContain(ERROR);
  expect(excerpt).not.toContain(BEFORE);
});

test('the former name GITLAB_LOG_CONTEXT_LINES still sets it', async () => {
  const excerpt = await storedExcerpt({ GITLAB_LOG_CONTEXT_LINES: '0' }, 'api');
  expect(excerpt).toContain(ERROR);
  expect(excerpt).not.toContain(BEFORE);
});

test('by default the lines before the failure are kept as its context', async () => {
  const excerpt = await storedExcerpt({}, 'api');
  expect(excerpt).toContain(ERROR);
  expect(excerpt).toContain(BEFORE);
});
