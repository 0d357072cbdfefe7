import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { findAnalysisByRequestId } from '@cia/db';
import type { TTestDatabase } from '@cia/db/testing';
import { createTestBackend, type TTestBackend } from '@cia/intake/testing';
import type { TQueues } from '@cia/queue';
import { buildTestApp } from '../testing/test-app';

let backend: TTestBackend;
let database: TTestDatabase;
let queues: TQueues;
let dataDir: string;

function appWith(overrides: Record<string, string> = {}): Express {
  return buildTestApp(backend, { DATA_DIR: dataDir, GITLAB_WEBHOOK_SECRET: 's3cret', ...overrides });
}

beforeAll(async () => {
  backend = await createTestBackend('devroutes');
  ({ database, queues } = backend);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cia-dev-'));
});

afterAll(async () => {
  await backend.close();
});

test('POST /test/webhook/custom goes through the real webhook path (secret included) and queues an analysis', async () => {
  const res = await request(appWith()).post('/test/webhook/custom').send({ project_id: 1001, pipeline_status: 'failed' });
  expect(res.status).toBe(202);
  const row = await findAnalysisByRequestId(database.db, res.body.request_id);
  expect(row).toMatchObject({ projectId: 1001, pipelineId: res.body.pipeline_id, trigger: 'webhook' });
  expect(await queues.analyze.getJob(res.body.request_id)).toBeDefined();
});

test('a custom successful pipeline is ignored and bad input is a 400', async () => {
  const ok = await request(appWith()).post('/test/webhook/custom').send({ pipeline_status: 'success' });
  expect(ok.body.status).toBe('ignored');
  const bad = await request(appWith()).post('/test/webhook/custom').send({ project_id: 'x' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe('project_id');
});

test('scenarios are listed and each one queues a manual analysis carrying its log', async () => {
  const list = await request(appWith()).get('/test/scenarios');
  const names = (list.body.scenarios as { name: string }[]).map((s) => s.name);
  expect(names).toEqual(expect.arrayContaining(['build', 'test', 'deploy', 'dependency', 'timeout']));
  const run = await request(appWith()).get('/test/scenarios/test');
  expect(run.status).toBe(202);
  const row = await findAnalysisByRequestId(database.db, run.body.request_id);
  expect(row?.trigger).toBe('manual');
  expect(row?.failedJobs[0]?.log_tail).toMatch(/AssertionError/);
  expect((await request(appWith()).get('/test/scenarios/nope')).status).toBe(404);
});

test('mock projects and users come from DATA_DIR/mock-data.json after a reload', async () => {
  const app = appWith();
  expect((await request(app).get('/test/mock/projects')).body.source).toBe('built-in');
  fs.writeFileSync(
    path.join(dataDir, 'mock-data.json'),
    JSON.stringify({
      projects: [{ id: 7, path_with_namespace: 'a/b', name: 'b', web_url: 'https://g/a/b', default_branch: 'main' }],
      users: [],
    }),
  );
  const reload = await request(app).post('/test/mock/reload');
  expect(reload.body).toMatchObject({ reloaded: true, projects: 1, users: 0 });
  expect((await request(app).get('/test/mock/projects')).body.projects[0].id).toBe(7);
  expect((await request(app).get('/test/mock/users')).body.users).toEqual([]);
  fs.writeFileSync(path.join(dataDir, 'mock-data.json'), '{"projects": 3}');
  expect((await request(app).post('/test/mock/reload')).status).toBe(400);
  fs.rmSync(path.join(dataDir, 'mock-data.json'));
});

test('the development helpers answer 404 in production', async () => {
  const prod = appWith({ ENVIRONMENT: 'production', API_TOKEN: 't', SECRET_KEY: 'k' });
  for (const p of ['/test/scenarios', '/test/mock/projects']) expect((await request(prod).get(p)).status).toBe(404);
  expect((await request(prod).post('/test/webhook/custom').send({})).status).toBe(404);
});
