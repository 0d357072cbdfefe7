import { eq } from 'drizzle-orm';
import { serverErrorReply, startFakeOpenAi, type TFakeProviderServer } from '@cia/ai/testing';
import { testConfig } from '@cia/config/testing';
import { analysisJobs, claimAnalysis, findAnalysisByRequestId, registerFailure } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createGitLabClient, pickClientOptions } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { createLogger } from '@cia/logger';
import type { TPipelineDeps } from './pipeline-deps';
import { runAnalysis } from './run-analysis';

/**
 * Huge and endless job logs: GitLab sends a trace whole, so the read budget (bytes and time) cuts
 * it; the analysis completes with the log flagged truncated, its real size stored, and a retry of
 * the analysis reuses the cut log instead of downloading it again.
 */
const logger = createLogger({ service: 'test', silent: true });
const TOKEN = 'glpat-budgetTOKENabcdefghijkl';
const GB = 1024 ** 3;
const HEAD = 'Running with gitlab-runner 17.5.0\n$ npm ci\nnpm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\n';
const LINE = 'still waiting for the test database to answer, retrying in 1 s\n';
const HUGE_TAIL = 'ERROR: Job failed: exit code 1\n';
const HUGE_BYTES = Buffer.byteLength(HEAD) + 3 * GB + Buffer.byteLength(HUGE_TAIL);
let database: TTestDatabase;
let gitlab: TFakeGitLab;
let openai: TFakeProviderServer;
let deps: TPipelineDeps;

beforeAll(async () => {
  gitlab = await createFakeGitLab({
    token: TOKEN,
    projects: [
      {
        id: 1,
        path_with_namespace: 'acme/huge',
        pipelines: [
          {
            id: 50,
            status: 'failed',
            jobs: [
              {
                id: 501,
                name: 'install',
                stage: 'build',
                status: 'failed',
                trace: { head: HEAD, repeat: LINE, bytes: 3 * GB, tail: HUGE_TAIL },
              },
            ],
          },
          // A job still printing, slower than the byte budget could stop.
          {
            id: 60,
            status: 'failed',
            jobs: [
              {
                id: 601,
                name: 'wait-db',
                stage: 'test',
                status: 'failed',
                trace: { head: HEAD, repeat: LINE, bytes: Number.POSITIVE_INFINITY, chunkDelayMs: 50 },
              },
            ],
          },
        ],
      },
    ],
  });
  openai = await startFakeOpenAi();
  database = await createTestDatabase('log_budget');
  const config = testConfig({
    GITLAB_BASE_URL: gitlab.baseUrl,
    GITLAB_API_TOKEN: TOKEN,
    GITLAB_MAX_LOG_READ_MB: '4',
    GITLAB_LOG_READ_TIMEOUT_S: '1',
    DEFAULT_AI_PROVIDER: 'openai',
    AI_RULES_FIRST: 'false',
    AI_MAX_RETRIES: '0',
    ...openai.env,
  });
  deps = { db: database.db, logger, config, gitlab: createGitLabClient({ ...pickClientOptions(config), baseDelayMs: 1 }) };
});

afterAll(async () => {
  await gitlab?.close();
  await openai?.close();
  await database?.drop();
});

async function claimedRow(pipelineId: number, jobId: number, name: string) {
  const created = await registerFailure(database.db, {
    trigger: 'webhook',
    project: { id: 1, path: 'acme/huge' },
    pipeline: { id: pipelineId, ref: 'main', sha: 'a'.repeat(40), url: null, status: 'failed' },
    failedJobs: [{ id: jobId, name, stage: 'build', status: 'failed' }],
  });
  const claim = await claimAnalysis(database.db, created.requestId);
  return { requestId: created.requestId, row: claim!.row };
}

/** One failed attempt (the AI provider answers 500) then the retry, from the row as the database has it. */
async function failThenRetry(pipelineId: number, jobId: number, name: string) {
  const { requestId, row } = await claimedRow(pipelineId, jobId, name);
  openai.enqueue(serverErrorReply(500));
  await expect(runAnalysis(deps, row)).rejects.toThrow();
  const again = await claimAnalysis(database.db, requestId);
  await runAnalysis(deps, again!.row);
  const stored = await findAnalysisByRequestId(database.db, requestId);
  const [job] = await database.db.select().from(analysisJobs).where(eq(analysisJobs.analysisId, stored!.id));
  return { stored: stored!, job: job! };
}

test('a 3 GB log is read up to the byte budget, stored with its real size, and not downloaded again by the retry', async () => {
  const { stored, job } = await failThenRetry(50, 501, 'install');
  expect(stored.status).toBe('completed');
  expect(job).toMatchObject({ jobId: 501, logBytes: HUGE_BYTES, logTruncated: true });
  expect(job.logBytes).toBeGreaterThan(2 ** 31);
  expect(JSON.stringify(job.excerpt)).toContain('ERESOLVE unable to resolve dependency tree');
  expect(stored.fetchState['trace:501']).toMatchObject({
    record: { ok: true, bytes: HUGE_BYTES, truncated: true, read_stop: 'byte_budget' },
  });
  expect(gitlab.countRequests('/projects/1/jobs/501/trace')).toBe(1);
});

test('a log that never ends is read for the time budget, the analysis completes, and the retry does not read it again', async () => {
  const { stored, job } = await failThenRetry(60, 601, 'wait-db');
  expect(stored.status).toBe('completed');
  expect(job).toMatchObject({ jobId: 601, logTruncated: true });
  expect(stored.fetchState['trace:601']).toMatchObject({
    record: { ok: true, truncated: true, read_stop: 'time_budget' },
    data: { read_stop: 'time_budget', size_known: false },
  });
  expect(JSON.stringify(job.excerpt)).toContain('ERESOLVE unable to resolve dependency tree');
  expect(gitlab.countRequests('/projects/1/jobs/601/trace')).toBe(1);
});
