import os from 'node:os';
import { Queue } from 'bullmq';
import { startFakeOpenAi, type TFakeProviderServer } from '@cia/ai/testing';
import { testConfig } from '@cia/config/testing';
import { analysisJobs } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { closeRedis, createRedisConnection, QUEUE_NAMES } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker, type TWorkerHandle } from '@cia/worker';
import { pipelineHook } from './fixtures/gitlab-payloads';

/**
 * The whole path with real components: webhook → PostgreSQL + Redis → worker fetches from a
 * GitLab (fake, over HTTP through the real client) → excerpt + mask → OpenAI SDK against a fake
 * server → stored result, readable through the API.
 */
const logger = createLogger({ service: 'test', silent: true });
// A token of GitLab's older format (no glpat- prefix): no pattern knows it, only its exact value does.
const GITLAB_TOKEN = 'e2eLegacyToken0123456789';
const PLANTED = 'AKIAIOSFODNN7EXAMPLE';
let database: TTestDatabase;
let redis: ReturnType<typeof createTestPrefix>;
let gitlab: TFakeGitLab;
let openai: TFakeProviderServer;
let ingest: TIngestHandle;
let worker: TWorkerHandle;

const TRACE = [
  '\x1b[0Ksection_start:1700000000:prepare_script\r\x1b[0KPreparing environment',
  'Running on runner-abc via host...',
  '\x1b[0Ksection_end:1700000001:prepare_script\r\x1b[0K',
  '$ export AWS_ACCESS_KEY_ID=' + PLANTED,
  '$ npm ci',
  ...Array.from({ length: 400 }, (_, i) => `added package ${i} in 0.1s`),
  'npm ERR! code ERESOLVE',
  'npm ERR! ERESOLVE unable to resolve dependency tree',
  'npm ERR! Found: react@18.2.0',
  'npm ERR! Could not resolve dependency:',
  `npm ERR! while fetching with ${GITLAB_TOKEN}`,
  'npm ERR! peer react@"^17.0.0" from react-beautiful-dnd@13.1.1',
  'ERROR: Job failed: exit code 1',
].join('\n');

/** One RSpec failure as each Ruby of a parallel:matrix prints it: other runner, times, seed. */
const rspecTrace = (ruby: string) =>
  [
    `Running with gitlab-runner 17.4.0 (b92ee590) on runner-${ruby.replace('.', '')}`,
    `Using docker image ruby:${ruby} ...`,
    '$ bundle exec rspec',
    `Randomized with seed ${ruby.replace('.', '')}731`,
    ...Array.from({ length: 40 }, (_, i) => `${'.'.repeat(50 + ((i * Number(ruby.replace('.', ''))) % 20))}`),
    'Failures:',
    '  1) Checkout::PriceCalculator#total applies the member discount',
    '     Failure/Error: expect(calculator.total).to eq(Money.new(90_00, "EUR"))',
    '       expected: #<Money fractional:9000 currency:EUR>',
    '            got: #<Money fractional:10000 currency:EUR>',
    "     # ./spec/checkout/price_calculator_spec.rb:42:in `block (3 levels) in <top (required)>'",
    `Finished in ${ruby.replace('.', '')}.4 seconds (files took 1.${ruby.at(-1)} seconds to load)`,
    '812 examples, 1 failure',
    'rspec ./spec/checkout/price_calculator_spec.rb:38 # Checkout::PriceCalculator#total applies the member discount',
    'ERROR: Job failed: exit code 1',
  ].join('\n');
const CI_CONFIG = `variables:
  RAILS_ENV: test
rspec:
  image: ruby:$RUBY_VERSION
  parallel:
    matrix:
      - RUBY_VERSION: ["3.1", "3.2", "3.3", "3.4"]
  script: bundle exec rspec
pages:
  script: npm run docs-site
`;
const MATRIX_JOBS = ['3.1', '3.2', '3.3', '3.4'].map((ruby, i) => ({ id: 500 + i, name: `rspec: [${ruby}]`, ruby }));

beforeAll(async () => {
  gitlab = await createFakeGitLab({
    token: GITLAB_TOKEN,
    projects: [
      {
        id: 1,
        path_with_namespace: 'gitlab-org/gitlab-test',
        default_branch: 'master',
        files: { bcbb5ec396a2c0f828686f14fac9b80b780504f2: { '.gitlab-ci.yml': CI_CONFIG } },
        pipelines: [
          {
            id: 4242,
            ref: 'main',
            sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
            status: 'failed',
            jobs: [
              { id: 380, name: 'production', stage: 'deploy', status: 'failed', failure_reason: 'script_failure', trace: TRACE },
              { id: 377, name: 'test-image', stage: 'test', status: 'success' },
            ],
          },
          {
            id: 4243,
            ref: 'main',
            sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
            status: 'failed',
            jobs: MATRIX_JOBS.map((j) => ({
              ...j,
              stage: 'test',
              status: 'failed',
              failure_reason: 'script_failure',
              trace: rspecTrace(j.ruby),
            })),
          },
        ],
      },
    ],
  });
  openai = await startFakeOpenAi();
  database = await createTestDatabase('e2e');
  redis = createTestPrefix('e2e');
  const config = testConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    HOST: '127.0.0.1',
    GITLAB_BASE_URL: gitlab.baseUrl,
    GITLAB_API_TOKEN: GITLAB_TOKEN,
    AI_RULES_FIRST: 'false',
    ...openai.env,
  });
  worker = await startWorker(config, { database, logger });
  ingest = await startIngest(config, { database, logger, port: 0 });
});

afterAll(async () => {
  await ingest?.close();
  await worker?.close();
  await gitlab?.close();
  await openai?.close();
  await database?.drop();
  await redis?.cleanup();
});

test('a failed pipeline is analysed from the GitLab log by the AI provider, secrets masked everywhere', async () => {
  const res = await fetch(`${ingest.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' },
    body: JSON.stringify(pipelineHook({ pipelineId: 4242 })),
  });
  expect(res.status).toBe(202);
  const { request_id } = (await res.json()) as { request_id: string };

  let view: Record<string, unknown> = {};
  for (let i = 0; i < 150 && view.status !== 'completed' && view.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    view = (await (await fetch(`${ingest.url}/analysis/${request_id}`)).json()) as Record<string, unknown>;
  }
  expect(view).toMatchObject({ status: 'completed', provider: 'openai', cache_hit: false });
  expect((view.usage as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
  expect(Object.keys(view.timings as object)).toEqual(expect.arrayContaining(['fetch_ms', 'excerpt_ms', 'analyze_ms', 'total_ms']));

  const result = view.result as { failed_jobs: { job_id: number; excerpt: { line: number; text: string }[] }[] };
  const excerpt = result.failed_jobs.find((j) => j.job_id === 380)?.excerpt ?? [];
  expect(excerpt.some((l) => l.text.includes('ERESOLVE unable to resolve dependency tree'))).toBe(true);
  expect(excerpt.length).toBeLessThan(100);
  // Line numbers are those of the original log.
  const lines = TRACE.split('\n');
  const eresolve = excerpt.find((l) => l.text.includes('npm ERR! code ERESOLVE'));
  expect(lines[eresolve!.line - 1]).toContain('npm ERR! code ERESOLVE');

  expect(gitlab.countRequests(/\/jobs\/380\/trace$/)).toBe(1);
  const sent = JSON.stringify(openai.requests);
  expect(sent).toContain('ERESOLVE');
  expect(sent).not.toContain(PLANTED);
  expect(sent).not.toContain(GITLAB_TOKEN);
  const stored = JSON.stringify(await database.db.select().from(analysisJobs));
  expect(stored).toContain('ERESOLVE');
  expect(stored).not.toContain(PLANTED);
  expect(stored).not.toContain(GITLAB_TOKEN);
  expect(stored).toContain('[MASKED:secret_value]');
  expect(JSON.stringify(view)).not.toContain(PLANTED);
  expect(JSON.stringify(view)).not.toContain(GITLAB_TOKEN);

  // The BullMQ job says which process of the pool ran it (host:pid), for Bull Board and drills.
  const connection = createRedisConnection(redis.url, 'producer');
  const queue = new Queue(QUEUE_NAMES.analyze, { connection, prefix: redis.prefix });
  try {
    expect((await queue.getJob(request_id))?.processedBy).toBe(`${os.hostname()}:${process.pid}`);
  } finally {
    await queue.close();
    await closeRedis(connection);
  }
});

/** Posts the Pipeline Hook of a pipeline and polls the API until its analysis is done. */
async function analyseThroughWebhook(pipelineId: number, builds?: Record<string, unknown>[]): Promise<Record<string, unknown>> {
  const res = await fetch(`${ingest.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' },
    body: JSON.stringify(pipelineHook({ pipelineId, builds })),
  });
  expect(res.status).toBe(202);
  const { request_id } = (await res.json()) as { request_id: string };
  let view: Record<string, unknown> = {};
  for (let i = 0; i < 150 && view.status !== 'completed' && view.status !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    view = (await (await fetch(`${ingest.url}/analysis/${request_id}`)).json()) as Record<string, unknown>;
  }
  return view;
}

test('matrix jobs failing the same way: the AI gets one excerpt listing every job, the stored result has each job with its own excerpt and findings', async () => {
  openai.requests.length = 0;
  const builds = MATRIX_JOBS.map((j) => ({
    id: j.id,
    stage: 'test',
    name: j.name,
    status: 'failed',
    failure_reason: 'script_failure',
    allow_failure: false,
    duration: 60,
  }));
  const view = await analyseThroughWebhook(4243, builds);
  expect(view).toMatchObject({ status: 'completed', provider: 'openai' });

  expect(openai.requests).toHaveLength(1);
  const user = (openai.requests[0]!.json as { messages: { role: string; content: string }[] }).messages.find(
    (m) => m.role === 'user',
  )!.content;
  expect(user.match(/<<<UNTRUSTED log of job /g)).toHaveLength(1);
  expect(user.match(/Failure\/Error: expect\(calculator\.total\)/g)).toHaveLength(1);
  // Of the CI config, the job-wide keywords and the failed job's definition, not the other jobs.
  expect(user).toContain('RAILS_ENV: test');
  expect(user).toContain('script: bundle exec rspec');
  expect(user).not.toContain('npm run docs-site');
  for (const job of MATRIX_JOBS)
    expect([job.id, user.includes(`job_id ${job.id}`) && user.includes(`"${job.name}"`)]).toEqual([job.id, true]);

  const result = view.result as {
    failed_jobs: { job_id: number; name: string; excerpt: { line: number; text: string }[]; findings: string[] }[];
  };
  expect(result.failed_jobs.map((j) => j.job_id)).toEqual(MATRIX_JOBS.map((j) => j.id));
  for (const [i, job] of result.failed_jobs.entries()) {
    expect(job.findings.length).toBeGreaterThan(0);
    // Each job keeps its own log lines (its own Ruby), not the one sent for the group.
    expect(job.excerpt.some((l) => l.text.includes(`Finished in ${MATRIX_JOBS[i]!.ruby.replace('.', '')}.4 seconds`))).toBe(true);
  }
  // The copies say whose log lines their findings cite.
  for (const job of result.failed_jobs.slice(1)) expect(job.findings[0]).toContain(`job "${MATRIX_JOBS[0]!.name}"`);
  const stored = await database.db.select().from(analysisJobs);
  expect(stored.filter((j) => MATRIX_JOBS.some((m) => m.id === Number(j.jobId)))).toHaveLength(MATRIX_JOBS.length);
});
