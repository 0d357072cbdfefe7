import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { createTestBackend, type TTestBackend } from '@cia/intake/testing';
import { pipelineHook } from '../../../../tests/fixtures/gitlab-payloads';
import { buildTestApp } from '../testing/test-app';

const SECRET = 'hook-secret';
let backend: TTestBackend;
let app: Express;

beforeAll(async () => {
  backend = await createTestBackend('webhook_auth');
  // The default body limit: the test route's own limit must hold under it.
  app = buildTestApp(backend, { GITLAB_WEBHOOK_SECRET: SECRET });
});

afterAll(async () => {
  await backend.close();
});

const hookJson = (pipelineId: number) => JSON.stringify(pipelineHook({ pipelineId }));

const postTest = (target: Express, headers: Record<string, string>, body = hookJson(1)) =>
  request(target)
    .post('/webhooks/gitlab/test')
    .set({ 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook', ...headers })
    .send(body);

/**
 * Sends the headers and the first kilobyte of a body announced as `announced` bytes, then waits for
 * the answer without ever sending the rest: only a route that answers before reading the body
 * answers at all.
 */
async function answerToUnfinishedUpload(target: Express, path: string, headers: Record<string, string>, announced = 10 * 1024 * 1024) {
  const server = http.createServer(target).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(announced), ...headers },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        });
      });
      req.write(`{"object_kind":"pipeline","padding":"${'x'.repeat(1000)}`);
    });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe('the test route is guarded like the webhook', () => {
  test('/webhooks/gitlab/test refuses a missing or wrong X-Gitlab-Token with 401 and answers the right one', async () => {
    expect((await postTest(app, {})).status).toBe(401);
    const wrong = await postTest(app, { 'X-Gitlab-Token': 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    const right = await postTest(app, { 'X-Gitlab-Token': SECRET });
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ valid: true, would_analyze: true });
  });

  test('/webhooks/gitlab/test takes at most 1 MB even when webhooks may be 25 MB', async () => {
    const big = JSON.stringify({ ...pipelineHook({ pipelineId: 2 }), padding: 'x'.repeat(1536 * 1024) });
    const res = await postTest(app, { 'X-Gitlab-Token': SECRET }, big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test('without a webhook secret the test route needs the API token (production cannot start without the secret)', async () => {
    const prod = buildTestApp(backend, { ENVIRONMENT: 'development', API_TOKEN: 'api-token', SECRET_KEY: 'k' });
    expect((await postTest(prod, {})).status).toBe(401);
    expect((await postTest(prod, { 'X-Gitlab-Token': 'anything' })).status).toBe(401);
    expect((await postTest(prod, { Authorization: 'Bearer api-token' })).status).toBe(200);
  });
});

describe('unauthenticated senders cost nothing', () => {
  test.each(['/webhooks/gitlab', '/webhooks/gitlab/test'])('%s answers 401 before the body is uploaded', async (path) => {
    const res = await answerToUnfinishedUpload(app, path, { 'X-Gitlab-Event': 'Pipeline Hook', 'X-Gitlab-Token': 'wrong' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe('unauthorized');
  });
});
