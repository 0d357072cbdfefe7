import fs from 'node:fs';
import { Queue } from 'bullmq';
import { chromium, type Browser } from 'playwright-core';
import { startFakeOpenAi, type TFakeProviderServer } from '@cia/ai/testing';
import { secretValuesOf } from '@cia/config';
import { testConfig } from '@cia/config/testing';
import { analyses, analysisJobs, findAnalysisByRequestId, registerFailure } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { closeRedis, createRedisConnection, enqueue, QUEUE_NAMES } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker, type TWorkerHandle } from '@cia/worker';
import { pipelineHook } from './fixtures/gitlab-payloads';

/**
 * Nothing leaked, end to end: secrets planted in every text a failed pipeline brings (commit title,
 * CI config, job log, test report, artifact file) and the service's own secrets (no pattern knows
 * their shape) reach none of: the analyses and analysis_jobs rows, the API, the results page (in
 * Chromium), the AI request, the GitLab note, the logs, the stored error of a failed analysis and
 * BullMQ's failure reason.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHA = 'bcbb5ec396a2c0f828686f14fac9b80b780504f2';
// The service's own secrets, shaped like nothing a pattern knows: only their exact values are masked.
const OWN = {
  GITLAB_API_TOKEN: 'LegacyGitlabTokenE2e01',
  OPENAI_API_KEY: 'OpenAiKeyWithNoShape0123',
  API_TOKEN: 'ApiTokenForTheResults0123',
  SECRET_KEY: 'SigningSecretKeyE2e0123',
  GITLAB_WEBHOOK_SECRET: 'WebhookSecretE2e01234',
  IMAP_APP_PASSWORD: 'ImapAppPasswordE2e012',
};
// Secrets of the pipeline, each in a shape the masker used to miss.
const PLANTED = {
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  quotedPassword: 'correct horse battery staple',
  mysqlPassword: 'MysqlS3cretPass',
  dockerPassword: 'D0ckerRegistryPass',
  curlPassword: 'Curl-hunter2-pass',
  dollarPassword: '$ecr3t!Dollar99',
  encodedToken: Buffer.from('ci-bot:glpat-Ab3dEfGh1jKlMn0pQrStUv').toString('base64'),
};
const ALL = [...Object.values(OWN), ...Object.values(PLANTED), 'horse battery', 'glpat-Ab3dEfGh1jKlMn0pQrStUv'];

const CI_CONFIG = [
  'variables:',
  `  DB_PASSWORD: "${PLANTED.quotedPassword}"`,
  `  DEPLOY_TOKEN: ${OWN.GITLAB_API_TOKEN}`,
  'production:',
  '  stage: deploy',
  '  script:',
  `    - aws configure set aws_secret_access_key ${PLANTED.awsSecret}`,
  `    - docker login -u ci -p ${PLANTED.dockerPassword} registry.example.com`,
  '    - ./deploy.sh',
  '  artifacts:',
  '    reports:',
  '      junit: report.xml',
].join('\n');

const TRACE = [
  '$ ./deploy.sh',
  ...Array.from({ length: 60 }, (_, i) => `uploading part ${i}`),
  `$ export API_PASSWORD=${PLANTED.dollarPassword}`,
  `$ echo ${PLANTED.encodedToken} > ~/.docker/auth`,
  // Error lines that echo the command they ran (as Node's child_process errors do): excerpted.
  `Error: Command failed: docker login -u ci -p ${PLANTED.dockerPassword} registry.example.com`,
  `Error: Command failed: curl -fsS -u deploy:${PLANTED.curlPassword} https://nexus.example.com/upload`,
  `Error: Command failed: mysql -h db -uroot -p${PLANTED.mysqlPassword} app < migrate.sql`,
  `fatal: could not read from https://gitlab.example.com with ${OWN.GITLAB_API_TOKEN}: authentication failed (key ${OWN.OPENAI_API_KEY})`,
  'npm ERR! code E401',
  'npm ERR! Unable to authenticate, need: Basic realm="GitLab"',
  'ERROR: Job failed: exit code 1',
].join('\n');

const STACK = [
  `Error: connect ECONNREFUSED while running mysql -uroot -p${PLANTED.mysqlPassword}`,
  `    at deploy (deploy.js:12:5) token=${OWN.SECRET_KEY}`,
].join('\n');
const JUNIT = `<testsuite name="production"><testcase name="deploys"><failure message="auth">export API_PASSWORD="${PLANTED.quotedPassword}" ${OWN.API_TOKEN}</failure></testcase></testsuite>`;

let database: TTestDatabase;
let redis: ReturnType<typeof createTestPrefix>;
let gitlab: TFakeGitLab;
let openai: TFakeProviderServer;
let ingest: TIngestHandle;
let worker: TWorkerHandle;
const logged: string[] = [];

/** The worker's logger as startWorker builds it, silent, keeping every entry as it leaves the formats. */
function capturingLogger(config: ReturnType<typeof testConfig>) {
  const logger = createLogger({ service: 'worker', level: 'debug', json: true, secretValues: secretValuesOf(config) });
  logger.transports[0]!.silent = true;
  logger.on('data', (info: Record<string | symbol, unknown>) => logged.push(String(info[Symbol.for('message')])));
  return logger;
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of ALL) expect({ where, leaked: text.includes(secret) ? secret : null }).toEqual({ where, leaked: null });
}

const config = () =>
  testConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    HOST: '127.0.0.1',
    GITLAB_BASE_URL: gitlab.baseUrl,
    ...OWN,
    ...openai.env,
    AI_RULES_FIRST: 'false',
    AI_MAX_RETRIES: '0',
    GITLAB_FETCH_ARTIFACTS: 'true',
    POSTBACK_ENABLED: 'true',
  });

beforeAll(async () => {
  gitlab = await createFakeGitLab({
    token: OWN.GITLAB_API_TOKEN,
    projects: [
      {
        id: 1,
        path_with_namespace: 'gitlab-org/gitlab-test',
        default_branch: 'master',
        files: { [SHA]: { '.gitlab-ci.yml': CI_CONFIG } },
        mergeRequests: [{ iid: 1, shas: [SHA] }],
        pipelines: [
          {
            id: 4343,
            ref: 'refs/merge-requests/1/head',
            sha: SHA,
            status: 'failed',
            source: 'merge_request_event',
            jobs: [
              {
                id: 380,
                name: 'production',
                stage: 'deploy',
                status: 'failed',
                failure_reason: 'script_failure',
                trace: TRACE,
                artifacts: [
                  { file_type: 'junit', size: 200, filename: 'junit.xml.gz' },
                  { file_type: 'archive', size: 400, filename: 'artifacts.zip' },
                ],
                artifactFiles: { 'report.xml': JUNIT },
              },
            ],
            testReport: {
              suites: [{ name: 'production', cases: [{ status: 'failed', name: 'deploys', classname: 'Deploy', stack_trace: STACK }] }],
            },
          },
        ],
      },
    ],
  });
  openai = await startFakeOpenAi({ apiKey: OWN.OPENAI_API_KEY });
  database = await createTestDatabase('secrets_e2e');
  redis = createTestPrefix('secrets_e2e');
  const c = config();
  worker = await startWorker(c, { database, logger: capturingLogger(c) });
  ingest = await startIngest(c, { database, logger: createLogger({ service: 'ingest', silent: true }), port: 0 });
}, 60_000);

afterAll(async () => {
  await ingest?.close();
  await worker?.close();
  await gitlab?.close();
  await openai?.close();
  await database?.drop();
  await redis?.cleanup();
});

const auth = { Authorization: `Bearer ${OWN.API_TOKEN}` };

test('secrets of the pipeline and of the service reach no row, API, page, AI request, note or log', async () => {
  const hook = pipelineHook({ pipelineId: 4343 });
  hook.commit.title = `Deploy with ${OWN.GITLAB_API_TOKEN} and DB_PASSWORD="${PLANTED.quotedPassword}"`;
  const res = await fetch(`${ingest.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook', 'X-Gitlab-Token': OWN.GITLAB_WEBHOOK_SECRET },
    body: JSON.stringify(hook),
  });
  expect(res.status).toBe(202);
  const { request_id } = (await res.json()) as { request_id: string };
  const view = await waitFor(
    async () =>
      (await (await fetch(`${ingest.url}/analysis/${request_id}`, { headers: auth })).json()) as {
        status: string;
        pipeline: { commit_title: string };
      },
    (v) => v.status === 'completed' || v.status === 'failed',
    'the analysis',
  );
  expect(view.status).toBe('completed');
  await waitFor(
    async () => gitlab.notes.get('1:1') ?? [],
    (n) => n.length === 1,
    'the merge request note',
  );

  // What was fetched did carry the secrets' surroundings: the checks below are not vacuous.
  expect(view.pipeline.commit_title).toBe('Deploy with [MASKED:secret_value] and DB_PASSWORD="[MASKED:password]"');
  const [row] = await database.db.select().from(analyses);
  const fetchState = JSON.stringify(row?.fetchState);
  expect(fetchState).toContain('aws configure set aws_secret_access_key [MASKED:');
  expect(fetchState).toContain('ECONNREFUSED');
  expect(fetchState).toContain('<testsuite name=\\"production\\">');
  const jobs = JSON.stringify(await database.db.select().from(analysisJobs));
  expect(jobs).toContain('docker login -u ci -p [MASKED:password]');
  const sent = openai.requests.map((r) => r.body).join('\n');
  expect(sent).toContain('fatal: could not read from');
  expect(logged.some((l) => l.includes('analysis completed'))).toBe(true);

  expectNoSecret(JSON.stringify(row), 'analyses row');
  expectNoSecret(jobs, 'analysis_jobs rows');
  expectNoSecret(JSON.stringify(view), 'API view');
  expectNoSecret(await (await fetch(`${ingest.url}/analysis?limit=10`, { headers: auth })).text(), 'API list');
  expectNoSecret(sent, 'AI request');
  expectNoSecret(JSON.stringify([...gitlab.notes.values()]), 'GitLab note');
  expectNoSecret(logged.join('\n'), 'worker log');

  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (Debian), or set CHROMIUM_PATH`);
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({ httpCredentials: { username: 'me', password: OWN.API_TOKEN } });
    const page = await context.newPage();
    await page.goto(`${ingest.url}/ui/analyses/${request_id}`);
    await page.locator('h2', { hasText: 'Root cause' }).waitFor();
    expect(await page.content()).toContain('Deploy with [MASKED:secret_value]');
    expectNoSecret(await page.content(), 'results page');
    await page.goto(`${ingest.url}/`);
    expectNoSecret(await page.content(), 'results list');
  } finally {
    await browser.close();
  }
});

test("a provider error echoing the API key is masked in the stored error, the log and BullMQ's failure reason", async () => {
  openai.enqueue({
    status: 401,
    json: { error: { type: 'invalid_request_error', message: `Incorrect API key provided: ${OWN.OPENAI_API_KEY}.` } },
  });
  const pipelineId = 4343;
  // A job on its last attempt, so the failure is recorded at once.
  const first = await registerFailure(database.db, {
    trigger: 'manual',
    project: { id: 1, path: 'gitlab-org/gitlab-test' },
    pipeline: { id: pipelineId + 1, ref: 'main', sha: SHA, url: null },
    failedJobs: [{ id: 380, name: 'production', stage: 'deploy', status: 'failed' }],
  });
  const connection = createRedisConnection(redis.url, 'producer');
  const queue = new Queue(QUEUE_NAMES.analyze, { connection, prefix: redis.prefix });
  try {
    const payload = { request_id: first.requestId, trigger: 'manual' as const, project_id: 1, pipeline_id: pipelineId + 1 };
    await enqueue({ analyze: queue }, { job: 'pipeline.analyze', payload, options: { attempts: 1 } });
    const job = await waitFor(
      async () => queue.getJob(first.requestId),
      (j) => Boolean(j?.failedReason),
      'the failed job',
    );
    expect(job?.failedReason).toContain('Incorrect API key provided: [MASKED:secret_value]');
    expectNoSecret(`${job?.failedReason} ${JSON.stringify(job?.stacktrace)}`, 'BullMQ failure');
    const row = await findAnalysisByRequestId(database.db, first.requestId);
    expect(row?.status).toBe('failed');
    expect(row?.error?.message).toContain('Incorrect API key provided');
    expectNoSecret(JSON.stringify(row), 'failed analyses row');
    expect(logged.some((l) => l.includes('analysis failed for good') && l.includes('Incorrect API key provided'))).toBe(true);
    expectNoSecret(logged.join('\n'), 'worker log');
  } finally {
    await queue.close();
    await closeRedis(connection);
  }
});
