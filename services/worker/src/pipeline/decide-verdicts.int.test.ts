import { eq } from 'drizzle-orm';
import { testConfig } from '@cia/config/testing';
import { analyses, claimAnalysis, incidentOccurrences, registerFailure } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createFetchCache, createGitLabClient, pickClientOptions } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { maskSecrets } from '@cia/log-intel';
import { createLogger } from '@cia/logger';
import type { TPipelineDeps } from './pipeline-deps';
import { runAnalysis } from './run-analysis';

/**
 * Verdicts add to an analysis and never fail it: without a GitLab token, past the request budget
 * or when GitLab refuses, the analysis completes and each job's verdict says what is unknown.
 */
const logger = createLogger({ service: 'test', silent: true });
const TOKEN = 'glpat-verdictTOKENabcdefghij';
const MR_SHA = 'b'.repeat(40);
const FAILING = [
  '$ pytest -q',
  'FAILED tests/test_cart.py::test_total - AssertionError: assert 3 == 4',
  'E       AssertionError: assert 3 == 4',
  '1 failed, 40 passed in 2.42s',
  'ERROR: Job failed: exit code 1',
].join('\n');
const PASSING = ['$ pytest -q', '41 passed in 2.31s', 'Job succeeded'].join('\n');
let database: TTestDatabase;
let gitlab: TFakeGitLab;
let nextPipeline = 20;

beforeAll(async () => {
  gitlab = await createFakeGitLab({
    token: TOKEN,
    projects: [
      {
        id: 1,
        path_with_namespace: 'acme/shop',
        default_branch: 'main',
        pipelines: [
          {
            id: 10,
            ref: 'main',
            sha: 'a'.repeat(40),
            status: 'success',
            jobs: [{ id: 100, name: 'test', status: 'success', trace: PASSING }],
          },
        ],
      },
    ],
  });
  database = await createTestDatabase('decide_verdicts');
});
afterAll(async () => {
  await gitlab?.close();
  await database?.drop();
});

function depsWith(overrides: Record<string, string> = {}, withToken = true): TPipelineDeps {
  const config = testConfig({ GITLAB_BASE_URL: gitlab.baseUrl, GITLAB_API_TOKEN: withToken ? TOKEN : undefined, ...overrides });
  return {
    db: database.db,
    logger,
    config,
    gitlab: withToken ? createGitLabClient({ ...pickClientOptions(config), retries: 0 }) : undefined,
    gitlabCache: createFetchCache(),
  };
}

/** A merge request pipeline failing `test`, analysed with `deps`; its stored row and occurrence. */
async function analyseMergeRequestFailure(deps: TPipelineDeps) {
  const pipelineId = nextPipeline++;
  const jobId = pipelineId * 10;
  gitlab.addPipeline(1, {
    id: pipelineId,
    ref: 'refs/merge-requests/3/head',
    sha: MR_SHA,
    status: 'failed',
    jobs: [{ id: jobId, name: 'test', status: 'failed', trace: FAILING }],
  });
  const { requestId } = await registerFailure(database.db, {
    trigger: 'webhook',
    project: { id: 1, path: 'acme/shop', default_branch: 'main' },
    pipeline: {
      id: pipelineId,
      ref: 'feature',
      sha: MR_SHA,
      url: null,
      merge_request_iid: 3,
      merge_request: { iid: 3, title: maskSecrets('Cart'), source_branch: 'feature', target_branch: 'main', state: 'opened', url: null },
    },
    failedJobs: [
      { id: jobId, name: 'test', stage: 'test', status: 'failed', failure_reason: 'script_failure', log_tail: maskSecrets(FAILING) },
    ],
  });
  const claim = await claimAnalysis(database.db, requestId);
  await runAnalysis(deps, claim!.row);
  const [row] = await database.db.select().from(analyses).where(eq(analyses.requestId, requestId));
  const [occurrence] = await database.db.select().from(incidentOccurrences).where(eq(incidentOccurrences.jobId, jobId));
  return { row: row!, occurrence: occurrence!, verdict: row!.result?.failed_jobs[0]?.verdict };
}

test('with GitLab answering, a merge request failure new against main is "Caused by this change", naming its incident', async () => {
  const { row, occurrence, verdict } = await analyseMergeRequestFailure(depsWith());
  expect(row.status).toBe('completed');
  expect(verdict).toMatchObject({ kind: 'caused_by_change', incident_id: occurrence.incidentId });
  expect(occurrence).toMatchObject({
    verdictKind: 'caused_by_change',
    mergeRequestIid: 3,
    ref: 'feature',
    onDefaultBranch: false,
    targetBranch: 'main',
    comparedPipelineId: 10,
  });
  expect(row.fetchState.verdict_requests).toMatchObject({ limit: 12, refused: 0, failed: 0 });
});

test('without a GitLab token the verdict rests on our own history and says there was nothing to compare with', async () => {
  const { row, verdict } = await analyseMergeRequestFailure(depsWith({}, false));
  expect(row.status).toBe('completed');
  expect(verdict).toMatchObject({
    kind: 'undetermined',
    reason: 'no_compared_run',
    headline: 'No finished pipeline on main to compare with',
  });
  expect(row.fetchState.verdict_requests).toBeUndefined();
});

/** The verdicts' requests for main's pipeline jobs (the baseline's ask for passed jobs only). */
const comparedJobLists = () =>
  gitlab.requests.filter((r) => r.path === '/projects/1/pipelines/10/jobs' && r.query['scope[]'] === undefined).length;

test('past the request budget nothing more is asked and the verdict says what is unknown', async () => {
  const before = comparedJobLists();
  const { row, verdict } = await analyseMergeRequestFailure(depsWith({ VERDICT_MAX_GITLAB_REQUESTS: '1' }));
  expect(row.status).toBe('completed');
  expect(row.fetchState.verdict_requests).toMatchObject({ limit: 1, spent: 1 });
  expect((row.fetchState.verdict_requests as { refused: number }).refused).toBeGreaterThan(0);
  expect(comparedJobLists()).toBe(before);
  expect(verdict?.kind).toBe('undetermined');
});

test('a GitLab error on a history request leaves the verdict undetermined and the analysis completed', async () => {
  // The fetch step's baseline asks first (and does without), then the verdict's compared run.
  gitlab.fail({ path: '/projects/1/pipelines/10/jobs', status: 403, body: { message: '403 Forbidden' }, times: 2 });
  const { row, verdict } = await analyseMergeRequestFailure(depsWith());
  expect(row.status).toBe('completed');
  expect(row.fetchState.verdict_requests).toMatchObject({ failed: 1 });
  expect(verdict).toMatchObject({ kind: 'undetermined', reason: 'no_compared_run' });
});
