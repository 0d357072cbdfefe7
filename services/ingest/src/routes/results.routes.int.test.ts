import request from 'supertest';
import { seedAnalysis } from '../testing/analysis-fixtures';
import { createTestApp, type TTestApp } from '../testing/test-app';

const TOKEN = 'results-token';
const basicAuth = { Authorization: `Basic ${Buffer.from(`someone:${TOKEN}`).toString('base64')}` };
let t: TTestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp('results_page', { API_TOKEN: TOKEN });
  const db = t.database.db;
  ids.done = (
    await seedAnalysis(db, { pipelineId: 1, status: 'completed', category: 'test', inputTokens: 1500, outputTokens: 400, costUsd: 0.0123 })
  ).requestId;
  ids.queued = (await seedAnalysis(db, { pipelineId: 2, status: 'queued', projectPath: 'acme/<b>web</b>' })).requestId;
  ids.failed = (
    await seedAnalysis(db, {
      pipelineId: 3,
      status: 'failed',
      error: { code: 'provider_error', message: 'OpenAI answered 500 <img src=x onerror=alert(1)>' },
    })
  ).requestId;
});

afterAll(async () => {
  await t?.close();
});

describe('auth', () => {
  test.each([
    ['/', {}],
    ['/', { Authorization: 'Bearer wrong' }],
    ['/ui/analyses/x', {}],
  ])('%s answers 401 with a basic-auth challenge without a valid token', async (path, headers) => {
    const res = await request(t.app).get(path).set(headers);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  test.each([
    ['bearer', { Authorization: `Bearer ${TOKEN}` }],
    ['basic (browsers)', basicAuth],
  ])('serves the list with %s auth', async (_name, headers) => {
    const res = await request(t.app).get('/').set(headers);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  test('serves the stylesheet without credentials (it holds no data)', async () => {
    const res = await request(t.app).get('/ui/assets/results.css');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/css/);
  });
});

describe('list', () => {
  test('shows each analysis with project, ref, status, category and one-line root cause, linking to its page', async () => {
    const res = await request(t.app).get('/').set(basicAuth);
    expect(res.text).toContain(`href="/ui/analyses/${ids.done}"`);
    expect(res.text).toContain('PaymentService.refund() returns null for partial refunds');
    expect(res.text).toContain('<span class="badge completed">completed</span>');
    expect(res.text).toContain('<span class="chip">test</span>');
    expect(res.text).toContain('analysis failed: OpenAI answered 500 &lt;img src=x onerror=alert(1)&gt;');
    expect(res.text).toContain('acme/&lt;b&gt;web&lt;/b&gt;');
    expect(res.text).not.toContain('<b>web</b>');
  });

  test('refreshes itself while something is queued or running, not otherwise', async () => {
    const all = await request(t.app).get('/').set(basicAuth);
    expect(all.text).toMatch(/<meta http-equiv="refresh" content="\d+">/);
    const finished = await request(t.app).get('/?status=completed').set(basicAuth);
    expect(finished.text).not.toContain('http-equiv="refresh"');
  });

  test('filters from the form, where empty fields mean any', async () => {
    const res = await request(t.app).get('/?status=failed&category=&trigger=&project_id=').set(basicAuth);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`/ui/analyses/${ids.failed}`);
    expect(res.text).not.toContain(`/ui/analyses/${ids.done}`);
  });

  test('answers a bad filter with a readable 400 page', async () => {
    const res = await request(t.app).get('/?status=nope').set(basicAuth);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Bad filter');
  });

  test('pages with an Older link that carries the filters and the cursor', async () => {
    const first = await request(t.app).get('/?limit=2').set(basicAuth);
    const older = /href="(\/\?limit=2&amp;cursor=[^"]+)"/.exec(first.text)?.[1];
    expect(older).toBeDefined();
    const second = await request(t.app)
      .get((older ?? '').replace(/&amp;/g, '&'))
      .set(basicAuth);
    expect(second.text).toContain(`/ui/analyses/${ids.done}`);
    expect(second.text).not.toContain('Older →');
  });
});

describe('detail', () => {
  test('shows root cause, solutions with commands, excerpts with line numbers, links, tokens and cost', async () => {
    const res = await request(t.app).get(`/ui/analyses/${ids.done}`).set(basicAuth);
    expect(res.status).toBe(200);
    const page = res.text;
    expect(page).toContain('PaymentService.refund() returns null for partial refunds since commit bcbb5ec.');
    expect(page).toContain('<pre class="cmd">bundle exec rspec spec/services/payment_service_spec.rb:42</pre>');
    expect(page).toContain('<td class="ln">244</td><td class="tx">     Failure/Error: expect(refund).not_to be_nil</td>');
    expect(page).toContain('⋯ 122 lines ⋯');
    expect(page).toContain('href="https://gitlab.example.com/acme/payments/-/pipelines/1"');
    expect(page).toContain('href="https://gitlab.example.com/acme/payments/-/jobs/7000"');
    expect(page).toContain('1,500 in · 400 out');
    expect(page).toContain('$0.01');
    expect(page).not.toContain('http-equiv="refresh"');
  });

  test('escapes log lines and never links javascript: URLs', async () => {
    const page = (await request(t.app).get(`/ui/analyses/${ids.done}`).set(basicAuth)).text;
    expect(page).toContain('expected: not nil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('javascript:');
  });

  test('sends a Content-Security-Policy that forbids scripts', async () => {
    const res = await request(t.app).get(`/ui/analyses/${ids.done}`).set(basicAuth);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).not.toContain('script-src');
  });

  test('a queued analysis says so and refreshes', async () => {
    const res = await request(t.app).get(`/ui/analyses/${ids.queued}`).set(basicAuth);
    expect(res.text).toContain('waiting for a worker');
    expect(res.text).toMatch(/<meta http-equiv="refresh" content="\d+">/);
    expect(res.text).toContain('href="https://gitlab.example.com/acme/%3Cb%3Eweb%3C/b%3E/-/jobs/7000"');
  });

  test('a failed analysis shows its error, escaped', async () => {
    const res = await request(t.app).get(`/ui/analyses/${ids.failed}`).set(basicAuth);
    expect(res.text).toContain('The analysis could not finish');
    expect(res.text).toContain('OpenAI answered 500 &lt;img src=x onerror=alert(1)&gt;');
  });

  test('an unknown request_id is a 404 page', async () => {
    const res = await request(t.app).get('/ui/analyses/nope').set(basicAuth);
    expect(res.status).toBe(404);
    expect(res.text).toContain('No analysis nope');
  });
});
