import { claimPostedNote, findPostedNote, type TAnalysisRow } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createGitLabClient, type GitLabClient } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import type { TAnalysisResult } from '@cia/contracts';
import { noteMarker } from './note-marker';
import { markNoteFixed, NoteBusyError, postAnalysisNote, type TNoteDeps } from './post-note';
import { PROJECT, SHA_ALONE, SHA_MR, postbackSettings, sampleResult, seedAnalysis } from './testing/postback-fixtures';

const SHA_BRANCH = 'c3'.repeat(20);
let database: TTestDatabase;
let fake: TFakeGitLab;
let gitlab: GitLabClient;
let deps: TNoteDeps;
let nextPipeline = 100;

const notesOf = (iid: number) => fake.notes.get(`${PROJECT.id}:${iid}`) ?? [];
const createdOn = (iid: number) => fake.countRequests(`/projects/1/merge_requests/${iid}/notes`, 'POST');

type TPipelineSpec = { mr?: number; sha?: string; ref?: string; source?: string; tag?: boolean; status?: string };

/** A pipeline GitLab knows: a merge request pipeline of `mr` (its ref says so), else a branch pipeline. */
function gitlabPipeline(spec: TPipelineSpec = {}): number {
  const id = nextPipeline++;
  const ref = spec.mr ? `refs/merge-requests/${spec.mr}/head` : (spec.ref ?? 'feature');
  fake.addPipeline(PROJECT.id, {
    id,
    ref,
    sha: spec.sha ?? SHA_MR,
    status: spec.status ?? 'failed',
    source: spec.source ?? (spec.mr ? 'merge_request_event' : 'push'),
    tag: spec.tag,
  });
  return id;
}

/** A failed pipeline GitLab knows and its completed analysis, as the worker stores it (trigger facts included). */
function failed(spec: TPipelineSpec = {}, options: { result?: TAnalysisResult } = {}): Promise<TAnalysisRow> {
  const id = gitlabPipeline(spec);
  return seedAnalysis(
    database.db,
    { id, sha: spec.sha ?? SHA_MR, merge_request_iid: spec.mr ?? null, ref: spec.ref ?? 'feature' },
    options,
  );
}

const passed = (spec: TPipelineSpec = {}) => gitlabPipeline({ ...spec, status: 'success' });

beforeAll(async () => {
  database = await createTestDatabase('postback_note');
  fake = await createFakeGitLab({
    projects: [
      {
        id: PROJECT.id,
        path_with_namespace: PROJECT.path,
        commits: [{ id: SHA_MR }, { id: SHA_ALONE }, { id: SHA_BRANCH }],
        mergeRequests: [
          { iid: 1 },
          { iid: 2 },
          { iid: 3 },
          { iid: 4 },
          { iid: 5 },
          { iid: 6 },
          { iid: 7 },
          { iid: 8 },
          { iid: 9, shas: [SHA_BRANCH] },
          { iid: 10 },
          { iid: 11 },
          { iid: 12 },
        ],
      },
    ],
  });
  gitlab = createGitLabClient({ baseUrl: fake.baseUrl, retries: 1, baseDelayMs: 1 });
  deps = { db: database.db, gitlab, settings: postbackSettings({ gitlabBaseUrl: fake.baseUrl }) };
});

afterAll(async () => {
  await fake?.close();
  await database?.drop();
});

test('the first failure of a merge request pipeline posts one note with the hidden marker and the results link', async () => {
  const row = await failed({ mr: 1 });
  await expect(postAnalysisNote(deps, row)).resolves.toMatchObject({ action: 'created', target: 'mr-1' });
  const notes = notesOf(1);
  expect(notes).toHaveLength(1);
  expect(notes[0]?.body.startsWith(noteMarker({ kind: 'mr', iid: 1 }))).toBe(true);
  expect(notes[0]?.body).toContain(`https://ci-analyst.example/ui/analyses/${row.requestId}`);
  expect(await findPostedNote(database.db, { projectId: 1, target: 'mr-1' })).toMatchObject({
    noteId: notes[0]?.id,
    state: 'failing',
    analysisId: row.id,
  });
});

test('a re-run that fails again edits the existing note instead of adding one', async () => {
  const first = await failed({ mr: 2 });
  await postAnalysisNote(deps, first);
  const rerun = await failed(
    { mr: 2 },
    { result: sampleResult({ root_cause: 'the lockfile is out of date', fingerprint: 'fp-lockfile' }) },
  );
  await expect(postAnalysisNote(deps, rerun)).resolves.toMatchObject({ action: 'updated' });
  expect(createdOn(2)).toBe(1);
  expect(notesOf(2)).toHaveLength(1);
  expect(notesOf(2)[0]?.body).toContain('the lockfile is out of date');
  expect(notesOf(2)[0]?.body).toContain(`pipeline #${rerun.pipelineId}`);
});

test('identical failures across many pipelines of one merge request keep one note', async () => {
  for (let i = 0; i < 5; i++) await postAnalysisNote(deps, await failed({ mr: 3 }));
  expect(createdOn(3)).toBe(1);
  expect(notesOf(3)).toHaveLength(1);
  expect(fake.countRequests(/\/merge_requests\/3\/notes\/\d+$/, 'PUT')).toBe(4);
});

test('a passing pipeline turns the note into "fixed"; a success older than the failure shown is ignored', async () => {
  const older = passed({ mr: 4 });
  const row = await failed({ mr: 4 });
  await postAnalysisNote(deps, row);
  await expect(markNoteFixed(deps, { project_id: 1, pipeline_id: older, merge_request_iid: 4 })).resolves.toEqual([
    expect.objectContaining({ action: 'skipped' }),
  ]);
  expect(notesOf(4)[0]?.body).not.toContain('Fixed');

  const green = passed({ mr: 4 });
  await expect(markNoteFixed(deps, { project_id: 1, pipeline_id: green, merge_request_iid: 4 })).resolves.toEqual([
    expect.objectContaining({ action: 'updated', target: 'mr-4' }),
  ]);
  const body = notesOf(4)[0]?.body ?? '';
  expect(body.startsWith(noteMarker({ kind: 'mr', iid: 4 }))).toBe(true);
  expect(body).toContain(`Fixed: [pipeline #${green}](${fake.baseUrl}/${PROJECT.path}/-/pipelines/${green}) passed`);
  expect(await findPostedNote(database.db, { projectId: 1, target: 'mr-4' })).toMatchObject({ state: 'fixed' });
  // A second success changes nothing more.
  await expect(markNoteFixed(deps, { project_id: 1, pipeline_id: passed({ mr: 4 }), merge_request_iid: 4 })).resolves.toEqual([
    expect.objectContaining({ action: 'skipped', reason: 'note is fixed' }),
  ]);
  expect(notesOf(4)).toHaveLength(1);
});

test('a retried job turned the pipeline shown green: posting its analysis again (a verdict decided again) leaves "fixed"', async () => {
  const row = await failed({ mr: 12 });
  await postAnalysisNote(deps, row);
  await markNoteFixed(deps, { project_id: 1, pipeline_id: row.pipelineId, merge_request_iid: 12 });
  await expect(postAnalysisNote(deps, row)).resolves.toMatchObject({
    action: 'skipped',
    reason: `the note already says fixed by pipeline ${row.pipelineId}`,
  });
  expect(notesOf(12)[0]?.body).toContain(`Fixed: [pipeline #${row.pipelineId}]`);
  expect(await findPostedNote(database.db, { projectId: 1, target: 'mr-12' })).toMatchObject({ state: 'fixed' });
});

test('an older pipeline failing after the fix does not reopen the note; a newer one does', async () => {
  const first = await failed({ mr: 11 });
  const between = gitlabPipeline({ mr: 11 });
  await postAnalysisNote(deps, first);
  await markNoteFixed(deps, { project_id: 1, pipeline_id: passed({ mr: 11 }), merge_request_iid: 11 });
  const late = await seedAnalysis(database.db, { id: between, merge_request_iid: 11 });
  await expect(postAnalysisNote(deps, late)).resolves.toMatchObject({ action: 'skipped' });
  expect(await findPostedNote(database.db, { projectId: 1, target: 'mr-11' })).toMatchObject({ state: 'fixed' });
  const newer = await failed({ mr: 11 });
  await expect(postAnalysisNote(deps, newer)).resolves.toMatchObject({ action: 'updated' });
  expect(await findPostedNote(database.db, { projectId: 1, target: 'mr-11' })).toMatchObject({
    state: 'failing',
    pipelineId: newer.pipelineId,
  });
  expect(notesOf(11)).toHaveLength(1);
});

test("a branch pipeline of the merge request's source branch posts on that merge request", async () => {
  const row = await failed({ sha: SHA_BRANCH, ref: 'feature' });
  await expect(postAnalysisNote(deps, row)).resolves.toMatchObject({ action: 'created', target: 'mr-9' });
  expect(notesOf(9)).toHaveLength(1);
  await expect(
    markNoteFixed(deps, { project_id: 1, pipeline_id: passed({ sha: SHA_BRANCH, ref: 'feature' }), sha: SHA_BRANCH }),
  ).resolves.toEqual([expect.objectContaining({ action: 'updated', target: 'mr-9' })]);
});

test('without a merge request the analysis becomes one commit comment, never repeated', async () => {
  const row = await failed({ sha: SHA_ALONE });
  await expect(postAnalysisNote(deps, row)).resolves.toMatchObject({ action: 'created', target: `commit-${SHA_ALONE}` });
  const again = await failed({ sha: SHA_ALONE });
  await expect(postAnalysisNote(deps, again)).resolves.toMatchObject({ action: 'skipped' });
  const comments = fake.commitComments.get(`1:${SHA_ALONE}`) ?? [];
  expect(comments).toHaveLength(1);
  expect(comments[0]?.note.startsWith(noteMarker({ kind: 'commit', sha: SHA_ALONE }))).toBe(true);
});

test('a note the database does not know is found by its marker and edited, not duplicated', async () => {
  const now = new Date().toISOString();
  fake.notes.set('1:5', [
    { id: 9001, body: 'LGTM', created_at: now, updated_at: now, author: 'alice' },
    { id: 9002, body: `${noteMarker({ kind: 'mr', iid: 5 })}\nold analysis`, created_at: now, updated_at: now },
  ]);
  const row = await failed({ mr: 5 });
  await expect(postAnalysisNote(deps, row)).resolves.toMatchObject({ action: 'updated', noteId: 9002 });
  expect(createdOn(5)).toBe(0);
  expect(notesOf(5).find((n) => n.id === 9001)?.body).toBe('LGTM');
});

test('a note deleted by someone is posted again on the next failure', async () => {
  await postAnalysisNote(deps, await failed({ mr: 6 }));
  fake.notes.set('1:6', []);
  await expect(postAnalysisNote(deps, await failed({ mr: 6 }))).resolves.toMatchObject({ action: 'created' });
  expect(notesOf(6)).toHaveLength(1);
});

test('secrets in the analysis and our own token never reach GitLab', async () => {
  const planted = 'AKIAIOSFODNN7EXAMPLE';
  const own = 'glpat-OwnTokenOwnToken1234567';
  const result = sampleResult({
    root_cause: `the job printed ${planted} and token ${own}`,
    solutions: [
      { title: 'Rotate', steps: [`export PASSWORD=hunter2hunter2`], commands: [`aws configure set aws_access_key_id ${planted}`] },
    ],
  });
  const row = await failed({ mr: 7 }, { result });
  await postAnalysisNote({ ...deps, settings: postbackSettings({ gitlabBaseUrl: fake.baseUrl, maskValues: [own] }) }, row);
  const sent = JSON.stringify(fake.requests.filter((r) => r.method !== 'GET').map((r) => r.body));
  expect(sent).toContain('[MASKED:');
  expect(sent).not.toContain(planted);
  expect(sent).not.toContain(own);
  expect(sent).not.toContain('hunter2hunter2');
});

test('while another job holds the claim for a merge request, a second job is told to retry instead of posting', async () => {
  const a = await failed({ mr: 8 });
  const b = await failed({ mr: 8 });
  // Job A took the claim and is still talking to GitLab.
  expect(await claimPostedNote(database.db, { projectId: 1, target: 'mr-8', analysisId: a.id, fingerprint: a.fingerprint })).toBe(true);
  await expect(postAnalysisNote(deps, b)).rejects.toBeInstanceOf(NoteBusyError);
  expect(createdOn(8)).toBe(0);
  await expect(postAnalysisNote(deps, a)).resolves.toMatchObject({ action: 'created' });
  // B's retry edits A's note; A's analysis (the older pipeline) then no longer overwrites B's.
  await expect(postAnalysisNote(deps, b)).resolves.toMatchObject({ action: 'updated' });
  await expect(postAnalysisNote(deps, a)).resolves.toMatchObject({ action: 'skipped' });
  expect(notesOf(8)).toHaveLength(1);
});

test('two jobs racing for one merge request end with a single note whatever the interleaving', async () => {
  const a = await failed({ mr: 10 });
  const b = await failed({ mr: 10 });
  const outcomes = await Promise.allSettled([postAnalysisNote(deps, a), postAnalysisNote(deps, b)]);
  for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(NoteBusyError);
  expect(createdOn(10)).toBe(1);
  expect(notesOf(10)).toHaveLength(1);
});
