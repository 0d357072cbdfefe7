import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { testConfig } from '@cia/config/testing';
import { createLogger } from '@cia/logger';
import { pipelineHook } from '../../../../tests/fixtures/gitlab-payloads';
import { createApp } from '../app';
import { createHealthCheck } from '../health-check';
import { seedAnalysis } from '../testing/analysis-fixtures';
import { createTestApp, type TTestApp } from '../testing/test-app';

const TOKEN = 'ops-token';
const bearer = { Authorization: `Bearer ${TOKEN}` };
const basic = (password: string) => ({ Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` });
let t: TTestApp;

beforeAll(async () => {
  t = await createTestApp('ops', { API_TOKEN: TOKEN });
  const db = t.database.db;
  await seedAnalysis(db, {
    pipelineId: 1,
    status: 'completed',
    category: 'test',
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 1200,
    outputTokens: 300,
    costUsd: 0.25,
    timings: { fetch_ms: 800, analyze_ms: 4200, total_ms: 5000 },
  });
  await seedAnalysis(db, {
    pipelineId: 2,
    status: 'completed',
    category: 'dependency',
    provider: 'offline',
    model: 'rules',
    cacheHit: true,
  });
  await seedAnalysis(db, {
    pipelineId: 3,
    status: 'failed',
    error: { code: 'provider_error', message: 'x' },
    fetchState: { provider_errors: [{ provider: 'anthropic', code: 'rate_limited' }] },
  });
  await seedAnalysis(db, { pipelineId: 4, status: 'queued' });
  await t.queues.analyze.add(
    'pipeline.analyze',
    { request_id: 'r', trigger: 'manual', project_id: 1, pipeline_id: 4 },
    { jobId: 'metrics-depth' },
  );
});

afterAll(async () => {
  await t?.close();
});

describe('GET /metrics', () => {
  test.each([
    ['no token', {}],
    ['a wrong token', { Authorization: 'Bearer wrong' }],
  ])('answers 401 with %s', async (_name, headers) => {
    const res = await request(t.app).get('/metrics').set(headers);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  test('exposes webhooks, analyses, durations, tokens, cost, provider errors, cache hits and queue depth', async () => {
    await request(t.app)
      .post('/webhooks/gitlab')
      .set({ 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' })
      .send(JSON.stringify(pipelineHook({ pipelineId: 77 })));
    await request(t.app)
      .post('/webhooks/gitlab')
      .set({ 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' })
      .send('{not json');
    const res = await request(t.app).get('/metrics').set(bearer);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    for (const line of [
      'cia_webhook_deliveries_total{outcome="accepted"} 1',
      'cia_http_requests_total{method="POST",route="/webhooks/gitlab",status="400"} 1',
      'cia_http_requests_total{method="POST",route="/webhooks/gitlab",status="202"} 1',
      'cia_http_request_duration_seconds_count{method="POST",route="/webhooks/gitlab"} 2',
      'cia_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/webhooks/gitlab"} 2',
      'cia_analyses_total{outcome="completed",category="test"} 1',
      'cia_analyses_total{outcome="failed",category="none"} 1',
      // the queued seed and the webhook's new analysis
      'cia_analyses_in_progress{status="queued"} 2',
      'cia_analysis_failures_total{code="provider_error"} 1',
      'cia_ai_tokens_total{provider="openai",model="gpt-4o-mini",direction="input"} 1200',
      'cia_ai_tokens_total{provider="openai",model="gpt-4o-mini",direction="output"} 300',
      'cia_ai_cost_usd_total{provider="openai",model="gpt-4o-mini"} 0.25',
      'cia_analysis_cache_hits_total{provider="offline"} 1',
      'cia_ai_provider_errors_total{provider="anthropic",code="rate_limited"} 1',
      'cia_analysis_step_duration_seconds_bucket{le="5",step="analyze"} 1',
      'cia_analysis_step_duration_seconds_bucket{le="2.5",step="analyze"} 0',
      'cia_analysis_step_duration_seconds_count{step="fetch"} 1',
      'cia_analysis_duration_seconds_count{outcome="completed"} 2',
      'cia_metrics_source_up{source="database"} 1',
      'cia_metrics_source_up{source="redis"} 1',
    ]) {
      expect(text).toContain(line);
    }
    // The webhook enqueued one job and the test one more.
    expect(text).toMatch(/cia_queue_jobs\{queue="analyze",state="(waiting|delayed)"\} [12]/);
    expect(text).toContain('# TYPE cia_analysis_duration_seconds histogram');
    expect(text).toContain('cia_ingest_process_cpu_user_seconds_total');
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/);
    }
  });

  test('two apps in one process keep separate registries', async () => {
    const config = testConfig({ API_TOKEN: TOKEN });
    const logger = createLogger({ service: 'test', silent: true });
    const second: Express = createApp({
      config,
      db: t.database.db,
      queues: t.queues,
      logger,
      health: createHealthCheck(config, t.database, t.redis, t.queues),
    });
    const [a, b] = await Promise.all([request(t.app).get('/metrics').set(bearer), request(second).get('/metrics').set(bearer)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.text).not.toContain('route="/webhooks/gitlab"');
  });
});

describe('Bull Board at /admin/queues', () => {
  test('answers 401 with a basic-auth challenge without credentials or with a wrong password', async () => {
    for (const headers of [{}, basic('wrong'), { Authorization: 'Bearer wrong' }]) {
      const res = await request(t.app).get('/admin/queues').set(headers);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    }
  });

  test.each([
    ['bearer', bearer],
    ['basic', basic(TOKEN)],
  ])('serves the board with %s auth', async (_name, headers) => {
    const res = await request(t.app).get('/admin/queues').set(headers);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/html/);
    expect(res.text).toContain('ci-analyst queues');
  });

  test('lists every queue of the system', async () => {
    const res = await request(t.app).get('/admin/queues/api/queues').set(bearer);
    expect(res.status).toBe(200);
    const names = (res.body.queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(
      t.queues
        .all()
        .map((q) => q.name)
        .sort(),
    );
  });
});

type TLayer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: TLayer[] }; rawPath?: unknown };

/** Every method + path the app routes, read from Express' own router. */
function listRoutes(stack: TLayer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) out.push(`${method} ${prefix}${layer.route.path}`);
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      out.push(...listRoutes(layer.handle.stack, prefix + mount));
    }
  }
  return out;
}

describe('OpenAPI and /docs', () => {
  let doc: { openapi: string; paths: Record<string, Record<string, unknown>> };
  beforeAll(async () => {
    doc = (await request(t.app).get('/openapi.json')).body;
  });

  test('/openapi.json is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // The validator is ESM-only: run it in plain Node.
    const script = `import { Validator } from '@seriousme/openapi-schema-validator';
      let input = ''; for await (const c of process.stdin) input += c;
      const r = await new Validator().validate(JSON.parse(input));
      process.stdout.write(JSON.stringify(r));`;
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { cwd: path.join(__dirname, '..', '..') },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      );
      child.stdin?.end(JSON.stringify(doc));
    });
    expect(JSON.parse(out)).toEqual({ valid: true });
  });

  test('documents every route the app serves', () => {
    const routes = listRoutes((t.app as unknown as { router: { stack: TLayer[] } }).router.stack)
      .filter((r) => !r.includes('/admin/queues/') && !r.startsWith('get /ui/assets/'))
      .map((r) => r.replace(/:([a-z_]+)/g, '{$1}'));
    expect(routes.length).toBeGreaterThan(10);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    for (const p of [
      '/analysis',
      '/analysis/{request_id}',
      '/analysis/stats/summary',
      '/webhooks/gitlab',
      '/metrics',
      '/admin/queues',
      '/health/detailed',
      '/docs',
    ]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });

  test('/docs serves Swagger UI with its assets from the package', async () => {
    const page = await request(t.app).get('/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui');
    expect(page.text).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
    const css = await request(t.app).get('/docs/swagger-ui.css');
    expect(css.status).toBe(200);
    const init = await request(t.app).get('/docs/swagger-ui-init.js');
    expect(init.text).toContain('/analysis/stats/summary');
  });
});
