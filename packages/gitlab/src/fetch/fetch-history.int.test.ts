import { createGitLabClient, type GitLabClient } from '../gitlab.client';
import { createFakeGitLab, type TFakeGitLab } from '../testing';
import { createFetchCache } from './fetch-cache';
import { createHistoryFetch } from './fetch-history';

/** The verdicts' GitLab history through the real client against the fake: answers, cache, budget. */
let gitlab: TFakeGitLab;
let client: GitLabClient;
const LIMITS = { maxBytes: 1024 * 1024, maxLines: 10_000 };
const sha = (n: number) => String(n).padStart(40, '0');

beforeAll(async () => {
  gitlab = await createFakeGitLab({
    projects: [
      {
        id: 5,
        path_with_namespace: 'acme/shop',
        default_branch: 'main',
        // main: 1 ← 2 ← 3 ← 4; topic forks at 2: 2 ← 9
        commits: [
          { id: sha(1), title: 'Root', parent_ids: [] },
          { id: sha(2), title: 'Cart: totals', author_name: 'Ada', parent_ids: [sha(1)], changed_files: ['src/cart.py'] },
          { id: sha(3), title: 'Docs', author_name: 'Bob', parent_ids: [sha(2)], changed_files: ['README.md'] },
          {
            id: sha(4),
            title: 'Pool: release on error',
            author_name: 'Cy',
            parent_ids: [sha(3)],
            changed_files: ['src/db/pool.py', 'tests/test_pool.py'],
          },
          {
            id: sha(5),
            title: 'Deploy with key AKIAIOSFODNN7EXAMPLE',
            author_name: 'Cy',
            parent_ids: [sha(4)],
            changed_files: ['deploy.sh'],
          },
          { id: sha(9), title: 'Topic work', parent_ids: [sha(2)], changed_files: ['src/topic.py'] },
        ],
        pipelines: [
          { id: 10, ref: 'main', sha: sha(2), status: 'success', jobs: [{ id: 100, name: 'test', status: 'success' }] },
          {
            id: 11,
            ref: 'main',
            sha: sha(3),
            status: 'failed',
            jobs: [{ id: 110, name: 'test', status: 'failed', trace: 'E   AssertionError\n', retryOutcome: { status: 'success' } }],
          },
          { id: 12, ref: 'main', sha: sha(4), status: 'running', jobs: [] },
          { id: 13, ref: 'topic', sha: sha(9), status: 'failed', jobs: [] },
        ],
      },
    ],
  });
  client = createGitLabClient({ baseUrl: gitlab.baseUrl, retries: 0 });
});
afterAll(() => gitlab.close());

const fetchOf = (maxRequests: number, cache = createFetchCache(), pipelineListTtlMs = 60_000) =>
  createHistoryFetch(client, { project: 5, projectId: 5, cache, maxRequests, logLimits: LIMITS, pipelineListTtlMs });

test('the newest finished pipelines of a branch and of a commit, newest first, cached for the next analysis', async () => {
  const cache = createFetchCache();
  const first = fetchOf(10, cache);
  expect((await first.finishedPipelinesOf('main'))?.map((p) => [p.id, p.status])).toEqual([
    [11, 'failed'],
    [10, 'success'],
  ]);
  expect((await first.finishedPipelinesAt(sha(9)))?.map((p) => p.id)).toEqual([13]);
  expect((await first.pipelineJobs(11))?.map((j) => [j.id, j.status, j.failureReason])).toEqual([[110, 'failed', 'script_failure']]);
  expect(await first.jobLog(110)).toBe('E   AssertionError');
  expect(first.budget).toMatchObject({ spent: 4, cached: 0, refused: 0 });
  const before = gitlab.requests.length;
  const second = fetchOf(10, cache);
  await second.finishedPipelinesOf('main');
  await second.pipelineJobs(11);
  expect(gitlab.requests.length).toBe(before);
  expect(second.budget).toMatchObject({ spent: 0, cached: 2 });
  expect(gitlab.requests.find((r) => r.path === '/projects/5/pipelines' && r.query.ref === 'main')?.query).toMatchObject({
    scope: 'finished',
    order_by: 'id',
    sort: 'desc',
    per_page: '5',
  });
});

test('with no pipeline list cache a branch is asked again by the next analysis; finished jobs stay cached', async () => {
  const cache = createFetchCache();
  await fetchOf(10, cache, 0).finishedPipelinesOf('main');
  await fetchOf(10, cache, 0).pipelineJobs(10);
  const again = fetchOf(10, cache, 0);
  await again.finishedPipelinesOf('main');
  await again.pipelineJobs(10);
  expect(again.budget).toMatchObject({ spent: 1, cached: 1 });
});

test('past its budget a history fetch asks nothing more and answers unknown', async () => {
  const history = fetchOf(2);
  const before = gitlab.requests.length;
  expect(await history.finishedPipelinesOf('main')).toHaveLength(2);
  expect(await history.pipelineJobs(10)).toHaveLength(1);
  expect(await history.pipelineJobs(11)).toBeUndefined();
  expect(gitlab.requests.length - before).toBe(2);
  expect(history.budget).toMatchObject({ limit: 2, spent: 2, refused: 1 });
});

test('commits between two shas, oldest first, with the files of the newest few; whether a commit contains another', async () => {
  const history = fetchOf(10);
  const commits = await history.commitsBetween(sha(1), sha(4), 2);
  expect(commits).toEqual([
    { sha: sha(2), title: 'Cart: totals', author: 'Ada', changedFiles: [] },
    { sha: sha(3), title: 'Docs', author: 'Bob', changedFiles: ['README.md'] },
    { sha: sha(4), title: 'Pool: release on error', author: 'Cy', changedFiles: ['src/db/pool.py', 'tests/test_pool.py'] },
  ]);
  expect(history.budget.spent).toBe(3);
  // One commit: its files come with the compare answer.
  expect(await history.commitsBetween(sha(3), sha(4), 2)).toEqual([
    { sha: sha(4), title: 'Pool: release on error', author: 'Cy', changedFiles: ['src/db/pool.py', 'tests/test_pool.py'] },
  ]);
  expect(history.budget.spent).toBe(4);
  expect(await history.contains(sha(4), sha(2))).toBe(true);
  expect(await history.contains(sha(9), sha(3))).toBe(false);
});

test('commit titles are masked before a verdict (or the cache) holds them', async () => {
  const history = createHistoryFetch(client, {
    project: 5,
    projectId: 5,
    cache: createFetchCache(),
    maxRequests: 10,
    logLimits: LIMITS,
    pipelineListTtlMs: 0,
    mask: (t) => t.replace('AKIAIOSFODNN7EXAMPLE', '[MASKED]'),
  });
  expect((await history.commitsBetween(sha(4), sha(5), 3))?.map((c) => c.title)).toEqual(['Deploy with key [MASKED]']);
});

test('an answer GitLab refuses is unknown, counted as failed, and not cached', async () => {
  const history = fetchOf(10);
  expect(await history.pipelineJobs(999)).toBeUndefined();
  expect(await history.contains(sha(4), 'f'.repeat(40))).toBeUndefined();
  expect(history.budget).toMatchObject({ spent: 2, failed: 2 });
});

test('a retried job is answered pending and then holds the outcome the test scripted', async () => {
  const retried = await client.retryJob(5, 110);
  expect(retried).toMatchObject({ name: 'test', status: 'pending' });
  expect(retried.id).not.toBe(110);
  expect(await client.getJob(5, retried.id)).toMatchObject({ status: 'success', pipeline: { id: 11 } });
  expect((await client.listPipelineJobs(5, 11, { includeRetried: true })).map((j) => [j.id, j.retried])).toEqual([
    [retried.id, false],
    [110, true],
  ]);
});
