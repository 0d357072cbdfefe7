import { findPostedNote } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createGitLabClient, type GitLabClient } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { deliverAnalysis } from './deliver-analysis';
import { markNoteFixed, postAnalysisNote, type TNoteDeps } from './post-note';
import { postbackSettings, seedAnalysis } from './testing/postback-fixtures';

/**
 * Where notes go and what they link to is decided by what GitLab says, never by what a trigger
 * (a webhook anyone could have forged before GITLAB_WEBHOOK_SECRET was required) claimed.
 */
const APP = { id: 1, path: 'group/app' };
const VICTIM = { id: 2, path: 'victim/repo' };
const SHA_IN_MR = 'e5'.repeat(20);
const SHA_OTHER = 'f6'.repeat(20);
let database: TTestDatabase;
let fake: TFakeGitLab;
let gitlab: GitLabClient;
let deps: TNoteDeps;
let nextPipeline = 3000;

beforeAll(async () => {
  database = await createTestDatabase('postback_forged');
  fake = await createFakeGitLab({
    projects: [
      {
        id: APP.id,
        path_with_namespace: APP.path,
        commits: [{ id: SHA_IN_MR }, { id: SHA_OTHER }],
        mergeRequests: [{ iid: 21, source_branch: 'feature', shas: [SHA_IN_MR] }, { iid: 22 }],
      },
      { id: VICTIM.id, path_with_namespace: VICTIM.path, commits: [{ id: SHA_IN_MR }], mergeRequests: [{ iid: 1, shas: [SHA_IN_MR] }] },
    ],
  });
  gitlab = createGitLabClient({ baseUrl: fake.baseUrl, retries: 1, baseDelayMs: 1 });
  deps = { db: database.db, gitlab, settings: postbackSettings({ gitlabBaseUrl: fake.baseUrl, projects: [APP.path] }) };
});

afterAll(async () => {
  await fake?.close();
  await database?.drop();
});

function addPipeline(projectId: number, spec: { ref: string; sha: string; source?: string; tag?: boolean; status?: string }): number {
  const id = nextPipeline++;
  fake.addPipeline(projectId, { id, status: 'failed', source: 'push', ...spec });
  return id;
}

test('the allow list is checked against the project GitLab names, not the path the trigger claimed', async () => {
  const id = addPipeline(VICTIM.id, { ref: 'refs/merge-requests/1/head', sha: SHA_IN_MR, source: 'merge_request_event' });
  // The stored project says "group/app" (allowed); GitLab says project 2 is victim/repo.
  const row = await seedAnalysis(database.db, { id, merge_request_iid: 1 }, { project: { id: VICTIM.id, path: APP.path } });
  await expect(deliverAnalysis(deps, { request_id: row.requestId, channel: 'gitlab' }, 'd1')).resolves.toMatchObject({
    action: 'skipped',
    reason: 'project not in POSTBACK_PROJECTS',
  });
  expect(fake.notes.get(`${VICTIM.id}:1`) ?? []).toEqual([]);
  expect(fake.countRequests(`/projects/${VICTIM.id}`, 'GET')).toBeGreaterThan(0);
});

test('links in the note are built from GITLAB_BASE_URL and ids, never from URLs the trigger carried', async () => {
  const id = addPipeline(APP.id, { ref: 'refs/merge-requests/22/head', sha: SHA_OTHER, source: 'merge_request_event' });
  const row = await seedAnalysis(
    database.db,
    { id, merge_request_iid: 22, url: 'https://phish.example/group/app/-/pipelines/1' },
    { project: { id: APP.id, path: APP.path, web_url: 'https://phish.example/group/app' } },
  );
  await expect(postAnalysisNote(deps, row)).resolves.toMatchObject({ action: 'created', target: 'mr-22' });
  const body = fake.notes.get(`${APP.id}:22`)?.[0]?.body ?? '';
  expect(body).not.toContain('phish.example');
  expect(body).not.toContain('gitlab.example/jobs');
  expect(body).toContain(`](${fake.baseUrl}/group/app/-/pipelines/${id})`);
  expect(body).toContain(`[install](${fake.baseUrl}/group/app/-/jobs/${id * 10})`);
});

test.each([
  ['a tag pipeline', { ref: 'v1.2.0', tag: true }],
  ['a scheduled pipeline', { ref: 'feature', source: 'schedule' }],
  ['a branch pipeline of another branch', { ref: 'main' }],
])('%s whose commit is in an open merge request gets a commit comment, not a note on that merge request', async (_name, spec) => {
  const id = addPipeline(APP.id, { sha: SHA_IN_MR, ...spec });
  const row = await seedAnalysis(database.db, { id, sha: SHA_IN_MR, ref: spec.ref, merge_request_iid: null });
  await expect(postAnalysisNote(deps, row)).resolves.toMatchObject({ target: `commit-${SHA_IN_MR}` });
  expect(fake.notes.get(`${APP.id}:21`) ?? []).toEqual([]);
});

test('a merge request the trigger names for a branch pipeline is not taken on its word', async () => {
  const id = addPipeline(APP.id, { ref: 'feature', sha: SHA_IN_MR });
  // Claims merge request 22; GitLab says it is a branch pipeline of merge request 21's source branch.
  const row = await seedAnalysis(database.db, { id, sha: SHA_IN_MR, ref: 'feature', merge_request_iid: 22 });
  await expect(postAnalysisNote(deps, row)).resolves.toMatchObject({ action: 'created', target: 'mr-21' });
  expect(fake.notes.get(`${APP.id}:21`)).toHaveLength(1);
});

test('a pipeline GitLab does not know is never posted', async () => {
  const row = await seedAnalysis(database.db, { id: 999_999, merge_request_iid: 22 });
  await expect(postAnalysisNote(deps, row)).resolves.toMatchObject({ action: 'skipped', reason: 'pipeline 999999 is unknown to GitLab' });
});

test('a tag pipeline passing does not turn a merge request note into "fixed"', async () => {
  const failing = addPipeline(APP.id, { ref: 'feature', sha: SHA_IN_MR });
  await postAnalysisNote(deps, await seedAnalysis(database.db, { id: failing, sha: SHA_IN_MR, ref: 'feature', merge_request_iid: null }));
  expect(await findPostedNote(database.db, { projectId: APP.id, target: 'mr-21' })).toMatchObject({ state: 'failing' });
  const tag = addPipeline(APP.id, { ref: 'v1.3.0', sha: SHA_IN_MR, tag: true, status: 'success' });
  await expect(markNoteFixed(deps, { project_id: APP.id, pipeline_id: tag, ref: 'v1.3.0', sha: SHA_IN_MR })).resolves.toEqual([
    expect.objectContaining({ action: 'skipped' }),
  ]);
  expect(await findPostedNote(database.db, { projectId: APP.id, target: 'mr-21' })).toMatchObject({ state: 'failing' });
});
