import { replaceJobVerdict } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createGitLabClient } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import type { TJobFinding } from '@cia/contracts';
import { deliverAnalysis, type TPostbackDeps } from './deliver-analysis';
import { noteMarker } from './note-marker';
import { PROJECT, SHA_MR, postbackSettings, sampleResult, seedAnalysis, verdictOf } from './testing/postback-fixtures';

let database: TTestDatabase;
let fake: TFakeGitLab;
let deps: TPostbackDeps;

const notesOf = (iid: number) => fake.notes.get(`${PROJECT.id}:${iid}`) ?? [];

/** A merge request pipeline GitLab knows, and its completed analysis whose one failed job (id × 10) got `verdict`. */
async function analysedWith(iid: number, pipelineId: number, verdict: TJobFinding['verdict']) {
  fake.addPipeline(PROJECT.id, {
    id: pipelineId,
    ref: `refs/merge-requests/${iid}/head`,
    sha: SHA_MR,
    status: 'failed',
    source: 'merge_request_event',
  });
  const job = { job_id: pipelineId * 10, name: 'install', stage: 'build', excerpt: [{ line: 12, text: 'npm ERR! code ERESOLVE' }] };
  const result = sampleResult({ failed_jobs: [{ ...job, findings: ['peer dependency conflict on react'], verdict }] });
  return seedAnalysis(database.db, { id: pipelineId, merge_request_iid: iid }, { result });
}

/** The note's lines after the marker and the heading. */
function bodyLines(iid: number): string[] {
  const [note] = notesOf(iid);
  const lines = (note?.body ?? '').split('\n');
  expect(lines[0]).toBe(noteMarker({ kind: 'mr', iid }));
  expect(lines[1]).toMatch(/^### :x: \[pipeline #\d+\]/);
  return lines.slice(3);
}

beforeAll(async () => {
  database = await createTestDatabase('postback_verdict');
  fake = await createFakeGitLab({
    projects: [{ id: PROJECT.id, path_with_namespace: PROJECT.path, mergeRequests: [{ iid: 1 }, { iid: 2 }] }],
  });
  deps = {
    db: database.db,
    gitlab: createGitLabClient({ baseUrl: fake.baseUrl, retries: 1, baseDelayMs: 1 }),
    settings: postbackSettings({ gitlabBaseUrl: fake.baseUrl }),
  };
});

afterAll(async () => {
  await fake?.close();
  await database?.drop();
});

test('the note posted on the merge request starts with the verdict, then the root cause', async () => {
  const row = await analysedWith(
    1,
    901,
    verdictOf('already_failing', 'Already failing on main since pipeline #7002 (commit 96fa3da9): not caused by this change'),
  );
  await expect(deliverAnalysis(deps, { request_id: row.requestId, channel: 'gitlab' }, 'd-1')).resolves.toMatchObject({
    action: 'created',
  });
  const lines = bodyLines(1);
  expect(lines[0]).toBe('**Already failing on main since pipeline #\u200b7002 (commit 96fa3da9)**: not caused by this change');
  expect(lines[2]).toMatch(/^\*\*Root cause:\*\* /);
});

test('a re-post after the verdict changed (a retry passed) replaces the verdict line in the same note', async () => {
  const row = await analysedWith(
    2,
    902,
    verdictOf('likely_flaky', 'Likely flaky: failed and passed on this commit (2 failures, 1 pass)', { retry_advised: true }),
  );
  await deliverAnalysis(deps, { request_id: row.requestId, channel: 'gitlab' }, 'd-2');
  expect(bodyLines(2)[0]).toBe('**Likely flaky**: failed and passed on this commit (2 failures, 1 pass), retry the job');

  // The seeded analysis has no incident occurrence (id 0 matches none): only its stored result changes.
  await replaceJobVerdict(
    database.db,
    { id: 0, analysisId: row.id, jobId: 9020 },
    verdictOf('flaky_confirmed', 'Flaky (retry passed)', { safe_to_merge: true }),
  );
  await expect(deliverAnalysis(deps, { request_id: row.requestId, channel: 'gitlab' }, 'd-3')).resolves.toMatchObject({
    action: 'updated',
  });
  expect(notesOf(2)).toHaveLength(1);
  const lines = bodyLines(2);
  expect(lines[0]).toBe('**Flaky (retry passed)**: safe to merge');
  expect(notesOf(2)[0]?.body).not.toContain('Likely flaky');
});
