import request from 'supertest';
import { seedAnalysis } from '../testing/analysis-fixtures';
import { createTestApp, type TTestApp } from '../testing/test-app';

const TOKEN = 'api-token-for-tests';
const auth = { Authorization: `Bearer ${TOKEN}` };
let t: TTestApp;
const ids: Record<string, string> = {};
const PAGED_PROJECT = 13;
const PAGED_ROWS = 23;

const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

beforeAll(async () => {
  t = await createTestApp('analysis_api', { API_TOKEN: TOKEN });
  const db = t.database.db;
  const a = '2026-03-01T10:00:00Z';
  const b = '2026-03-01T10:01:00Z';
  ids.a = (
    await seedAnalysis(db, {
      projectId: 11,
      pipelineId: 1,
      status: 'completed',
      category: 'test',
      provider: 'openai',
      model: 'gpt-4o-mini',
      inputTokens: 1200,
      outputTokens: 300,
      costUsd: 0.002,
      createdAt: at(a),
      startedAt: at(a, 2),
      completedAt: at(a, 12),
    })
  ).requestId;
  ids.b = (
    await seedAnalysis(db, {
      projectId: 11,
      pipelineId: 2,
      status: 'completed',
      category: 'dependency',
      trigger: 'email',
      provider: 'anthropic',
      model: 'claude-sonnet',
      inputTokens: 800,
      outputTokens: 200,
      costUsd: 0.004,
      cacheHit: true,
      createdAt: at(b),
      startedAt: at(b, 2),
      completedAt: at(b, 32),
    })
  ).requestId;
  ids.c = (await seedAnalysis(db, { projectId: 12, pipelineId: 3, status: 'failed', createdAt: at('2026-03-01T10:02:00Z') })).requestId;
  ids.d = (await seedAnalysis(db, { projectId: 12, pipelineId: 4, status: 'running', createdAt: at('2026-03-01T10:03:00Z') })).requestId;
  ids.e = (
    await seedAnalysis(db, { projectId: 11, pipelineId: 5, status: 'queued', trigger: 'manual', createdAt: at('2026-03-01T10:04:00Z') })
  ).requestId;
  for (let i = 0; i < PAGED_ROWS; i++) {
    // Pairs share a timestamp so the id tie-break is exercised through HTTP too.
    await seedAnalysis(db, {
      projectId: PAGED_PROJECT,
      pipelineId: 100 + i,
      status: 'queued',
      createdAt: at('2026-02-01T00:00:00Z', Math.floor(i / 2)),
    });
  }
});

afterAll(async () => {
  await t?.close();
});

const requestIds = (body: { items: { request_id: string }[] }) => body.items.map((i) => i.request_id);

describe('API token', () => {
  test.each([
    ['no Authorization header', {}],
    ['a wrong bearer token', { Authorization: 'Bearer nope' }],
    ['basic auth (API is bearer only)', { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
  ])('answers 401 with the error body for %s', async (_name, headers) => {
    for (const path of ['/analysis', `/analysis/${ids.a}`, '/analysis/stats/summary']) {
      const res = await request(t.app).get(path).set(headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });
});

describe('GET /analysis/:request_id', () => {
  test('returns the full analysis with solutions, excerpts and usage', async () => {
    const res = await request(t.app).get(`/analysis/${ids.a}`).set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      request_id: ids.a,
      status: 'completed',
      trigger: 'webhook',
      project: { id: 11, path: 'acme/payments' },
      pipeline: { id: 1, ref: 'main' },
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { input_tokens: 1200, output_tokens: 300, cost_usd: 0.002 },
      completed_at: '2026-03-01T10:00:12.000Z',
    });
    expect(res.body.result.solutions[0].commands).toEqual(['bundle exec rspec spec/services/payment_service_spec.rb:42']);
    expect(res.body.result.failed_jobs[0].excerpt[0]).toEqual({ line: 118, text: expect.stringContaining('rspec') });
  });

  test('answers 404 with the error body for an unknown request_id', async () => {
    const res = await request(t.app).get('/analysis/does-not-exist').set(auth);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('GET /analysis filters', () => {
  test.each([
    ['project_id=12', [() => ids.d, () => ids.c]],
    ['status=completed', [() => ids.b, () => ids.a]],
    ['category=dependency', [() => ids.b]],
    ['trigger=email', [() => ids.b]],
    ['trigger=manual', [() => ids.e]],
    ['since=2026-03-01T10:02:00Z', [() => ids.e, () => ids.d, () => ids.c]],
    ['since=2026-03-01T10:02:00%2B00:00&status=running', [() => ids.d]],
    ['project_id=11&status=queued', [() => ids.e]],
  ])('%s returns exactly the matching analyses, newest first', async (query, expected) => {
    const res = await request(t.app).get(`/analysis?${query}`).set(auth);
    expect(res.status).toBe(200);
    expect(requestIds(res.body)).toEqual(expected.map((f) => f()));
    expect(res.body.next_cursor).toBeNull();
  });

  test('list items carry an abbreviated result: root cause yes, excerpts and solutions no', async () => {
    const res = await request(t.app).get('/analysis?category=test').set(auth);
    const item = res.body.items[0];
    expect(item.result).toMatchObject({ root_cause: expect.any(String), category: 'test', severity: 'high', fingerprint: 'fp-1' });
    expect(item.result.solutions).toBeUndefined();
    expect(item.result.failed_jobs).toBeUndefined();
    expect(item.failed_jobs[0]).toMatchObject({ name: 'rspec', web_url: expect.stringContaining('/-/jobs/') });
  });

  test.each([
    ['status=done', 'status'],
    ['category=weather', 'category'],
    ['trigger=carrier-pigeon', 'trigger'],
    ['project_id=abc', 'project_id'],
    ['project_id=-1', 'project_id'],
    ['since=yesterday', 'since'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('[1,2]').toString('base64url')}`, 'cursor'],
  ])('%s answers 400 naming the field', async (query, field) => {
    const res = await request(t.app).get(`/analysis?${query}`).set(auth);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'validation_failed', message: expect.stringContaining(field), field } });
  });
});

describe('GET /analysis pagination', () => {
  test('the default page holds 20 items and points to the next one', async () => {
    const res = await request(t.app).get(`/analysis?project_id=${PAGED_PROJECT}`).set(auth);
    expect(res.body.items).toHaveLength(20);
    expect(typeof res.body.next_cursor).toBe('string');
  });

  test('following next_cursor walks every item once, newest first, and ends with null', async () => {
    const seen: string[] = [];
    const created: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await request(t.app)
        .get('/analysis')
        .query({ project_id: PAGED_PROJECT, limit: 4, ...(cursor ? { cursor } : {}) })
        .set(auth);
      expect(res.status).toBe(200);
      seen.push(...requestIds(res.body));
      created.push(...res.body.items.map((i: { created_at: string }) => i.created_at));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(Math.ceil(PAGED_ROWS / 4));
    expect(seen).toHaveLength(PAGED_ROWS);
    expect(new Set(seen).size).toBe(PAGED_ROWS);
    expect([...created].sort().reverse()).toEqual(created);
  });

  test('limit=100 is allowed and returns everything that matches', async () => {
    const res = await request(t.app).get(`/analysis?project_id=${PAGED_PROJECT}&limit=100`).set(auth);
    expect(res.body.items).toHaveLength(PAGED_ROWS);
    expect(res.body.next_cursor).toBeNull();
  });
});

describe('GET /analysis/stats/summary', () => {
  test('reports counts, success rate, percentiles, tokens, cost and cache hits of the filtered analyses', async () => {
    const res = await request(t.app).get('/analysis/stats/summary?project_id=11').set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      total: 3,
      by_status: { completed: 2, queued: 1 },
      by_category: { test: 1, dependency: 1 },
      by_provider: { openai: 1, anthropic: 1 },
      success_rate: 1,
      tokens: { input: 2000, output: 500, total: 2500 },
      cache_hits: 1,
    });
    expect(res.body.cost_usd).toBeCloseTo(0.006, 9);
    // Processing 10 s and 30 s; end to end 12 s and 32 s (percentile_cont interpolates).
    expect(res.body.processing_seconds.p50).toBeCloseTo(20, 6);
    expect(res.body.processing_seconds.p95).toBeCloseTo(29, 6);
    expect(res.body.end_to_end_seconds.p50).toBeCloseTo(22, 6);
    expect(res.body.end_to_end_seconds.p95).toBeCloseTo(31, 6);
  });

  test('covers everything without filters and counts failures in the success rate', async () => {
    const res = await request(t.app).get('/analysis/stats/summary').set(auth);
    expect(res.body.total).toBe(5 + PAGED_ROWS);
    expect(res.body.by_status).toEqual({ completed: 2, failed: 1, running: 1, queued: 1 + PAGED_ROWS });
    expect(res.body.success_rate).toBeCloseTo(2 / 3, 9);
  });

  test('answers 400 for a bad filter', async () => {
    const res = await request(t.app).get('/analysis/stats/summary?status=nope').set(auth);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('status');
  });
});
