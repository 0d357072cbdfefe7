import { inArray } from 'drizzle-orm';
import { findAnalysisByRequestId, webhookDeliveries } from '@cia/db';
import type { TTestDatabase } from '@cia/db/testing';
import { createLogger } from '@cia/logger';
import type { TQueues } from '@cia/queue';
import { acceptFailure } from './accept-failure';
import { createTestBackend, type TTestBackend } from './testing';

const logger = createLogger({ service: 'test', silent: true });
let backend: TTestBackend;
let database: TTestDatabase;
let queues: TQueues;

beforeAll(async () => {
  backend = await createTestBackend('intake');
  ({ database, queues } = backend);
});

afterAll(async () => {
  await backend.close();
});

test('log text a trigger carried is stored with its secrets masked', async () => {
  const token = 'glpat-Zx9vQ2mN4bT7kL1pR8sW';
  const outcome = await acceptFailure(
    { db: database.db, queues, logger },
    {
      trigger: 'email',
      project: { id: 5, path: 'g/p' },
      pipeline: { id: 77, ref: 'main', sha: null, url: null },
      failedJobs: [
        {
          id: 9,
          name: 'deploy',
          stage: 'deploy',
          status: 'failed',
          log_tail: `$ curl -H "PRIVATE-TOKEN: ${token}" https://gitlab.example.com/api/v4/projects\ncurl: (22) 401`,
        },
      ],
    },
  );
  expect(outcome.created).toBe(true);
  const row = await findAnalysisByRequestId(database.db, outcome.requestId);
  const stored = JSON.stringify(row);
  expect(stored).toContain('curl: (22) 401');
  expect(stored).not.toContain(token);
  expect(await queues.analyze.getJob(outcome.requestId)).toBeDefined();
});

test("the commit title, merge request title and log tail a trigger carried are stored masked, the service's own secrets too", async () => {
  const ownToken = 'LegacyGitlabToken0123';
  const planted = 'glpat-Zx9vQ2mN4bT7kL1pR8sW';
  const outcome = await acceptFailure(
    { db: database.db, queues, logger, secretValues: [ownToken] },
    {
      trigger: 'webhook',
      project: { id: 5, path: 'g/p' },
      pipeline: {
        id: 78,
        ref: 'main',
        sha: null,
        url: null,
        commit_title: `Fix deploy: DB_PASSWORD="hunter two 42" and ${ownToken}`,
        merge_request: { iid: 3, title: `Rotate ${planted}`, source_branch: 'fix', target_branch: 'main', state: 'opened', url: null },
      },
      failedJobs: [{ id: 9, name: 'deploy', stage: 'deploy', status: 'failed', log_tail: `curl -u deploy:${ownToken} https://x` }],
    },
  );
  const row = await findAnalysisByRequestId(database.db, outcome.requestId);
  const stored = JSON.stringify(row);
  for (const secret of [ownToken, planted, 'hunter two 42', 'hunter']) expect(stored).not.toContain(secret);
  expect(row?.pipeline.commit_title).toBe('Fix deploy: DB_PASSWORD="[MASKED:password]" and [MASKED:secret_value]');
  expect(row?.pipeline.merge_request?.title).toBe('Rotate [MASKED:gitlab_token]');
});

test('concurrent first failures of many pipelines share statements and each gets its own analysis', async () => {
  const outcomes = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      acceptFailure(
        { db: database.db, queues, logger },
        {
          trigger: 'webhook',
          project: { id: 6, path: 'g/q' },
          pipeline: { id: 1000 + (i % 20), ref: 'main', sha: null, url: null },
          failedJobs: [],
        },
      ),
    ),
  );
  // 20 pipelines, each sent twice at once: 20 analyses, and both deliveries of a pipeline agree.
  expect(outcomes.filter((o) => o.created)).toHaveLength(20);
  for (let i = 0; i < 20; i++) expect(outcomes[i]?.requestId).toBe(outcomes[i + 20]?.requestId);
});

test('deliveries written in one statement each keep their own raw body, multi-byte text included', async () => {
  const bodies = Array.from({ length: 12 }, (_, i) => `{"n":${i},"msg":"${'é✓ 日本 '.repeat(i)}\\"quoted\\" ${'x'.repeat(i * 37)}"}`);
  const outcomes = await Promise.all(
    bodies.map((body, i) =>
      acceptFailure(
        { db: database.db, queues, logger },
        {
          trigger: 'webhook',
          project: { id: 7, path: 'g/r' },
          pipeline: { id: 2000 + i, ref: 'main', sha: null, url: null },
          failedJobs: [],
        },
        {
          delivery: {
            idempotencyKey: `body-${i}`,
            eventType: 'Pipeline Hook',
            objectKind: 'pipeline',
            projectId: 7,
            pipelineId: 2000 + i,
            headers: {},
            body,
          },
        },
      ),
    ),
  );
  expect(outcomes.every((o) => o.created && o.enqueued)).toBe(true);
  const rows = await database.db
    .select()
    .from(webhookDeliveries)
    .where(
      inArray(
        webhookDeliveries.idempotencyKey,
        bodies.map((_, i) => `body-${i}`),
      ),
    );
  expect(new Map(rows.map((r) => [r.idempotencyKey, r.body]))).toEqual(new Map(bodies.map((body, i) => [`body-${i}`, body])));
  const analyses = await Promise.all(outcomes.map((o) => findAnalysisByRequestId(database.db, o.requestId)));
  // Redis took the jobs, so the analyses are not left in the outbox.
  expect(analyses.every((a) => a?.enqueuedAt instanceof Date)).toBe(true);
});
