import { and, eq } from 'drizzle-orm';
import { testConfig } from '@cia/config/testing';
import { analyses, processedEmails } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { startMailWatcher, type TMailWatcherHandle } from '@cia/mail-watcher';
import { buildGitLabPipelineEmail, isDovecotAvailable, startDovecot, type TDovecot } from '@cia/mail-watcher/testing';
import { createTestPrefix } from '@cia/queue/testing';
import { jobHook, pipelineHook } from './fixtures/gitlab-payloads';
import { eventually } from '@cia/logger/testing';

/**
 * A merge request pipeline as each trigger names it: the failure email's X-GitLab-Pipeline-Ref and
 * a Job Hook say `refs/merge-requests/7/head`, a Pipeline Hook and the email's subject and body say
 * the source branch. Whatever arrives first, the pipeline gets ONE analysis, with the source branch
 * as its ref and the merge request's iid.
 */
const HAVE_DOVECOT = isDovecotAvailable();
if (!HAVE_DOVECOT) process.stderr.write('dovecot binary not found: skipping the email half of the merge request ref tests\n');
const describeImap = HAVE_DOVECOT ? describe : describe.skip;

const logger = createLogger({ service: 'test', silent: true });
const PROJECT_ID = 42;
const BRANCH = 'feature/login-form';
const MR_IID = 7;
let dovecot: TDovecot;
let database: TTestDatabase;
let redis: ReturnType<typeof createTestPrefix>;
let ingest: TIngestHandle;
let mail: TMailWatcherHandle;

const waitFor = eventually;

async function post(body: unknown, event: 'Pipeline Hook' | 'Job Hook'): Promise<{ status: number; json: { request_id?: string } }> {
  const res = await fetch(`${ingest.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': event },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { request_id?: string } };
}

async function sendEmail(pipelineId: number) {
  const messageId = `<mr-${pipelineId}@gitlab.example.com>`;
  await dovecot.append(buildGitLabPipelineEmail({ projectId: PROJECT_ID, pipelineId, ref: BRANCH, mergeRequestIid: MR_IID, messageId }));
  return waitFor(
    `email ${messageId}`,
    async () => (await database.db.select().from(processedEmails).where(eq(processedEmails.messageId, messageId)))[0],
  );
}

const analysesOf = (pipelineId: number) =>
  database.db
    .select()
    .from(analyses)
    .where(and(eq(analyses.projectId, PROJECT_ID), eq(analyses.pipelineId, pipelineId)));
const mrPipelineHook = (pipelineId: number) =>
  pipelineHook({ pipelineId, projectId: PROJECT_ID, mergeRequest: { iid: MR_IID, sourceBranch: BRANCH } });

beforeAll(async () => {
  if (!HAVE_DOVECOT) return;
  dovecot = await startDovecot();
  database = await createTestDatabase('mr_ref');
  redis = createTestPrefix('mr-ref');
  const config = testConfig({
    TRIGGER_MODE: 'both',
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    HOST: '127.0.0.1',
    IMAP_GITLAB_EMAIL: 'gitlab@example.com',
    IMAP_CHECK_INTERVAL: '1',
    ...dovecot.env(),
  });
  ingest = await startIngest(config, { database, logger, port: 0 });
  mail = await startMailWatcher(config, { database, logger, watcher: { reconnectBaseMs: 50, reconnectMaxMs: 200 } });
});

afterAll(async () => {
  if (!HAVE_DOVECOT) return;
  await mail?.close();
  await ingest?.close();
  await database?.drop();
  await redis?.cleanup();
  await dovecot?.close();
});

describeImap('a merge request pipeline named by email and by webhook', () => {
  test('the Pipeline Hook, then the email: one analysis with the source branch as ref and the MR iid', async () => {
    const hook = await post(mrPipelineHook(7101), 'Pipeline Hook');
    expect(hook.status).toBe(202);
    const email = await sendEmail(7101);
    expect(email).toMatchObject({ outcome: 'duplicate', requestId: hook.json.request_id, ref: BRANCH });
    const rows = await analysesOf(7101);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.pipeline).toMatchObject({ ref: BRANCH, merge_request_iid: MR_IID });
  });

  test('the email, then the Pipeline Hook: the same', async () => {
    const email = await sendEmail(7102);
    expect(email).toMatchObject({ outcome: 'accepted', ref: BRANCH });
    expect((await analysesOf(7102))[0]?.pipeline).toMatchObject({ ref: BRANCH, merge_request_iid: MR_IID });
    const hook = await post(mrPipelineHook(7102), 'Pipeline Hook');
    expect(hook).toMatchObject({ status: 200, json: { request_id: email.requestId } });
    const rows = await analysesOf(7102);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.pipeline).toMatchObject({ ref: BRANCH, merge_request_iid: MR_IID });
  });

  test('a Job Hook (which names only refs/merge-requests/7/head) keeps the MR iid, and the branch a later trigger names', async () => {
    const job = await post(
      jobHook({ jobId: 710301, name: 'production', pipelineId: 7103, projectId: PROJECT_ID, ref: `refs/merge-requests/${MR_IID}/head` }),
      'Job Hook',
    );
    expect(job.status).toBe(202);
    expect((await analysesOf(7103))[0]?.pipeline).toMatchObject({ ref: null, merge_request_iid: MR_IID });
    await sendEmail(7103);
    await post(mrPipelineHook(7103), 'Pipeline Hook');
    const rows = await analysesOf(7103);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.pipeline).toMatchObject({ ref: BRANCH, merge_request_iid: MR_IID });
  });
});
