import request from 'supertest';
import { seedFailedJob, seedFix, seedRetry, type TSeededFailedJob } from '../testing/incident-fixtures';
import { createTestApp, type TTestApp } from '../testing/test-app';

/** The incidents pages and the incident links of the results page, rendered over incidents recorded as the worker records them. */
const TOKEN = 'incident-pages-token';
const basicAuth = { Authorization: `Basic ${Buffer.from(`someone:${TOKEN}`).toString('base64')}` };
const at = (minutes: number) => new Date(Date.parse('2026-06-01T12:00:00Z') + minutes * 60_000);
const HOSTILE_TITLE = 'TypeError: <img src=x onerror=alert(1)> is not a function';
let t: TTestApp;
const seen: Record<string, TSeededFailedJob> = {};

beforeAll(async () => {
  t = await createTestApp('incident_pages', { API_TOKEN: TOKEN });
  const db = t.database.db;
  seen.main = await seedFailedJob(db, {
    projectId: 31,
    projectPath: 'acme/api',
    pipelineId: 401,
    jobId: 4011,
    fingerprint: 'fp-main',
    title: HOSTILE_TITLE,
    at: at(0),
  });
  seen.mr = await seedFailedJob(db, {
    projectId: 31,
    projectPath: 'acme/api',
    pipelineId: 402,
    jobId: 4021,
    fingerprint: 'fp-main',
    ref: 'feature/y',
    mergeRequestIid: 7,
    kind: 'already_failing',
    headline: 'Already failing on main since pipeline #401',
    at: at(1),
  });
  seen.fixed = await seedFailedJob(db, {
    projectId: 32,
    projectPath: 'acme/web',
    pipelineId: 403,
    jobId: 4031,
    fingerprint: 'fp-fixed',
    title: 'Cannot find module ./router',
    at: at(2),
  });
  await seedFix(db, { projectId: 32, pipelineId: 404, sha: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0', jobNames: ['rspec'], at: at(3) });
  // A project path that is no GitLab path (payloads are hostile): its pages are shown, never linked.
  seen.odd = await seedFailedJob(db, {
    projectId: 33,
    projectPath: 'javascript:alert(1)//x',
    pipelineId: 405,
    jobId: 4051,
    fingerprint: 'fp-odd',
    at: at(4),
    kind: 'likely_flaky',
    headline: 'Likely flaky',
  });
  await seedRetry(
    db,
    { projectId: 33, jobId: 4051 },
    { jobId: 9051, status: 'passed' },
    {
      kind: 'flaky_confirmed',
      headline: 'Flaky (retry passed)',
      evidence: [{ kind: 'retry', job_id: 9051, status: 'passed' }],
      safe_to_merge: true,
      retry_advised: false,
    },
  );
});

afterAll(async () => {
  await t?.close();
});

const page = (path: string) => request(t.app).get(path).set(basicAuth);

test.each([['/ui/incidents'], ['/ui/incidents/1']])('%s answers 401 with a basic-auth challenge without the token', async (path) => {
  const res = await request(t.app).get(path);
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
});

test('the list shows incidents last seen first, escaped, linked to their pages, with the no-script policy', async () => {
  const res = await page('/ui/incidents');
  expect(res.status).toBe(200);
  expect(res.headers['content-security-policy']).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
  expect(res.headers['x-frame-options']).toBe('DENY');
  const hrefs = [...res.text.matchAll(/href="(\/ui\/incidents\/\d+)"/g)].map((m) => m[1]);
  expect(hrefs).toEqual([seen.odd, seen.fixed, seen.main].map((s) => `/ui/incidents/${s?.incidentId}`));
  expect(res.text).toContain('TypeError: &lt;img src=x onerror=alert(1)&gt; is not a function');
  expect(res.text).not.toContain('<img src=x');
  expect(res.text).toContain('open · red on default branch');
});

test('the list filters by status and project, and answers a bad filter with a 400 page', async () => {
  const fixed = await page('/ui/incidents?status=fixed&project_id=');
  expect([...fixed.text.matchAll(/href="\/ui\/incidents\/(\d+)"/g)].map((m) => Number(m[1]))).toEqual([seen.fixed?.incidentId]);
  const project = await page('/ui/incidents?project_id=31');
  expect([...project.text.matchAll(/href="\/ui\/incidents\/(\d+)"/g)].map((m) => Number(m[1]))).toEqual([seen.main?.incidentId]);
  const bad = await page('/ui/incidents?status=closed');
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('Bad filter');
  const cursor = await page('/ui/incidents?cursor=garbage');
  expect(cursor.status).toBe(303);
});

test('an incident page shows the red streak, occurrences with verdicts, GitLab links built from GITLAB_BASE_URL and ids, and the analyses', async () => {
  const res = await page(`/ui/incidents/${seen.main?.incidentId}`);
  expect(res.status).toBe(200);
  expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
  expect(res.text).toContain('Red on the default branch');
  expect(res.text).toContain('href="https://gitlab.example.com/acme/api/-/pipelines/401"');
  expect(res.text).toContain('href="https://gitlab.example.com/acme/api/-/jobs/4021"');
  expect(res.text).toContain(`href="/ui/analyses/${seen.mr?.requestId}"`);
  expect(res.text).toContain('Already failing on main since pipeline #401');
  expect(res.text).toContain('!7');
  expect(res.text).not.toContain('<img src=x');
});

test('a fixed incident names the pipeline and commit that fixed it', async () => {
  const res = await page(`/ui/incidents/${seen.fixed?.incidentId}`);
  expect(res.text).toMatch(
    /Fixed<\/strong> on the default branch by <a href="https:\/\/gitlab\.example\.com\/acme\/web\/-\/pipelines\/404"[^>]*>pipeline #404<\/a> \(commit <code>b0b0b0b0<\/code>\)/,
  );
});

test('an incident of a project whose path is no GitLab path links nowhere outside, and shows its retry', async () => {
  const res = await page(`/ui/incidents/${seen.odd?.incidentId}`);
  expect(res.status).toBe(200);
  expect([...res.text.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).filter((h) => !h?.startsWith('/'))).toEqual([]);
  expect(res.text).toContain('Flaky (retry passed) · retry passed');
});

test.each([['999999'], ['abc'], ['0']])('/ui/incidents/%s answers a 404 page', async (id) => {
  const res = await page(`/ui/incidents/${id}`);
  expect(res.status).toBe(404);
  expect(res.text).toContain(`No incident ${id}`);
});

test("an analysis page shows each failed job's verdict headline with a link to its incident", async () => {
  const res = await page(`/ui/analyses/${seen.mr?.requestId}`);
  expect(res.text).toMatch(
    /<span class="verdict v-already_failing">already failing<\/span> <span class="headline">Already failing on main since pipeline #401<\/span> <a class="incident-link" href="\/ui\/incidents\/(\d+)">/,
  );
  expect(res.text).toContain(`href="/ui/incidents/${seen.mr?.incidentId}"`);
  expect(res.text).toContain('<a href="/ui/incidents">Incidents</a>');
});

test('the results page shows the verdicts and how flaky suspicions fared', async () => {
  const res = await page('/?project_id=33');
  expect(res.text).toContain('Verdicts of 1 failed job:');
  expect(res.text).toContain('1 suspected, 1 retried; confirmed by a passing retry: 1 of 1 (100%)');
});
