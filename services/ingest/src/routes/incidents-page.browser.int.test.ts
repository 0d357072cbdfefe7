import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { seedFailedJob, seedFix, type TSeededFailedJob } from '../testing/incident-fixtures';
import { createTestApp, type TTestApp } from '../testing/test-app';

/** The incidents pages in headless Chromium: navigation, links between analyses and incidents, no framing, no outside links. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(__dirname, '..', '..', '..', '..', 'test-artifacts');
const TOKEN = 'incidents-browser-token';
const GITLAB = 'https://gitlab.example.com';
const HOSTILE = 'ReferenceError: <script>alert("x")</script> is not defined';

let t: TTestApp;
let server: http.Server;
let base: string;
let browser: Browser;
let context: BrowserContext;
const dialogs: string[] = [];
const outside: string[] = [];
const seen: Record<string, TSeededFailedJob> = {};
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (Debian), or set CHROMIUM_PATH`);
  t = await createTestApp('incidents_browser', { API_TOKEN: TOKEN });
  const db = t.database.db;
  const api = {
    projectId: 41,
    projectPath: 'acme/api',
    fingerprint: 'fp-api-500',
    title: 'expected 200, got 500 in OrdersApiTest',
    identityLines: ['expected 200, got 500', 'at OrdersApiTest.create'],
  };
  seen.main = await seedFailedJob(db, {
    ...api,
    pipelineId: 601,
    jobId: 6011,
    at: minutesAgo(180),
    headline: 'New failure on main since pipeline #600',
  });
  seen.mr = await seedFailedJob(db, {
    ...api,
    pipelineId: 602,
    jobId: 6021,
    ref: 'feature/orders',
    mergeRequestIid: 12,
    at: minutesAgo(90),
    kind: 'already_failing',
    headline: 'Already failing on main since pipeline #601 (commit aaaaaaaa): not caused by this change',
  });
  seen.web = await seedFailedJob(db, {
    projectId: 42,
    projectPath: 'acme/web',
    pipelineId: 603,
    jobId: 6031,
    fingerprint: 'fp-web',
    title: HOSTILE,
    at: minutesAgo(60),
  });
  await seedFix(db, {
    projectId: 42,
    pipelineId: 604,
    sha: 'c4ca4238a0b923820dcc509a6f75849bc4ca4238',
    jobNames: ['rspec'],
    at: minutesAgo(30),
  });

  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  context = await browser.newContext({ httpCredentials: { username: 'me', password: TOKEN }, viewport: { width: 1280, height: 900 } });
  context.on('page', (p) => {
    p.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));
    p.on('request', (r) => void (r.url().startsWith(base) || outside.push(r.url())));
  });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
});

/** Every link of the page: our own pages (relative) or GitLab under GITLAB_BASE_URL, nothing else. */
async function expectOnlyOwnAndGitLabLinks(page: Page): Promise<void> {
  const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  expect(hrefs.length).toBeGreaterThan(0);
  expect(hrefs.filter((h) => !h.startsWith('/') && !h.startsWith(`${GITLAB}/`))).toEqual([]);
  expect(hrefs.filter((h) => h.startsWith('//'))).toEqual([]);
}

test('the analyses page leads to the incidents list, and a row to its incident with streak, occurrences, verdicts and GitLab links', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  expect(await page.locator('.verdict-stats').innerText()).toMatch(/Verdicts of 3 failed jobs:/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'results-list-verdicts.png') });
  await page.locator('header nav').getByRole('link', { name: 'Incidents' }).click();
  await page.waitForURL(`${base}/ui/incidents`);
  await page.locator('h1', { hasText: 'Incidents' }).waitFor();
  expect(await page.locator('table.list tbody tr').count()).toBe(2);
  expect(await page.locator('table.list tbody tr').first().innerText()).toContain(HOSTILE);
  await expectOnlyOwnAndGitLabLinks(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'incidents-list.png'), fullPage: true });

  await page.getByRole('link', { name: 'expected 200, got 500 in OrdersApiTest' }).click();
  await page.waitForURL(`${base}/ui/incidents/${seen.main?.incidentId}`);
  expect(await page.locator('.notice').innerText()).toMatch(/^Red on the default branch since pipeline #601 \(commit [0-9a-f]{8}\)/);
  const rows = page.locator('table.occurrences tbody tr');
  expect(await rows.count()).toBe(2);
  expect(await rows.first().innerText()).toContain('Already failing on main since pipeline #601');
  expect(await rows.first().getByRole('link', { name: '#602', exact: true }).getAttribute('href')).toBe(
    `${GITLAB}/acme/api/-/pipelines/602`,
  );
  expect(await rows.first().getByRole('link', { name: 'rspec #6021' }).getAttribute('href')).toBe(`${GITLAB}/acme/api/-/jobs/6021`);
  expect(await page.locator('pre.identity').innerText()).toBe('expected 200, got 500\nat OrdersApiTest.create');
  await expectOnlyOwnAndGitLabLinks(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'incident-detail.png'), fullPage: true });

  await rows.last().getByRole('link', { name: 'analysis' }).click();
  await page.waitForURL(`${base}/ui/analyses/${seen.main?.requestId}`);
  await page.close();
});

test('a failed job of an analysis shows its verdict and leads to its incident', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/ui/analyses/${seen.mr?.requestId}`);
  const line = page.locator('.job .verdict-line');
  expect(await line.innerText()).toContain('Already failing on main since pipeline #601');
  await line.getByRole('link', { name: `incident #${seen.mr?.incidentId}` }).click();
  await page.waitForURL(`${base}/ui/incidents/${seen.mr?.incidentId}`);
  await page.locator('h1', { hasText: 'expected 200, got 500 in OrdersApiTest' }).waitFor();
  await page.close();
});

test('a fixed incident shows the hostile title as text, the fixing pipeline and commit, and runs nothing', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/ui/incidents/${seen.web?.incidentId}`);
  expect(await page.locator('h1').innerText()).toBe(HOSTILE);
  expect(await page.locator('.notice').innerText()).toMatch(/^Fixed on the default branch by pipeline #604 \(commit c4ca4238\)/);
  expect(await page.locator('.notice a').getAttribute('href')).toBe(`${GITLAB}/acme/web/-/pipelines/604`);
  await expectOnlyOwnAndGitLabLinks(page);
  expect(dialogs).toEqual([]);
  expect(outside).toEqual([]);
  await page.close();
});

test('a page of another site cannot frame the incidents pages', async () => {
  const framed = ['/ui/incidents', `/ui/incidents/${seen.main?.incidentId}`];
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
    await page.waitForFunction((n) => (globalThis as unknown as { loaded: number }).loaded === n, framed.length);
    const children = page.frames().filter((f) => f !== page.mainFrame());
    expect(children).toHaveLength(framed.length);
    for (const frame of children) expect(await frame.content().catch(() => '')).not.toMatch(/Incidents|OrdersApiTest/);
  } finally {
    await page.close();
    await new Promise((resolve) => framer.close(resolve));
  }
});
