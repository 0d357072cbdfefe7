import request from 'supertest';
import { createTestApp, type TTestApp } from '../testing/test-app';

/** What a browser visiting another site can make ingest do with the credentials it holds. */
const TOKEN = 'csrf-token';
const basic = { Authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` };
/** The headers Chromium sends with a form another site submits to us. */
const crossSiteForm = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' };
const ADD_JOB = '/admin/queues/api/queues/analyze/add';
let t: TTestApp;
let open: TTestApp;

beforeAll(async () => {
  t = await createTestApp('security_headers', { API_TOKEN: TOKEN });
  open = await createTestApp('security_headers_open');
});

afterAll(async () => {
  await t?.close();
  await open?.close();
});

const analyzeJobs = (app: TTestApp) =>
  app.queues.analyze.getJobCountByTypes('waiting', 'delayed', 'prioritized', 'paused', 'active', 'completed', 'failed');
const addJobBody = JSON.stringify({ name: 'forged', data: { request_id: 'forged', trigger: 'manual', project_id: 1, pipeline_id: 1 } });

describe('framing and fingerprinting', () => {
  test.each([
    ['/'],
    ['/admin/queues'],
    ['/admin/queues/api/queues'],
    ['/docs/'],
    ['/openapi.json'],
    ['/health'],
    ['/webhooks/gitlab/info'],
    ['/no-such-page'],
  ])('%s cannot be framed by another site and does not say what serves it', async (path) => {
    const res = await request(t.app).get(path).set(basic);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('state-changing Bull Board calls', () => {
  test('a cross-site POST carrying cached basic auth is refused and adds no job', async () => {
    const before = await analyzeJobs(t);
    for (const contentType of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      const res = await request(t.app)
        .post(ADD_JOB)
        .set({ ...basic, ...crossSiteForm, 'Content-Type': contentType })
        .send(addJobBody);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect(await analyzeJobs(t)).toBe(before);
  });

  test('a foreign Origin is refused even without Sec-Fetch-Site (older browsers)', async () => {
    const res = await request(t.app)
      .put('/admin/queues/api/queues/analyze/pause')
      .set({ ...basic, Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(await t.queues.analyze.isPaused()).toBe(false);
  });

  test('without API_TOKEN (development) a cross-site POST is refused all the same', async () => {
    const before = await analyzeJobs(open);
    const res = await request(open.app)
      .post(ADD_JOB)
      .set({ ...crossSiteForm, 'Content-Type': 'application/json' })
      .send(addJobBody);
    expect(res.status).toBe(403);
    expect(await analyzeJobs(open)).toBe(before);
  });

  test("the board's own page (same origin) may act with basic auth; a bearer token may act from anywhere", async () => {
    // Both signals must agree: a foreign Origin is refused whatever Sec-Fetch-Site says.
    const mixed = await request(t.app)
      .put('/admin/queues/api/queues/analyze/pause')
      .set({ ...basic, Origin: 'http://evil.example', 'Sec-Fetch-Site': 'same-origin' });
    expect(mixed.status).toBe(403);
    const host = 'ingest.internal:8000';
    const same = await request(t.app)
      .put('/admin/queues/api/queues/analyze/pause')
      .set({ ...basic, Host: host, Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' });
    expect(same.status).toBe(200);
    expect(await t.queues.analyze.isPaused()).toBe(true);
    const resume = await request(t.app)
      .put('/admin/queues/api/queues/analyze/resume')
      .set({ Authorization: `Bearer ${TOKEN}`, Origin: 'https://elsewhere.example' });
    expect(resume.status).toBe(200);
    expect(await t.queues.analyze.isPaused()).toBe(false);
  });

  test('a client that is not a browser (no Origin, no Sec-Fetch-Site) still needs the token', async () => {
    expect((await request(t.app).put('/admin/queues/api/queues/analyze/pause')).status).toBe(401);
    const res = await request(t.app).put('/admin/queues/api/queues/analyze/pause').set(basic);
    expect(res.status).toBe(200);
    await request(t.app).put('/admin/queues/api/queues/analyze/resume').set(basic);
    expect(await t.queues.analyze.isPaused()).toBe(false);
  });
});
