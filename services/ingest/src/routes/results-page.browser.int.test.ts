import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { completeAnalysis, findAnalysisByRequestId } from '@cia/db';
import { offlineCompletion } from '@cia/db/testing';
import { sampleResult, seedAnalysis } from '../testing/analysis-fixtures';
import { createTestApp, type TTestApp } from '../testing/test-app';

/** Debian's chromium, never a downloaded browser build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', '..', '..', 'test-artifacts');
const TOKEN = 'browser-token';

let t: TTestApp;
let server: http.Server;
let base: string;
let browser: Browser;
let context: BrowserContext;
const dialogs: string[] = [];
const ids: Record<string, string> = {};
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (Debian), or set CHROMIUM_PATH`);
  t = await createTestApp('results_browser', { API_TOKEN: TOKEN });
  const db = t.database.db;
  await seedAnalysis(db, {
    projectPath: 'acme/web',
    pipelineId: 501,
    ref: 'feature/login',
    status: 'completed',
    category: 'dependency',
    createdAt: minutesAgo(240),
    completedAt: minutesAgo(239.6),
    result: {
      root_cause: 'npm ci fails: package-lock.json is out of sync with package.json (react-router 7.1 added, lock not updated).',
      severity: 'medium',
    },
  });
  await seedAnalysis(db, {
    projectPath: 'acme/infra',
    pipelineId: 502,
    ref: 'main',
    status: 'failed',
    createdAt: minutesAgo(95),
    completedAt: minutesAgo(93),
    error: { code: 'gitlab_unreachable', message: 'GitLab answered 503 five times' },
  });
  await seedAnalysis(db, {
    projectPath: 'acme/api',
    pipelineId: 503,
    ref: 'release/2.4',
    status: 'completed',
    category: 'timeout',
    createdAt: minutesAgo(50),
    completedAt: minutesAgo(49.2),
    result: {
      root_cause: 'The integration job hit the 1 h timeout while waiting for the staging database to accept connections.',
      severity: 'high',
    },
  });
  ids.done = (
    await seedAnalysis(db, {
      projectPath: 'acme/payments',
      pipelineId: 504,
      ref: 'main',
      status: 'completed',
      category: 'test',
      provider: 'openai',
      model: 'gpt-4o-mini',
      inputTokens: 5321,
      outputTokens: 812,
      costUsd: 0.0016,
      timings: { fetch_ms: 820, excerpt_ms: 35, analyze_ms: 6400 },
      createdAt: minutesAgo(12),
      startedAt: minutesAgo(11.9),
      completedAt: minutesAgo(11.8),
    })
  ).requestId;
  await seedAnalysis(db, { projectPath: 'acme/mobile', pipelineId: 505, ref: 'main', status: 'running', createdAt: minutesAgo(1) });
  ids.queued = (await seedAnalysis(db, { projectPath: 'acme/docs', pipelineId: 506, ref: 'main', status: 'queued' })).requestId;

  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  context = await browser.newContext({ httpCredentials: { username: 'me', password: TOKEN }, viewport: { width: 1280, height: 900 } });
  context.on('page', (p) => p.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message()))));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
});

test('the list shows recent failed pipelines and leads to an analysis with root cause, fix and excerpt', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.locator('h1', { hasText: 'Failed pipelines' }).waitFor();
  expect(await page.locator('table.list tbody tr').count()).toBe(6);
  await page.screenshot({ path: path.join(ARTIFACTS, 'results-list.png'), fullPage: true });

  await page.getByRole('link', { name: /PaymentService\.refund\(\) returns null/ }).click();
  await page.waitForURL(`${base}/ui/analyses/${ids.done}`);
  await page.locator('h2', { hasText: 'Root cause' }).waitFor();
  expect(await page.locator('.rootcause .cause').innerText()).toContain('PaymentService.refund() returns null');
  expect(await page.locator('pre.cmd').first().innerText()).toBe('bundle exec rspec spec/services/payment_service_spec.rb:42');
  expect(await page.locator('table.excerpt td.ln').allInnerTexts()).toEqual(['118', '241', '243', '244', '246', '251']);
  // The log line with markup is shown as text, and nothing ran.
  expect(await page.locator('table.excerpt').innerText()).toContain('<script>alert("x")</script>');
  expect(dialogs).toEqual([]);
  expect(await page.getByRole('link', { name: /pipeline #504/ }).getAttribute('href')).toBe(
    'https://gitlab.example.com/acme/payments/-/pipelines/504',
  );
  expect(await page.getByRole('link', { name: /Open job in GitLab/ }).getAttribute('href')).toBe(
    'https://gitlab.example.com/acme/payments/-/jobs/7000',
  );
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
  // Documentation links only to documentation hosts: no metadata endpoint, no intranet, no data: URL.
  const docs = page.locator('.card', { has: page.locator('h2', { hasText: 'Documentation' }) }).locator('a');
  expect(await docs.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['https://docs.gitlab.com/ee/ci/testing/']);
  expect(await page.locator('dl.kv').innerText()).toMatch(/5,321 in · 812 out/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'results-detail.png'), fullPage: true });
  await page.close();
});

test('a queued analysis page reloads by itself and shows the result once it is there', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/ui/analyses/${ids.queued}`);
  await page.locator('.notice', { hasText: 'waiting for a worker' }).waitFor();
  const row = await findAnalysisByRequestId(t.database.db, ids.queued ?? '');
  await completeAnalysis(
    t.database.db,
    row?.id ?? 0,
    offlineCompletion(sampleResult({ root_cause: 'The docs build needs mkdocs-material 9, the image has 8.', category: 'build' })),
  );
  await page.locator('.rootcause .cause', { hasText: 'mkdocs-material 9' }).waitFor({ timeout: 15_000 });
  expect(await page.locator('.notice').count()).toBe(0);
  await page.close();
}, 30_000);

test('/docs renders the API reference from local assets', async () => {
  const page = await context.newPage();
  const outside: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) outside.push(r.url());
  });
  await page.goto(`${base}/docs`);
  await page.locator('.swagger-ui .info .title', { hasText: 'ci-analyst ingest' }).waitFor();
  expect(await page.locator('.opblock').count()).toBeGreaterThan(15);
  expect(outside).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'api-docs.png') });
  await page.close();
});

test('Bull Board shows every queue', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/admin/queues`);
  for (const q of t.queues.all()) await page.getByText(q.name, { exact: true }).first().waitFor();
  await page.getByText('Loading...').waitFor({ state: 'detached' });
  await page.screenshot({ path: path.join(ARTIFACTS, 'bull-board.png') });
  await page.close();
});

test('a page of another site cannot frame Bull Board, the API docs or the results page', async () => {
  const framed = ['/admin/queues', '/docs/', '/'];
  const framer = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(
      `<!doctype html><script>window.loaded = 0</script>${framed.map((p) => `<iframe src="${base}${p}" onload="window.loaded++"></iframe>`).join('')}`,
    );
  });
  await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
  // localhost and 127.0.0.1 are two sites to the browser.
  const evil = `http://localhost:${(framer.address() as AddressInfo).port}/`;
  const page = await context.newPage();
  try {
    await page.goto(evil);
    // The callbacks run in the browser (this file is typed without the DOM library).
    await page.waitForFunction((n) => (globalThis as unknown as { loaded: number }).loaded === n, framed.length);
    const children = page.frames().filter((f) => f !== page.mainFrame());
    expect(children).toHaveLength(framed.length);
    for (const frame of children) {
      const shown = await frame.content().catch(() => '');
      expect(shown).not.toMatch(/ci-analyst queues|swagger|Failed pipelines/i);
    }
  } finally {
    await page.close();
    await new Promise((resolve) => framer.close(resolve));
  }
});

test('without the token the browser is challenged for credentials and shows no data', async () => {
  const anonymous = await browser.newContext();
  const page = await anonymous.newPage();
  // Headless Chromium cannot show the basic-auth prompt, so the challenge surfaces as this error.
  await expect(page.goto(`${base}/`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
  const res = await anonymous.request.get(`${base}/ui/analyses/${ids.done}`);
  expect(res.status()).toBe(401);
  expect(await res.text()).not.toContain('PaymentService');
  await anonymous.close();
});
