import type { TMasker } from '@cia/contracts';
import { createFetchCache } from './fetch-cache';
import { fetchPipelineContext } from './fetch-context';
import { createGitLabClient } from '../gitlab.client';
import { GitLabError } from '../gitlab.errors';
import type { TFetchSettings } from '../gitlab.settings';
import type { TFetchState, TFetchInput } from './pipeline-context.types';
import { createFakeGitLab, type TFakeGitLab, type TFakeProject } from '../testing';

const TOKEN = 'glpat-gather-secret-0123456789abcdef';
const SHA = '9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c';
const GREEN_SHA = '1111111111111111111111111111111111111111';
const CI_YAML = `stages: [build, test, deploy]

.node:
  image: node:20
  artifacts:
    reports:
      junit: junit.xml

unit:
  extends: .node
  stage: test
  script:
    - npm ci
    - npm test

lint:
  stage: test
  script: npm run lint

trigger-e2e:
  stage: deploy
  trigger:
    include: e2e.yml
`;
const UNIT_LOG =
  '$ npm ci\nadded 812 packages\n$ npm test\nFAIL src/cart.test.ts\n  ● cart › applies discount\n    Expected: 90\n    Received: 100\nERROR: Job failed: exit code 1\n';
const GREEN_LOG = '$ npm ci\nadded 812 packages\n$ npm test\nPASS src/cart.test.ts\nJob succeeded\n';
const JUNIT = '<testsuite name="cart"><testcase name="applies discount"><failure>Expected 90</failure></testcase></testsuite>';

const SETTINGS: TFetchSettings = {
  autoFetchLogs: true,
  fetchFullPipeline: true,
  fetchTestReports: true,
  fetchArtifacts: false,
  maxLogSizeMb: 10,
  logLinesLimit: 2000,
};

function shop(): TFakeProject {
  return {
    id: 42,
    path_with_namespace: 'acme/shop',
    name: 'shop',
    default_branch: 'main',
    languages: { TypeScript: 91.5, Shell: 8.5 },
    files: { [SHA]: { '.gitlab-ci.yml': CI_YAML } },
    commits: [{ id: SHA, title: 'Apply discounts at checkout', author_name: 'Ada Lovelace', author_email: 'ada@example.com' }],
    mergeRequests: [{ iid: 17, title: 'Discounts', source_branch: 'feature/discount', target_branch: 'main', shas: [SHA] }],
    pipelines: [
      {
        id: 900,
        ref: 'feature/discount',
        sha: SHA,
        status: 'failed',
        jobs: [
          { id: 9001, name: 'build', stage: 'build', status: 'success' },
          {
            id: 9002,
            name: 'unit',
            stage: 'test',
            status: 'failed',
            trace: UNIT_LOG,
            artifacts: [{ file_type: 'junit', size: 120, filename: 'junit.xml.gz', file_format: 'gzip' }],
            artifactFiles: { 'junit.xml': JUNIT },
          },
          { id: 9003, name: 'lint', stage: 'test', status: 'failed', allow_failure: true, trace: 'eslint: 3 warnings\n' },
          { id: 9000, name: 'unit', stage: 'test', status: 'failed', retried: true, trace: 'old attempt\n' },
        ],
        bridges: [{ id: 9010, name: 'trigger-e2e', stage: 'deploy', status: 'failed', downstream: { projectId: 42, pipelineId: 901 } }],
        testReport: {
          suites: [
            {
              name: 'jest',
              cases: [
                { status: 'success', name: 'adds items', classname: 'cart' },
                {
                  status: 'failed',
                  name: 'applies discount',
                  classname: 'cart',
                  stack_trace: 'Error: expect(received).toBe(expected)\n    at cart.test.ts:12:5',
                },
              ],
            },
          ],
        },
      },
      {
        id: 901,
        ref: 'feature/discount',
        sha: SHA,
        status: 'failed',
        source: 'parent_pipeline',
        jobs: [
          { id: 9101, name: 'e2e-chrome', stage: 'test', status: 'failed', trace: 'Cypress: 1 failing\nTimed out retrying after 4000ms\n' },
        ],
        bridges: [{ id: 9110, name: 'nested', status: 'failed', downstream: { projectId: 42, pipelineId: 902 } }],
      },
      {
        id: 902,
        ref: 'feature/discount',
        sha: SHA,
        status: 'failed',
        source: 'parent_pipeline',
        jobs: [{ id: 9201, name: 'smoke', stage: 'test', status: 'failed', trace: 'curl: (7) Failed to connect\n' }],
      },
      {
        id: 850,
        ref: 'main',
        sha: GREEN_SHA,
        status: 'success',
        jobs: [{ id: 8502, name: 'unit', stage: 'test', status: 'success', trace: GREEN_LOG }],
      },
      { id: 840, ref: 'main', sha: GREEN_SHA, status: 'failed', jobs: [] },
    ],
  };
}

describe('fetchPipelineContext against a fake GitLab', () => {
  let gitlab: TFakeGitLab;
  const client = () => createGitLabClient({ baseUrl: gitlab.baseUrl, token: TOKEN, baseDelayMs: 1, maxDelayMs: 5, retries: 2 });

  beforeEach(async () => {
    gitlab = await createFakeGitLab({ token: TOKEN, maxPerPage: 2, projects: [shop()] });
  });
  afterEach(() => gitlab.close());

  it('builds the whole context from ids alone (email trigger)', async () => {
    const ctx = await fetchPipelineContext(client(), { project: { path: 'acme/shop' }, pipelineId: 900 }, SETTINGS);

    expect(ctx.project).toEqual({
      id: 42,
      path: 'acme/shop',
      name: 'shop',
      web_url: `${gitlab.baseUrl}/acme/shop`,
      default_branch: 'main',
      ci_config_path: null,
      languages: { TypeScript: 91.5, Shell: 8.5 },
    });
    expect(ctx.pipeline).toMatchObject({ id: 900, ref: 'feature/discount', sha: SHA, status: 'failed' });
    expect(ctx.commit).toMatchObject({ sha: SHA, title: 'Apply discounts at checkout', author_name: 'Ada Lovelace' });
    expect(ctx.merge_request).toMatchObject({ iid: 17, title: 'Discounts', target_branch: 'main' });
    expect(ctx.ci_config?.text).toBe(CI_YAML.trimEnd());

    const unit = ctx.failed_jobs.find((j) => j.id === 9002);
    expect(unit).toMatchObject({ name: 'unit', depth: 0, via_bridge: null, allow_failure: false });
    expect(unit?.log).toMatchObject({ source: 'api', text: UNIT_LOG.trimEnd(), truncated: false });
    expect(unit?.definition).toContain('unit:\n  extends: .node');
    expect(unit?.definition).toContain('.node:\n  image: node:20');
    expect(ctx.failed_jobs.some((j) => j.id === 9000)).toBe(false);

    expect(ctx.test_report).toMatchObject({ total: 2, failed: 1 });
    expect(ctx.test_report?.failures).toEqual([
      expect.objectContaining({
        pipeline_id: 900,
        suite: 'jest',
        name: 'applies discount',
        classname: 'cart',
        stack_trace: expect.stringContaining('cart.test.ts:12:5'),
      }),
    ]);
    expect(ctx.all_jobs?.map((j) => j.id).sort()).toEqual([9001, 9002, 9003, 9101, 9201]);
  });

  it('gives a merge request pipeline, which the API says ran on refs/merge-requests/17/head, the source branch as its ref', async () => {
    gitlab.addPipeline(42, {
      id: 910,
      ref: 'refs/merge-requests/17/head',
      sha: SHA,
      status: 'failed',
      source: 'merge_request_event',
      jobs: [{ id: 9102, name: 'unit', stage: 'test', status: 'failed', trace: UNIT_LOG }],
    });
    // A Job Hook or an email told only the MR iid (or nothing): the pipeline and its MR are read.
    const ctx = await fetchPipelineContext(
      client(),
      { project: { id: 42 }, pipelineId: 910, known: { pipeline: { merge_request_iid: 17 } } },
      SETTINGS,
    );
    expect(ctx.pipeline).toMatchObject({ id: 910, ref: 'feature/discount', sha: SHA });
    expect(ctx.merge_request).toMatchObject({ iid: 17, source_branch: 'feature/discount' });
    const green = gitlab.requests
      .filter((r) => r.path === '/projects/42/pipelines' && r.query.status === 'success')
      .map((r) => r.query.ref);
    expect(green[0]).toBe('feature/discount');
  });

  it('follows child pipelines so their failed jobs join the analysis, breaking jobs first', async () => {
    const ctx = await fetchPipelineContext(client(), { project: { id: 42 }, pipelineId: 900 }, SETTINGS);
    expect(ctx.downstream_pipelines).toEqual([
      expect.objectContaining({ id: 901, bridge_name: 'trigger-e2e', depth: 1 }),
      expect.objectContaining({ id: 902, bridge_name: 'nested', depth: 2 }),
    ]);
    expect(ctx.failed_jobs.map((j) => [j.name, j.depth])).toEqual([
      ['unit', 0],
      ['e2e-chrome', 1],
      ['smoke', 2],
      ['lint', 0],
    ]);
    const e2e = ctx.failed_jobs.find((j) => j.name === 'e2e-chrome');
    expect(e2e?.via_bridge).toBe('trigger-e2e');
    expect(e2e?.log?.text).toContain('Timed out retrying');
  });

  it('stops at the configured depth', async () => {
    const ctx = await fetchPipelineContext(client(), { project: { id: 42 }, pipelineId: 900 }, { ...SETTINGS, maxPipelineDepth: 1 });
    expect(ctx.downstream_pipelines.map((p) => p.id)).toEqual([901]);
    expect(ctx.failed_jobs.map((j) => j.name)).not.toContain('smoke');
  });

  it('uses what the webhook said and fetches only what it lacks', async () => {
    const input: TFetchInput = {
      project: { id: 42 },
      pipelineId: 900,
      known: {
        project: { id: 42, path: 'acme/shop', default_branch: 'main' },
        pipeline: {
          id: 900,
          ref: 'feature/discount',
          sha: SHA,
          url: null,
          status: 'failed',
          commit_title: 'Apply discounts at checkout',
          commit_author: 'Ada Lovelace',
        },
        failedJobs: [{ id: 9002, name: 'unit', stage: 'test', status: 'failed', failure_reason: 'script_failure' }],
      },
    };
    const ctx = await fetchPipelineContext(client(), input, { ...SETTINGS, fetchFullPipeline: false });
    expect(gitlab.countRequests('/projects/42/pipelines/900')).toBe(0);
    expect(gitlab.countRequests('/projects/42/pipelines/900/jobs')).toBe(0);
    expect(gitlab.countRequests(/\/repository\/commits\/[0-9a-f]+$/)).toBe(0);
    expect(ctx.steps.find((s) => s.step === 'pipeline')).toMatchObject({ ok: true, source: 'trigger' });
    expect(ctx.commit).toMatchObject({ title: 'Apply discounts at checkout', author_name: 'Ada Lovelace' });
    expect(ctx.all_jobs).toBeNull();
    expect(ctx.failed_jobs.map((j) => j.id)).toEqual([9002, 9101, 9201]);
    expect(ctx.failed_jobs[0]?.log?.text).toContain('Received: 100');
  });

  it('takes the whole job list and the merge request from a Pipeline Hook instead of asking for them', async () => {
    const input: TFetchInput = {
      project: { id: 42 },
      pipelineId: 900,
      known: {
        project: { id: 42, path: 'acme/shop', default_branch: 'main', web_url: 'https://gitlab.example/acme/shop' },
        pipeline: {
          id: 900,
          ref: 'feature/discount',
          sha: SHA,
          url: null,
          status: 'failed',
          merge_request_iid: 17,
          merge_request: {
            iid: 17,
            title: 'Discounts',
            source_branch: 'feature/discount',
            target_branch: 'main',
            state: 'opened',
            url: 'https://gitlab.example/acme/shop/-/merge_requests/17',
          },
          jobs: [
            { id: 9001, name: 'build', stage: 'build', status: 'success', failure_reason: null, allow_failure: false, duration: 40 },
            {
              id: 9002,
              name: 'unit',
              stage: 'test',
              status: 'failed',
              failure_reason: 'script_failure',
              allow_failure: false,
              duration: 95.5,
            },
            { id: 9003, name: 'lint', stage: 'test', status: 'failed', failure_reason: 'script_failure', allow_failure: true, duration: 3 },
          ],
        },
        failedJobs: [{ id: 9002, name: 'unit', stage: 'test', status: 'failed', failure_reason: 'script_failure' }],
      },
    };
    const before = gitlab.requests.length;
    const ctx = await fetchPipelineContext(client(), input, SETTINGS);
    const asked = gitlab.requests.slice(before).map((r) => r.path);
    expect(asked).not.toContain('/projects/42/pipelines/900/jobs');
    expect(asked.filter((p) => p.includes('/merge_requests'))).toEqual([]);
    expect(ctx.steps.find((s) => s.step === 'jobs:42:900')).toMatchObject({ ok: true, source: 'trigger' });
    expect(ctx.merge_request).toEqual({
      iid: 17,
      title: 'Discounts',
      state: 'opened',
      web_url: 'https://gitlab.example/acme/shop/-/merge_requests/17',
      source_branch: 'feature/discount',
      target_branch: 'main',
      author: null,
    });
    // Allowed failures from the hook's list are analysed too, after the job that broke the pipeline.
    expect(ctx.failed_jobs.filter((j) => j.depth === 0).map((j) => [j.name, j.web_url])).toEqual([
      ['unit', 'https://gitlab.example/acme/shop/-/jobs/9002'],
      ['lint', 'https://gitlab.example/acme/shop/-/jobs/9003'],
    ]);
    expect(ctx.failed_jobs[0]?.log?.text).toContain('Received: 100');
    expect(ctx.all_jobs?.filter((j) => j.pipeline_id === 900).map((j) => j.id)).toEqual([9001, 9002, 9003]);
  });

  it('still lists the jobs when artifacts are wanted, and asks for a merge request the trigger only named', async () => {
    const input: TFetchInput = {
      project: { id: 42 },
      pipelineId: 900,
      known: {
        project: { id: 42, path: 'acme/shop' },
        pipeline: {
          id: 900,
          ref: 'feature/discount',
          sha: SHA,
          url: null,
          status: 'failed',
          merge_request_iid: 17,
          merge_request: { iid: 17, title: null, source_branch: null, target_branch: null, state: null, url: null },
          jobs: [
            {
              id: 9002,
              name: 'unit',
              stage: 'test',
              status: 'failed',
              failure_reason: 'script_failure',
              allow_failure: false,
              duration: 1,
            },
          ],
        },
        failedJobs: [{ id: 9002, name: 'unit', stage: 'test', status: 'failed' }],
      },
    };
    const before = gitlab.requests.length;
    const ctx = await fetchPipelineContext(client(), input, { ...SETTINGS, fetchArtifacts: true });
    const asked = gitlab.requests.slice(before).map((r) => r.path);
    expect(asked).toContain('/projects/42/pipelines/900/jobs');
    expect(asked).toContain('/projects/42/merge_requests/17');
    expect(ctx.merge_request?.title).toBe('Discounts');
  });

  it('compares with the last green run of the same job', async () => {
    const ctx = await fetchPipelineContext(client(), { project: { id: 42 }, pipelineId: 900 }, SETTINGS);
    const unit = ctx.failed_jobs.find((j) => j.id === 9002);
    expect(unit?.baseline).toMatchObject({ job_id: 8502, pipeline_id: 850 });
    expect(unit?.baseline?.log.text).toContain('PASS src/cart.test.ts');
    expect(ctx.failed_jobs.find((j) => j.name === 'lint')?.baseline).toBeNull();
  });

  it('handles a pipeline without a test report', async () => {
    gitlab.fail({ path: '/projects/42/pipelines/900/test_report', status: 404, body: { message: '404 Not found' } });
    const ctx = await fetchPipelineContext(client(), { project: { id: 42 }, pipelineId: 900 }, SETTINGS);
    expect(ctx.test_report).toBeNull();
    expect(ctx.steps.find((s) => s.step === 'test_report:42:900')).toMatchObject({ ok: true, count: 0 });
    expect(ctx.failed_jobs.length).toBeGreaterThan(0);
  });

  it('fetches no log and no test report when those settings are off', async () => {
    const input: TFetchInput = {
      project: { id: 42 },
      pipelineId: 900,
      known: {
        failedJobs: [{ id: 9002, name: 'unit', stage: 'test', status: 'failed', log_tail: 'tail from the email\nERROR: Job failed' }],
      },
    };
    const ctx = await fetchPipelineContext(client(), input, { ...SETTINGS, autoFetchLogs: false, fetchTestReports: false });
    expect(gitlab.countRequests(/\/trace$/)).toBe(0);
    expect(gitlab.countRequests(/test_report$/)).toBe(0);
    expect(ctx.test_report).toBeNull();
    expect(ctx.failed_jobs.find((j) => j.id === 9002)?.log).toMatchObject({
      source: 'trigger',
      text: 'tail from the email\nERROR: Job failed',
    });
  });

  it('reads small JUnit files named by the job definition when artifacts are on', async () => {
    const ctx = await fetchPipelineContext(client(), { project: { id: 42 }, pipelineId: 900 }, { ...SETTINGS, fetchArtifacts: true });
    const unit = ctx.failed_jobs.find((j) => j.id === 9002);
    expect(unit?.artifacts).toEqual([{ file_type: 'junit', filename: 'junit.xml.gz', size: 120 }]);
    expect(unit?.report_files).toEqual([{ path: 'junit.xml', text: JUNIT, truncated: false }]);
  });

  it('cuts logs to GITLAB_LOG_LINES_LIMIT and says so', async () => {
    gitlab.addProject({
      id: 50,
      path_with_namespace: 'acme/noisy',
      pipelines: [
        {
          id: 1,
          jobs: [
            {
              id: 2,
              name: 'build',
              status: 'failed',
              trace: { head: 'start\n', repeat: 'compiling...\n', bytes: 13 * 5000, tail: 'error: linker failed\n' },
            },
          ],
        },
      ],
    });
    const ctx = await fetchPipelineContext(client(), { project: { id: 50 }, pipelineId: 1 }, { ...SETTINGS, logLinesLimit: 100 });
    const log = ctx.failed_jobs[0]?.log;
    expect(log).toMatchObject({ truncated: true, kept_lines: 100, total_lines: 5002 });
    expect(log?.text.split('\n')[0]).toBe('start');
    expect(log?.text.endsWith('error: linker failed')).toBe(true);
    expect(ctx.steps.find((s) => s.step === 'trace:2')).toMatchObject({ ok: true, truncated: true, count: 5002 });
  });

  it('reports an unknown project without the token and makes no further calls', async () => {
    const ctx = await fetchPipelineContext(
      client(),
      {
        project: { id: 404 },
        pipelineId: 1,
        known: { failedJobs: [{ id: 5, name: 'x', stage: 'test', status: 'failed', log_tail: 'boom' }] },
      },
      SETTINGS,
    );
    const step = ctx.steps.find((s) => s.step === 'project');
    expect(step).toMatchObject({
      ok: false,
      error_code: 'not_found',
      error: 'GitLab GET /projects/404 failed: 404 (404 Project Not Found)',
    });
    expect(JSON.stringify(ctx)).not.toContain(TOKEN);
    expect(gitlab.requests).toHaveLength(1);
    expect(ctx.failed_jobs).toEqual([
      expect.objectContaining({ id: 5, log: expect.objectContaining({ source: 'trigger', text: 'boom' }) }),
    ]);
  });

  it('records every step and does not refetch them when a retried job resumes', async () => {
    const saved: TFetchState = {};
    gitlab.fail({ path: '/projects/42/jobs/9101/trace', status: 502, times: 3 });
    const first = await fetchPipelineContext(client(), { project: { id: 42 }, pipelineId: 900 }, SETTINGS, {
      onStep: (key, entry) => void (saved[key] = entry),
    }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(GitLabError);
    expect(first).toMatchObject({ code: 'server_error', transient: true });
    expect(saved.project?.record).toMatchObject({ step: 'project', ok: true, count: 1 });
    expect(saved['trace:9101']?.record).toMatchObject({ ok: false, error_code: 'server_error' });
    expect(saved['trace:9101']).not.toHaveProperty('data');

    const before = gitlab.requests.length;
    const second = await fetchPipelineContext(client(), { project: { id: 42 }, pipelineId: 900 }, SETTINGS, {
      previous: JSON.parse(JSON.stringify(saved)) as TFetchState,
    });
    const again = gitlab.requests.slice(before).map((r) => r.path);
    expect(again).toContain('/projects/42/jobs/9101/trace');
    expect(again).not.toContain('/projects/42');
    expect(again).not.toContain('/projects/42/pipelines/900/jobs');
    expect(again).not.toContain('/projects/42/jobs/9002/trace');
    expect(second.steps.find((s) => s.step === 'project')).toMatchObject({ ok: true, source: 'previous' });
    expect(second.failed_jobs.find((j) => j.id === 9101)?.log?.text).toContain('Cypress');
    expect(second.failed_jobs.find((j) => j.id === 9002)?.log?.text).toContain('Received: 100');
  });

  it('masks what each step got and each step error before it is recorded or used, but not job logs', async () => {
    // Any masking function: the worker passes the secret masker; here the word "cart" is the secret.
    const mask = ((text: string) => text.replace(/cart|languages/g, '[M]')) as unknown as TMasker;
    const saved: TFetchState = {};
    gitlab.fail({ path: '/projects/42/languages', status: 500, times: 5 });
    const ctx = await fetchPipelineContext(client(), { project: { id: 42 }, pipelineId: 900 }, SETTINGS, {
      mask,
      failOnTransient: false,
      onStep: (key, entry) => void (saved[key] = entry),
    });
    // The worker keeps only the record of log steps (their data is the whole log).
    const stored = JSON.stringify(Object.entries(saved).filter(([key]) => !/trace:/.test(key)));
    expect(stored).not.toContain('cart');
    expect(stored).toContain('[M].test.ts:12:5');
    expect(ctx.test_report?.failures[0]?.classname).toBe('[M]');
    expect(saved.languages?.record.error).toBeDefined();
    expect(saved.languages?.record.error).not.toContain('languages');
    // Logs are masked line by line by the excerpt, not here.
    expect(ctx.failed_jobs.find((j) => j.id === 9002)?.log?.text).toContain('FAIL src/cart.test.ts');
  });

  it('returns a partial context on transient errors when asked to', async () => {
    gitlab.fail({ path: '/projects/42/languages', status: 500, times: 5 });
    const ctx = await fetchPipelineContext(client(), { project: { id: 42 }, pipelineId: 900 }, SETTINGS, { failOnTransient: false });
    expect(ctx.project.languages).toBeNull();
    expect(ctx.steps.find((s) => s.step === 'languages')).toMatchObject({ ok: false, error_code: 'server_error' });
    expect(ctx.failed_jobs.length).toBe(4);
  });
});

describe('fetchPipelineContext asks only for what can exist', () => {
  const PLAIN_CI = 'stages: [test]\n\nunit:\n  stage: test\n  script: npm test\n';
  const project = (ci: string): TFakeProject => ({
    id: 5,
    path_with_namespace: 'acme/api',
    default_branch: 'main',
    languages: { Go: 100 },
    files: { [SHA]: { '.gitlab-ci.yml': ci } },
    commits: [{ id: SHA, title: 'Fix' }],
    pipelines: [
      { id: 60, ref: 'main', sha: GREEN_SHA, status: 'success', jobs: [{ id: 601, name: 'unit', status: 'success', trace: GREEN_LOG }] },
      {
        id: 70,
        ref: 'main',
        sha: SHA,
        status: 'failed',
        source: 'push',
        jobs: [{ id: 701, name: 'unit', status: 'failed', trace: UNIT_LOG }],
      },
      {
        id: 71,
        ref: 'main',
        sha: SHA,
        status: 'failed',
        source: 'push',
        jobs: [{ id: 711, name: 'unit', status: 'failed', trace: UNIT_LOG }],
      },
    ],
  });
  const input = (pipelineId: number): TFetchInput => ({ project: { id: 5 }, pipelineId });

  it('skips child pipelines and the test report when the CI config cannot have them', async () => {
    const gitlab = await createFakeGitLab({ projects: [project(PLAIN_CI)] });
    try {
      const ctx = await fetchPipelineContext(createGitLabClient({ baseUrl: gitlab.baseUrl }), input(70), SETTINGS);
      expect(gitlab.countRequests(/\/bridges$/)).toBe(0);
      expect(gitlab.countRequests(/\/test_report$/)).toBe(0);
      expect(ctx.failed_jobs.map((j) => j.id)).toEqual([701]);
      expect(ctx.failed_jobs[0]?.definition).toContain('script: npm test');
    } finally {
      await gitlab.close();
    }
  });

  it('still asks when the config includes other files', async () => {
    const gitlab = await createFakeGitLab({ projects: [project(`include:\n  - local: ci/tests.yml\n${PLAIN_CI}`)] });
    try {
      await fetchPipelineContext(createGitLabClient({ baseUrl: gitlab.baseUrl }), input(70), SETTINGS);
      expect(gitlab.countRequests('/projects/5/pipelines/70/bridges')).toBe(1);
      expect(gitlab.countRequests('/projects/5/pipelines/70/test_report')).toBe(1);
    } finally {
      await gitlab.close();
    }
  });

  it('shares project facts and the baseline lookup between analyses through a cache', async () => {
    const gitlab = await createFakeGitLab({ projects: [project(PLAIN_CI)] });
    try {
      const api = createGitLabClient({ baseUrl: gitlab.baseUrl });
      const cache = createFetchCache();
      const first = await fetchPipelineContext(api, input(70), SETTINGS, { cache });
      const before = gitlab.requests.length;
      const second = await fetchPipelineContext(api, input(71), SETTINGS, { cache });
      const asked = gitlab.requests.slice(before).map((r) => r.path);
      expect(asked).not.toContain('/projects/5');
      expect(asked).not.toContain('/projects/5/languages');
      expect(asked).not.toContain('/projects/5/pipelines');
      expect(asked).not.toContain('/projects/5/jobs/601/trace');
      expect(asked).toContain('/projects/5/jobs/711/trace');
      expect(
        second.steps
          .filter((s) => s.source === 'cache')
          .map((s) => s.step)
          .sort(),
      ).toEqual(['baseline_pipelines:main', 'baseline_trace:601', 'jobs:5:60', 'languages', 'project']);
      expect(second.project).toEqual(first.project);
      expect(second.failed_jobs[0]?.baseline).toMatchObject({ job_id: 601, pipeline_id: 60, log: { text: GREEN_LOG.trimEnd() } });
    } finally {
      await gitlab.close();
    }
  });
});

describe('fetchPipelineContext on a self-managed instance under a sub-path', () => {
  it('works with a /gitlab prefix and a custom CI config path', async () => {
    const gitlab = await createFakeGitLab({
      basePath: '/gitlab',
      projects: [
        {
          id: 7,
          path_with_namespace: 'ops/deploy',
          ci_config_path: 'ci/pipeline.yml',
          files: { [SHA]: { 'ci/pipeline.yml': 'deploy:\n  script: ./deploy.sh\n' } },
          commits: [{ id: SHA, title: 'Deploy' }],
          pipelines: [
            {
              id: 3,
              sha: SHA,
              ref: 'main',
              jobs: [{ id: 31, name: 'deploy', stage: 'deploy', status: 'failed', trace: 'permission denied\n' }],
            },
          ],
        },
      ],
    });
    try {
      const api = createGitLabClient({ baseUrl: `${gitlab.baseUrl}/`, baseDelayMs: 1 });
      const ctx = await fetchPipelineContext(api, { project: { path: 'ops/deploy' }, pipelineId: 3 }, SETTINGS);
      expect(ctx.ci_config).toEqual({ path: 'ci/pipeline.yml', text: 'deploy:\n  script: ./deploy.sh', truncated: false });
      expect(ctx.failed_jobs[0]).toMatchObject({
        id: 31,
        definition: 'deploy:\n  script: ./deploy.sh',
        web_url: `${gitlab.baseUrl}/ops/deploy/-/jobs/31`,
      });
      expect(ctx.failed_jobs[0]?.log?.text).toBe('permission denied');
      expect(gitlab.requests.every((r) => r.path.startsWith('/projects/'))).toBe(true);
    } finally {
      await gitlab.close();
    }
  });
});
