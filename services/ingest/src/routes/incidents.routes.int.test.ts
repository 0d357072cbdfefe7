import request from 'supertest';
import { ZAnalysisView, ZIncidentDetail, ZIncidentPage, type TJobVerdict } from '@cia/contracts';
import { seedFailedJob, seedFix, seedRetry, type TSeededFailedJob } from '../testing/incident-fixtures';
import { createTestApp, type TTestApp } from '../testing/test-app';

/** GET /incidents and GET /incidents/:id over incidents recorded the way the worker records them. */
const TOKEN = 'incidents-token';
const auth = { Authorization: `Bearer ${TOKEN}` };
const T0 = Date.parse('2026-05-04T08:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const SIG_SHARED = 'a11ce0000000000000000000000000aa';
const PAGED_PROJECT = 23;
const PAGED = 7;

let t: TTestApp;
const seen: Record<string, TSeededFailedJob> = {};
let paged: number[] = [];

beforeAll(async () => {
  t = await createTestApp('incidents_api', { API_TOKEN: TOKEN });
  const db = t.database.db;
  const api = { projectId: 21, projectPath: 'acme/api' };
  // A: red on main since pipeline 101, also failing in merge request !5.
  seen.a1 = await seedFailedJob(db, {
    ...api,
    pipelineId: 101,
    jobId: 1011,
    fingerprint: 'fp-a',
    signature: SIG_SHARED,
    title: 'expected 200, got 500',
    at: at(0),
    kind: 'caused_by_change',
  });
  seen.a2 = await seedFailedJob(db, {
    ...api,
    pipelineId: 102,
    jobId: 1021,
    fingerprint: 'fp-a',
    ref: 'feature/x',
    mergeRequestIid: 5,
    at: at(1),
    kind: 'already_failing',
    headline: 'Already failing on main since pipeline #101',
  });
  seen.a3 = await seedFailedJob(db, {
    ...api,
    pipelineId: 103,
    jobId: 1031,
    fingerprint: 'fp-a',
    at: at(2),
    kind: 'already_failing',
    headline: 'Still failing on main since pipeline #101',
  });
  // B: a lint failure only ever seen in a merge request.
  seen.b = await seedFailedJob(db, {
    ...api,
    pipelineId: 104,
    jobId: 1041,
    jobName: 'eslint',
    fingerprint: 'fp-b',
    category: 'lint',
    ref: 'topic',
    mergeRequestIid: 6,
    at: at(3),
  });
  // C: the same error text as A in another project, fixed on its main by pipeline 106.
  seen.c = await seedFailedJob(db, {
    projectId: 22,
    projectPath: 'acme/web',
    pipelineId: 105,
    jobId: 1051,
    fingerprint: 'fp-c',
    signature: SIG_SHARED,
    title: 'expected 200, got 500',
    at: at(4),
  });
  await seedFix(db, { projectId: 22, pipelineId: 106, sha: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1', jobNames: ['rspec'], at: at(5) });
  // Paging: pairs share their last seen, so the id tie-break is walked through HTTP.
  for (let i = 0; i < PAGED; i++) {
    const s = await seedFailedJob(db, {
      projectId: PAGED_PROJECT,
      projectPath: 'acme/paged',
      pipelineId: 200 + i,
      jobId: 2000 + i,
      fingerprint: `fp-paged-${i}`,
      at: at(-60 + Math.floor(i / 2)),
    });
    paged.push(s.incidentId);
  }
  paged = paged.reverse();
});

afterAll(async () => {
  await t?.close();
});

const ids = (body: { items: { id: number }[] }) => body.items.map((i) => i.id);
const get = (path: string) => request(t.app).get(path).set(auth);

describe('auth', () => {
  test.each([
    ['no Authorization header', {}],
    ['a wrong bearer token', { Authorization: 'Bearer nope' }],
    ['basic auth (the API is bearer only)', { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
  ])('answers 401 with the error body for %s', async (_name, headers) => {
    for (const path of ['/incidents', `/incidents/${seen.a1?.incidentId}`, '/incidents/999999']) {
      const res = await request(t.app).get(path).set(headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });
});

describe('GET /incidents', () => {
  test('lists incidents last seen first, in the documented shape', async () => {
    const res = await get('/incidents');
    expect(res.status).toBe(200);
    const page = ZIncidentPage.parse(res.body);
    expect(ids(page).slice(0, 3)).toEqual([seen.c?.incidentId, seen.b?.incidentId, seen.a1?.incidentId]);
    expect(page.items[2]).toMatchObject({
      project_id: 21,
      project_path: 'acme/api',
      job_name: 'rspec',
      occurrences: 3,
      status: 'open',
      title: 'expected 200, got 500',
      failing_since: { pipeline_id: 101 },
    });
    expect(page.items[0]).toMatchObject({
      status: 'fixed',
      fixed: { pipeline_id: 106, sha: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1' },
      failing_since: null,
    });
    expect(page.next_cursor).toBeNull();
  });

  test.each([
    ['project_id=21', () => [seen.b, seen.a1]],
    ['status=fixed', () => [seen.c]],
    ['status=open&project_id=21&category=lint', () => [seen.b]],
    ['project_id=21&on_default_branch=false', () => [seen.b]],
    ['project_id=21&on_default_branch=true', () => [seen.a1]],
    [`signature=${SIG_SHARED}`, () => [seen.c, seen.a1]],
    ['job_name=eslint', () => [seen.b]],
    ['since=2026-05-04T08:02:30Z', () => [seen.c, seen.b]],
  ])('filters: %s', async (query, expected) => {
    const res = await get(`/incidents?${query}`);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(expected().map((s) => s?.incidentId));
  });

  test('walking the pages with limit and cursor returns every incident once, last seen first, ties by id', async () => {
    const walked: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/incidents?project_id=${PAGED_PROJECT}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      walked.push(...ids(res.body));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(4);
    expect(walked).toEqual(paged);
  });

  test.each([
    ['status=closed', 'status'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['project_id=abc', 'project_id'],
    ['category=weather', 'category'],
    ['since=yesterday', 'since'],
    ['on_default_branch=maybe', 'on_default_branch'],
    ['signature=NOT-HEX', 'signature'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const res = await get(`/incidents?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'validation_failed', message: expect.stringContaining(field), field } });
  });
});

describe('GET /incidents/:id', () => {
  test('answers the incident with where it failed, its occurrences and verdicts, and the same error elsewhere', async () => {
    const res = await get(`/incidents/${seen.a1?.incidentId}`);
    expect(res.status).toBe(200);
    const incident = ZIncidentDetail.parse(res.body);
    expect(incident).toMatchObject({
      id: seen.a1?.incidentId,
      status: 'open',
      occurrences: 3,
      first_seen_at: at(0).toISOString(),
      last_seen_at: at(2).toISOString(),
      failing_since: { pipeline_id: 101, sha: '101'.padStart(40, 'a'), at: at(0).toISOString() },
      fixed: null,
      identity_lines: ['expected 200, got 500'],
      verdicts: { caused_by_change: 1, already_failing: 2 },
      merge_requests: [{ iid: 5, occurrences: 1 }],
    });
    expect(incident.refs.map((r) => [r.ref, r.on_default_branch, r.occurrences])).toEqual([
      ['main', true, 2],
      ['feature/x', false, 1],
    ]);
    expect(incident.recent_occurrences.map((o) => [o.pipeline_id, o.job_id, o.request_id, o.verdict.kind])).toEqual([
      [103, 1031, seen.a3?.requestId, 'already_failing'],
      [102, 1021, seen.a2?.requestId, 'already_failing'],
      [101, 1011, seen.a1?.requestId, 'caused_by_change'],
    ]);
    expect(incident.recent_occurrences[1]).toMatchObject({
      ref: 'feature/x',
      merge_request_iid: 5,
      on_default_branch: false,
      project_path: 'acme/api',
    });
    expect(incident.same_signature.map((i) => [i.id, i.project_id, i.status])).toEqual([[seen.c?.incidentId, 22, 'fixed']]);
  });

  test('a fixed incident names the pipeline and commit that fixed it', async () => {
    const res = await get(`/incidents/${seen.c?.incidentId}`);
    expect(res.body).toMatchObject({
      status: 'fixed',
      fixed: { pipeline_id: 106, sha: 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1', at: at(5).toISOString() },
      failing_since: null,
    });
    expect(res.body.same_signature.map((i: { id: number }) => i.id)).toEqual([seen.a1?.incidentId]);
  });

  test('each failed job of an analysis names its incident, and the id leads to it', async () => {
    const analysis = ZAnalysisView.parse((await get(`/analysis/${seen.a2?.requestId}`)).body);
    const verdict = analysis.result?.failed_jobs[0]?.verdict as TJobVerdict;
    expect(verdict).toMatchObject({ kind: 'already_failing', incident_id: seen.a2?.incidentId });
    const res = await get(`/incidents/${verdict.incident_id}`);
    expect(res.status).toBe(200);
    expect(res.body.recent_occurrences.map((o: { request_id: string }) => o.request_id)).toContain(seen.a2?.requestId);
  });

  test('answers 404 with the error body for an unknown id', async () => {
    const res = await get('/incidents/999999');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'no incident with id 999999' } });
  });

  test.each([['abc'], ['0'], ['-3'], ['1.5'], ['99999999999999999999']])('answers 400 naming id for /incidents/%s', async (id) => {
    const res = await get(`/incidents/${id}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', field: 'id' });
  });
});

describe('GET /analysis/stats/summary: verdicts and flaky retries', () => {
  beforeAll(async () => {
    const db = t.database.db;
    const flaky = {
      projectId: 24,
      projectPath: 'acme/flaky',
      fingerprint: 'fp-flaky',
      kind: 'likely_flaky' as const,
      headline: 'Likely flaky',
    };
    const confirmed: TJobVerdict = {
      kind: 'flaky_confirmed',
      headline: 'Flaky (retry passed)',
      evidence: [{ kind: 'retry', job_id: 9001, status: 'passed' }],
      safe_to_merge: true,
      retry_advised: false,
    };
    const refuted: TJobVerdict = {
      kind: 'caused_by_change',
      headline: 'Caused by this change',
      evidence: [{ kind: 'retry', job_id: 9002, status: 'failed' }],
      safe_to_merge: false,
      retry_advised: false,
    };
    await seedFailedJob(db, { ...flaky, pipelineId: 301, jobId: 3011, at: at(10) });
    await seedRetry(db, { projectId: 24, jobId: 3011 }, { jobId: 9001, status: 'passed' }, confirmed);
    await seedFailedJob(db, { ...flaky, pipelineId: 302, jobId: 3021, at: at(11) });
    await seedRetry(db, { projectId: 24, jobId: 3021 }, { jobId: 9002, status: 'failed' }, refuted);
    await seedFailedJob(db, { ...flaky, pipelineId: 303, jobId: 3031, at: at(12) });
    await seedRetry(db, { projectId: 24, jobId: 3031 }, { jobId: 9003, status: 'pending' });
    await seedFailedJob(db, { ...flaky, pipelineId: 304, jobId: 3041, at: at(13) });
    // A retried outage tests the platform, not a flaky suspicion.
    await seedFailedJob(db, {
      ...flaky,
      fingerprint: 'fp-outage',
      kind: 'infrastructure',
      headline: 'Infrastructure',
      pipelineId: 305,
      jobId: 3051,
      at: at(14),
    });
    await seedRetry(db, { projectId: 24, jobId: 3051 }, { jobId: 9005, status: 'passed' });
  });

  test('counts verdicts by kind and how flaky suspicions fared when retried', async () => {
    const res = await get('/analysis/stats/summary?project_id=24');
    expect(res.status).toBe(200);
    expect(res.body.verdicts).toEqual({
      jobs: 5,
      by_kind: { flaky_confirmed: 1, caused_by_change: 1, likely_flaky: 2, infrastructure: 1 },
      flaky: { suspected: 4, retried: 3, pending: 1, confirmed: 1, refuted: 1, confirmed_share: 0.5 },
    });
  });

  test('follows the summary filters and says null before any retry finished', async () => {
    const res = await get('/analysis/stats/summary?project_id=21');
    expect(res.body.verdicts).toEqual({
      jobs: 4,
      by_kind: { caused_by_change: 2, already_failing: 2 },
      flaky: { suspected: 0, retried: 0, pending: 0, confirmed: 0, refuted: 0, confirmed_share: null },
    });
  });
});
