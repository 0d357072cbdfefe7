import { createGitLabClient, type TGitLabClientOptions, type TGitLabRetryEvent } from './gitlab.client';
import { GitLabError } from './gitlab.errors';
import { createFakeGitLab, type TFakeGitLab } from './testing';

const TOKEN = 'glpat-test-secret-token-1234567890';
const FAST = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000 } as const;

function jobs(n: number, pipelineId: number) {
  return Array.from({ length: n }, (_, i) => ({
    id: pipelineId * 100 + i + 1,
    name: `job-${i + 1}`,
    status: i === 0 ? 'failed' : 'success',
  }));
}

describe('GitLabClient against a fake GitLab', () => {
  let gitlab: TFakeGitLab;
  const retries: TGitLabRetryEvent[] = [];
  const client = (extra: Partial<TGitLabClientOptions> = {}) =>
    createGitLabClient({ baseUrl: gitlab.baseUrl, token: TOKEN, ...FAST, onRetry: (e) => retries.push(e), ...extra });

  beforeAll(async () => {
    gitlab = await createFakeGitLab({
      token: TOKEN,
      maxPerPage: 3,
      projects: [
        {
          id: 42,
          path_with_namespace: 'acme/web',
          pipelines: [{ id: 7, jobs: jobs(8, 7) }],
          mergeRequests: [{ iid: 5, title: 'Add checkout' }],
        },
      ],
    });
  });
  afterAll(() => gitlab.close());
  beforeEach(() => {
    retries.length = 0;
    gitlab.requests.length = 0;
  });

  it('follows x-next-page across several pages', async () => {
    const list = await client().listPipelineJobs(42, 7);
    expect(list.map((j) => j.name).sort()).toEqual(
      jobs(8, 7)
        .map((j) => j.name)
        .sort(),
    );
    const pages = gitlab.requests.filter((r) => r.path === '/projects/42/pipelines/7/jobs').map((r) => r.query.page);
    expect(pages).toEqual(['1', '2', '3']);
  });

  it('sends PRIVATE-TOKEN and reaches projects by path', async () => {
    const project = await client().getProject('acme/web');
    expect(project.id).toBe(42);
    expect(gitlab.requests[0]).toMatchObject({ path: '/projects/acme%2Fweb', token: TOKEN });
  });

  it('follows the 301 GitLab answers for a project asked for by its old path', async () => {
    gitlab.fail({
      method: 'GET',
      path: '/projects/acme%2Fold-web',
      status: 301,
      headers: { location: `${gitlab.baseUrl}/api/v4/projects/42` },
      body: { message: '301 Moved Permanently' },
    });
    const project = await client().getProject('acme/old-web');
    expect(project).toMatchObject({ id: 42, path_with_namespace: 'acme/web' });
    expect(gitlab.requests.map((r) => r.path)).toEqual(['/projects/acme%2Fold-web', '/projects/42']);
  });

  it('waits what Retry-After asks on a 429, then succeeds', async () => {
    gitlab.fail({
      path: '/projects/42',
      status: 429,
      body: 'Retry later',
      headers: { 'Retry-After': '1', 'RateLimit-Limit': '600', 'RateLimit-Remaining': '0' },
    });
    const project = await client().getProject(42);
    expect(project.path_with_namespace).toBe('acme/web');
    expect(gitlab.countRequests('/projects/42')).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ status: 429, endpoint: '/projects/42', attempt: 1 });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
  });

  it('hands a long rate-limit wait up to the caller instead of blocking', async () => {
    gitlab.fail({ path: '/projects/42', status: 429, body: 'Retry later', headers: { 'Retry-After': '3600' } });
    const err = await client({ maxServerWaitMs: 10_000 })
      .getProject(42)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 3_600_000, transient: true });
    expect(gitlab.countRequests('/projects/42')).toBe(1);
  });

  it('retries a 500 then succeeds', async () => {
    gitlab.fail({ path: '/projects/42/pipelines/7', status: 500, times: 2 });
    const pipeline = await client().getPipeline(42, 7);
    expect(pipeline.id).toBe(7);
    expect(gitlab.countRequests('/projects/42/pipelines/7')).toBe(3);
    expect(retries.map((r) => r.status)).toEqual([500, 500]);
  });

  it('retries a dropped connection then succeeds', async () => {
    gitlab.fail({ path: '/projects/42/merge_requests/5', status: 0, hangUp: true });
    const mr = await client().getMergeRequest(42, 5);
    expect(mr.title).toBe('Add checkout');
    expect(gitlab.countRequests('/projects/42/merge_requests/5')).toBe(2);
  });

  it('times out a request that gets no answer, and retries it', async () => {
    gitlab.fail({ path: '/projects/42/pipelines/7', status: 0, stall: true, times: 1 });
    const pipeline = await client({ timeoutMs: 100 }).getPipeline(42, 7);
    expect(pipeline.id).toBe(7);
    expect(retries).toEqual([expect.objectContaining({ status: null, endpoint: '/projects/42/pipelines/7' })]);
  });

  it('reports a timeout once retries are spent', async () => {
    gitlab.fail({ path: '/projects/42/pipelines/7', status: 0, stall: true, times: 2 });
    const err = await client({ timeoutMs: 100, retries: 1 })
      .getPipeline(42, 7)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'timeout', status: null, transient: true, endpoint: '/projects/42/pipelines/7' });
  });

  it('gives up after the configured retries with a transient error', async () => {
    gitlab.fail({ path: '/projects/42/languages', status: 503, times: 10 });
    const err = await client({ retries: 2 })
      .getProjectLanguages(42)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitLabError);
    expect(err).toMatchObject({ code: 'server_error', status: 503, transient: true });
    expect(gitlab.countRequests('/projects/42/languages')).toBe(3);
  });

  it('does not retry 401 and says which endpoint failed', async () => {
    const err = await createGitLabClient({ baseUrl: gitlab.baseUrl, token: 'glpat-wrong-token-000000000000', ...FAST })
      .getProject(42)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unauthorized', status: 401, endpoint: '/projects/42', transient: false });
    expect(gitlab.countRequests('/projects/42')).toBe(1);
  });

  it('does not retry a 404 project and keeps the token out of the error', async () => {
    const err = (await client()
      .getProject('acme/missing')
      .catch((e: unknown) => e)) as GitLabError;
    expect(err).toBeInstanceOf(GitLabError);
    expect(err.code).toBe('not_found');
    expect(err.message).toBe('GitLab GET /projects/acme%2Fmissing failed: 404 (404 Project Not Found)');
    expect(gitlab.countRequests('/projects/acme%2Fmissing')).toBe(1);
    const everything = `${err.message} ${err.stack} ${JSON.stringify(err)} ${JSON.stringify(Object.entries(err))}`;
    expect(everything).not.toContain(TOKEN);
    expect(err.cause).toBeUndefined();
  });

  it('does not repeat a note creation that failed with a 500', async () => {
    gitlab.fail({ method: 'POST', path: '/projects/42/merge_requests/5/notes', status: 500 });
    await expect(client().createMergeRequestNote(42, 5, 'analysis')).rejects.toMatchObject({ code: 'server_error' });
    expect(gitlab.countRequests('/projects/42/merge_requests/5/notes', 'POST')).toBe(1);
    expect(gitlab.notes.get('42:5') ?? []).toHaveLength(0);
  });

  it('creates, lists and edits merge request notes, and posts commit comments', async () => {
    gitlab.fail({ method: 'POST', path: '/projects/42/merge_requests/5/notes', status: 429, headers: { 'Retry-After': '0' } });
    const api = client();
    const note = await api.createMergeRequestNote(42, 5, 'first');
    await api.updateMergeRequestNote(42, 5, note.id, 'edited');
    const notes = await api.listMergeRequestNotes(42, 5);
    expect(notes.map((n) => n.body)).toEqual(['edited']);
    gitlab.addProject({ id: 43, path_with_namespace: 'acme/api', commits: [{ id: 'c'.repeat(40) }] });
    const comment = await api.createCommitComment(43, 'c'.repeat(40), 'pipeline failed: see analysis');
    expect(comment.note).toBe('pipeline failed: see analysis');
    expect(await api.listCommitComments(43, 'c'.repeat(40))).toHaveLength(1);
  });

  it('refuses a JSON answer larger than maxJsonBytes without retrying', async () => {
    const err = await client({ maxJsonBytes: 200 })
      .listPipelineJobs(42, 7)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_response', transient: false });
    expect(gitlab.countRequests('/projects/42/pipelines/7/jobs')).toBe(1);
  });

  it('keeps no more than the concurrency limit in flight', async () => {
    const slow = await createFakeGitLab({ latencyMs: 30, projects: [{ id: 1, path_with_namespace: 'a/b' }] });
    try {
      const api = createGitLabClient({ baseUrl: slow.baseUrl, maxConcurrency: 2, ...FAST });
      await Promise.all(Array.from({ length: 8 }, () => api.getProject(1)));
      expect(slow.countRequests('/projects/1')).toBe(8);
      expect(slow.peakInFlight()).toBe(2);
    } finally {
      await slow.close();
    }
  });
});

describe('a self-managed instance under a sub-path', () => {
  let gitlab: TFakeGitLab;
  beforeAll(async () => {
    gitlab = await createFakeGitLab({
      basePath: '/gitlab',
      projects: [{ id: 9, path_with_namespace: 'platform/infra/deploy', pipelines: [{ id: 3 }] }],
    });
  });
  afterAll(() => gitlab.close());

  it.each([[''], ['/'], ['/api/v4'], ['/api/v4/']])('reaches /gitlab/api/v4 with the base URL ending in "%s"', async (suffix) => {
    const api = createGitLabClient({ baseUrl: `${gitlab.baseUrl}${suffix}`, ...FAST });
    expect(api.apiBase).toBe(`${gitlab.baseUrl}/api/v4`);
    const project = await api.getProject('platform/infra/deploy');
    expect(project.web_url).toBe(`${gitlab.baseUrl}/platform/infra/deploy`);
    expect((await api.getPipeline(9, 3)).id).toBe(3);
  });
});

describe('job traces', () => {
  let gitlab: TFakeGitLab;
  const MB = 1024 * 1024;
  const HEAD = 'Running with gitlab-runner 17.5.0\nPreparing the "docker" executor\n';
  const TAIL = 'npm ERR! code ELIFECYCLE\nERROR: Job failed: exit code 1\n';

  beforeAll(async () => {
    gitlab = await createFakeGitLab({
      projects: [
        {
          id: 5,
          path_with_namespace: 'acme/big',
          pipelines: [
            {
              id: 1,
              jobs: [
                {
                  id: 11,
                  name: 'test',
                  status: 'failed',
                  trace: { head: HEAD, repeat: 'PASS src/module.test.ts (1.2 s) with some padding\n', bytes: 50 * MB, tail: TAIL },
                },
              ],
            },
          ],
        },
      ],
    });
  });
  afterAll(() => gitlab.close());

  it('reads a 50 MB trace under a 10 MB limit keeping head and tail, and marks it cut', async () => {
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, ...FAST, timeoutMs: 20_000, maxJsonBytes: MB });
    const trace = await api.readJobTrace(5, 11, { maxBytes: 10 * MB, maxLines: 0 });
    expect(trace.totalBytes).toBe(50 * MB + Buffer.byteLength(HEAD) + Buffer.byteLength(TAIL));
    expect(trace.truncated).toBe(true);
    expect(trace.keptBytes).toBeLessThanOrEqual(10 * MB + 200);
    expect(trace.peakRetainedBytes).toBeLessThanOrEqual(10 * MB + 256 * 1024);
    expect(Buffer.byteLength(trace.text)).toBe(trace.keptBytes);
    expect(trace.text.startsWith(HEAD)).toBe(true);
    expect(trace.text.endsWith('ERROR: Job failed: exit code 1')).toBe(true);
    expect(trace.text).toMatch(/ci-analyst: \d+ lines \(\d+ bytes\) omitted/);
  });

  it('retries a trace that first failed with a 500', async () => {
    gitlab.requests.length = 0;
    gitlab.fail({ path: '/projects/5/jobs/11/trace', status: 500 });
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, ...FAST });
    const trace = await api.readJobTrace(5, 11, { maxBytes: 64 * 1024, maxLines: 0 });
    expect(trace.text.startsWith(HEAD)).toBe(true);
    expect(gitlab.countRequests('/projects/5/jobs/11/trace')).toBe(2);
  });

  it('cuts by lines too', async () => {
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, ...FAST, timeoutMs: 20_000 });
    const trace = await api.readJobTrace(5, 11, { maxBytes: 1 * MB, maxLines: 100 });
    expect(trace.keptLines).toBe(100);
    expect(trace.text.split('\n')[0]).toBe('Running with gitlab-runner 17.5.0');
    expect(trace.text.split('\n').pop()).toBe('ERROR: Job failed: exit code 1');
  });
});
