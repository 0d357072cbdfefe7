import fc from 'fast-check';
import request from 'supertest';
import type { Express } from 'express';
import { pipelineHook, jobHook } from '../../../../tests/fixtures/gitlab-payloads';
import { createTestApp, type TTestApp } from '../testing/test-app';

let testApp: TTestApp;
let app: Express;

beforeAll(async () => {
  testApp = await createTestApp('fuzz', { WEBHOOK_BODY_LIMIT_MB: '0.2' });
  app = testApp.app;
});

afterAll(async () => {
  await testApp.close();
});

/** Mutations of valid payloads: a field removed, replaced with a random JSON value, or truncated text. */
const base = [pipelineHook({ pipelineId: 1 }), jobHook({ jobId: 1, pipelineId: 1 })];
const mutated = fc.record({
  which: fc.integer({ min: 0, max: 1 }),
  path: fc.array(
    fc.constantFrom(
      'object_attributes',
      'id',
      'status',
      'project',
      'builds',
      'build_id',
      'pipeline_id',
      'build_status',
      'object_kind',
      'x',
    ),
    { minLength: 1, maxLength: 3 },
  ),
  value: fc.jsonValue({ maxDepth: 4 }),
  truncateAt: fc.option(fc.integer({ min: 0, max: 3000 })),
  event: fc.constantFrom('Pipeline Hook', 'Job Hook', 'Push Hook', '', 'pipeline hook'),
});

type TMutation = typeof mutated extends fc.Arbitrary<infer T> ? T : never;

function mutate(m: TMutation): string {
  const doc = structuredClone(base[m.which]) as Record<string, unknown>;
  let cursor: Record<string, unknown> = doc;
  for (const key of m.path.slice(0, -1)) {
    const next = cursor[key];
    if (typeof next !== 'object' || next === null) break;
    cursor = next as Record<string, unknown>;
  }
  cursor[m.path[m.path.length - 1]!] = m.value;
  const text = JSON.stringify(doc);
  return m.truncateAt === null ? text : text.slice(0, m.truncateAt);
}

test('hundreds of malformed, truncated and wrong-typed deliveries never get a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(mutated, async (m) => {
      const res = await request(app)
        .post('/webhooks/gitlab')
        .set({ 'Content-Type': 'application/json', 'X-Gitlab-Event': m.event })
        .send(mutate(m));
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) expect(typeof res.body.error?.code).toBe('string');
    }),
    { numRuns: 300, seed: 20261123 },
  );
});

test('arbitrary bytes as a body never get a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ maxLength: 400 }),
      fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
      async (body, type) => {
        const res = await request(app).post('/webhooks/gitlab').set({ 'Content-Type': type, 'X-Gitlab-Event': 'Pipeline Hook' }).send(body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      },
    ),
    { numRuns: 150, seed: 7 },
  );
});
