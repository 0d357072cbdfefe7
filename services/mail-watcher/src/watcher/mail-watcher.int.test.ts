import { testConfig } from '@cia/config/testing';
import { analyses, getMailCursor, listProcessedEmails, processedEmails, type TProcessedEmailRow } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { acceptFailure } from '@cia/intake';
import { createLogger } from '@cia/logger';
import { createQueues, createRedisConnection, readHeartbeats, type TQueues } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { and, eq } from 'drizzle-orm';
import type IORedis from 'ioredis';
import { startMailWatcher, type TMailWatcherHandle } from '../start';
import { mailAccount } from './mail-watcher';
import { buildGitLabPipelineEmail, buildPlainEmail, isDovecotAvailable, startDovecot, type TDovecot } from '../testing';

const HAVE_DOVECOT = isDovecotAvailable();
if (!HAVE_DOVECOT) process.stderr.write('dovecot binary not found: skipping the IMAP integration tests (apt-get install dovecot-imapd)\n');
const describeImap = HAVE_DOVECOT ? describe : describe.skip;

const logger = createLogger({ service: 'test', silent: true });
const TUNING = { reconnectBaseMs: 50, reconnectMaxMs: 200 };

let dovecot: TDovecot;
let database: TTestDatabase;
let redisPrefix: ReturnType<typeof createTestPrefix>;
let redis: IORedis;
let queues: TQueues;
let handle: TMailWatcherHandle | undefined;

function config(overrides: Record<string, string> = {}) {
  return testConfig({
    TRIGGER_MODE: 'email',
    REDIS_URL: redisPrefix.url,
    QUEUE_PREFIX: redisPrefix.prefix,
    IMAP_GITLAB_EMAIL: 'gitlab@example.com',
    IMAP_CHECK_INTERVAL: '1',
    ...dovecot.env(),
    ...overrides,
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function emailRow(messageId: string): Promise<TProcessedEmailRow> {
  return waitFor(`processed email ${messageId}`, async () => {
    const [row] = await database.db.select().from(processedEmails).where(eq(processedEmails.messageId, messageId));
    return row;
  });
}

async function analysesFor(projectId: number, pipelineId: number) {
  return database.db
    .select()
    .from(analyses)
    .where(and(eq(analyses.projectId, projectId), eq(analyses.pipelineId, pipelineId)));
}

function watcher() {
  if (!handle?.watcher) throw new Error('watcher not running');
  return handle.watcher;
}

beforeAll(async () => {
  if (!HAVE_DOVECOT) return;
  dovecot = await startDovecot();
  database = await createTestDatabase('mail_watcher');
  redisPrefix = createTestPrefix('mail');
  redis = createRedisConnection(redisPrefix.url, 'producer');
  queues = createQueues(redis, redisPrefix.prefix);
  handle = await startMailWatcher(config(), { database, logger, watcher: TUNING });
  await waitFor('watcher connected', async () => watcher().status().state === 'connected');
});

afterAll(async () => {
  if (!HAVE_DOVECOT) return;
  await handle?.close();
  await queues?.close();
  redis?.disconnect();
  await database?.drop();
  await redisPrefix?.cleanup();
  await dovecot?.close();
});

describeImap('mail-watcher against Dovecot, PostgreSQL and Redis', () => {
  test('a GitLab failure email becomes a queued analysis with trigger email and the message is marked seen', async () => {
    const raw = buildGitLabPipelineEmail({ projectId: 42, pipelineId: 2001, messageId: '<accept-2001@gitlab.example.com>' });
    const uid = await dovecot.append(raw);
    const row = await emailRow('<accept-2001@gitlab.example.com>');
    expect(row).toMatchObject({
      outcome: 'accepted',
      projectId: 42,
      projectPath: 'acme/shop',
      pipelineId: 2001,
      ref: 'main',
      folder: 'INBOX',
      uid,
      sender: 'gitlab@example.com',
    });
    const [analysis] = await analysesFor(42, 2001);
    expect(analysis).toMatchObject({ requestId: row.requestId, trigger: 'email', status: 'queued' });
    expect(analysis?.failedJobs).toEqual([
      expect.objectContaining({ id: 5001, name: 'unit-tests', stage: 'test', log_tail: expect.stringContaining('FAIL src/cart.test.ts') }),
    ]);
    const job = await queues.analyze.getJob(row.requestId ?? '');
    expect(job?.data).toMatchObject({ request_id: row.requestId, trigger: 'email', project_id: 42, pipeline_id: 2001 });
    await waitFor('\\Seen flag', async () => (await dovecot.listMessages()).find((m) => m.uid === uid)?.flags.includes('\\Seen'));
  });

  test('RFC 2047 encoded headers (UTF-8, B and Q) are stored and queued decoded, never as encoded words', async () => {
    const ref = 'feature/straße-ünïcode-✓-with-a-name-long-enough-to-fold-over-several-encoded-words';
    await dovecot.append(
      buildGitLabPipelineEmail({
        projectId: 42,
        pipelineId: 2002,
        ref,
        projectName: 'Café Ünïcode ✓',
        headerEncoding: 'Q',
        messageId: '<encoded-q@x>',
      }),
    );
    await dovecot.append(
      buildGitLabPipelineEmail({
        projectId: 42,
        pipelineId: 2003,
        ref,
        projectName: 'Café Ünïcode ✓',
        headerEncoding: 'B',
        messageId: '<encoded-b@x>',
      }),
    );
    for (const [messageId, pipelineId] of [
      ['<encoded-q@x>', 2002],
      ['<encoded-b@x>', 2003],
    ] as const) {
      const row = await emailRow(messageId);
      expect(row).toMatchObject({
        outcome: 'accepted',
        ref,
        subject: expect.stringMatching(/^Café Ünïcode ✓ \| Failed pipeline for feature\/straße-ünïcode-✓-/),
      });
      const [analysis] = await analysesFor(42, pipelineId);
      expect(analysis?.project).toMatchObject({ id: 42, name: 'Café Ünïcode ✓' });
      expect(analysis?.pipeline).toMatchObject({ id: pipelineId, ref });
      expect(JSON.stringify([row, analysis])).not.toContain('=?UTF-8?');
    }
  });

  test('wrong sender, successful pipeline and unrelated mail are recorded as skipped; only the GitLab notification is marked seen', async () => {
    const wrong = await dovecot.append(
      buildGitLabPipelineEmail({ from: 'GitLab <gitlab@evil.test>', pipelineId: 2101, messageId: '<skip-sender@x>' }),
    );
    const success = await dovecot.append(buildGitLabPipelineEmail({ status: 'success', pipelineId: 2102, messageId: '<skip-success@x>' }));
    const unrelated = await dovecot.append(
      buildPlainEmail({ from: 'colleague@example.com', subject: 'Lunch?', messageId: '<skip-unrelated@x>' }),
    );
    expect(await emailRow('<skip-sender@x>')).toMatchObject({
      outcome: 'skipped',
      reason: 'sender gitlab@evil.test is not in IMAP_GITLAB_EMAIL',
      pipelineId: 2101,
    });
    expect(await emailRow('<skip-success@x>')).toMatchObject({
      outcome: 'skipped',
      reason: 'pipeline status is "success", not failed',
      pipelineId: 2102,
    });
    expect(await emailRow('<skip-unrelated@x>')).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('is not in IMAP_GITLAB_EMAIL'),
    });
    expect(await analysesFor(42, 2101)).toHaveLength(0);
    expect(await analysesFor(42, 2102)).toHaveLength(0);
    await waitFor('success email marked seen', async () =>
      (await dovecot.listMessages()).find((m) => m.uid === success)?.flags.includes('\\Seen'),
    );
    const flags = await dovecot.listMessages();
    expect(flags.find((m) => m.uid === wrong)?.flags).not.toContain('\\Seen');
    expect(flags.find((m) => m.uid === unrelated)?.flags).not.toContain('\\Seen');
  });

  test('malformed MIME is skipped without stopping the watcher; a broken body with GitLab headers is still accepted', async () => {
    await dovecot.append(Buffer.from('\u0000\u0001\u0002 this is not a mail message at all\r\n'));
    const broken = buildGitLabPipelineEmail({ pipelineId: 2201, messageId: '<broken-body@x>' })
      .replace(
        /Content-Transfer-Encoding: base64\r\n\r\n[A-Za-z0-9+/=\r\n]+?(?=\r\n--)/,
        'Content-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@',
      )
      .replace(/--==_mimepart_[0-9a-f]+--\r\n$/, '');
    await dovecot.append(broken);
    expect(await emailRow('<broken-body@x>')).toMatchObject({ outcome: 'accepted', pipelineId: 2201 });
    const malformed = await waitFor('malformed row', async () =>
      (await listProcessedEmails(database.db)).find((r) => r.reason?.startsWith('malformed message')),
    );
    expect(malformed).toMatchObject({ outcome: 'skipped', messageId: expect.stringMatching(/^sha256:/) });
    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2202, messageId: '<after-malformed@x>' }));
    expect(await emailRow('<after-malformed@x>')).toMatchObject({ outcome: 'accepted' });
    expect(watcher().status().state).toBe('connected');
  });

  test('the same Message-ID twice is processed once; another email about the same pipeline is a duplicate', async () => {
    const raw = buildGitLabPipelineEmail({ pipelineId: 2301, messageId: '<dup-2301@x>' });
    await dovecot.append(raw);
    const first = await emailRow('<dup-2301@x>');
    const copy = await dovecot.append(raw);
    await waitFor('copy marked seen', async () => (await dovecot.listMessages()).find((m) => m.uid === copy)?.flags.includes('\\Seen'));
    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2301, messageId: '<dup-2301-resent@x>' }));
    const second = await emailRow('<dup-2301-resent@x>');
    expect(second).toMatchObject({ outcome: 'duplicate', requestId: first.requestId, reason: 'pipeline already has an analysis' });
    expect((await listProcessedEmails(database.db)).filter((r) => r.messageId === '<dup-2301@x>')).toHaveLength(1);
    expect(await analysesFor(42, 2301)).toHaveLength(1);
  });

  test('an email and a webhook about the same pipeline give one analysis, in either order', async () => {
    const project = { id: 42, path: 'acme/shop' };
    const pipeline = (id: number) => ({ id, ref: 'main', sha: null, url: null });
    const jobs = [{ id: 5001, name: 'unit-tests', stage: 'test', status: 'failed' }];
    const deps = { db: database.db, queues, logger };

    const hook = await acceptFailure(deps, { trigger: 'webhook', project, pipeline: pipeline(2401), failedJobs: jobs });
    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2401, messageId: '<after-webhook@x>' }));
    expect(await emailRow('<after-webhook@x>')).toMatchObject({ outcome: 'duplicate', requestId: hook.requestId });

    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2402, messageId: '<before-webhook@x>' }));
    const email = await emailRow('<before-webhook@x>');
    const late = await acceptFailure(deps, { trigger: 'webhook', project, pipeline: pipeline(2402), failedJobs: jobs });
    expect(late).toMatchObject({ created: false, requestId: email.requestId });

    expect(await analysesFor(42, 2401)).toHaveLength(1);
    expect(await analysesFor(42, 2402)).toHaveLength(1);
  });

  test('while IDLE a new message is picked up, and the heartbeat reports the watcher connected', async () => {
    expect(watcher().status()).toMatchObject({ state: 'connected', detail: { mode: 'idle' } });
    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2501, messageId: '<idle-2501@x>' }));
    expect(await emailRow('<idle-2501@x>')).toMatchObject({ outcome: 'accepted' });
    const beats = await waitFor('heartbeat', async () =>
      (await readHeartbeats(redis, redisPrefix.prefix)).find((b) => b.service === 'mail-watcher'),
    );
    expect(beats.state).toBe('connected');
  });

  test('after a server restart the watcher reconnects, takes what arrived meanwhile, and processes nothing twice', async () => {
    const before = await listProcessedEmails(database.db);
    const acceptedBefore = watcher().status().detail.counts.accepted ?? 0;
    await dovecot.stop();
    await waitFor('watcher notices the drop', async () => watcher().status().state !== 'connected');
    dovecot.deliverOffline(buildGitLabPipelineEmail({ pipelineId: 2601, messageId: '<offline-1@x>' }));
    dovecot.deliverOffline(buildGitLabPipelineEmail({ pipelineId: 2602, messageId: '<offline-2@x>' }));
    await dovecot.start();
    await waitFor('reconnected', async () => watcher().status().state === 'connected');
    expect(await emailRow('<offline-1@x>')).toMatchObject({ outcome: 'accepted', pipelineId: 2601 });
    expect(await emailRow('<offline-2@x>')).toMatchObject({ outcome: 'accepted', pipelineId: 2602 });
    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2603, messageId: '<after-restart@x>' }));
    await emailRow('<after-restart@x>');
    await waitFor('counts', async () => watcher().status().detail.counts.accepted === acceptedBefore + 3);
    const after = await listProcessedEmails(database.db);
    expect(after.length).toBe(before.length + 3);
    expect(watcher().status().detail.counts.already_processed ?? 0).toBe(1);
    expect(await analysesFor(42, 2601)).toHaveLength(1);
  });

  test('a watcher started later catches up on mail that arrived while it was down, polling when IDLE is off', async () => {
    await handle?.close();
    handle = undefined;
    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2701, messageId: '<down-1@x>' }));
    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2702, messageId: '<down-2@x>' }));
    handle = await startMailWatcher(config(), { database, logger, watcher: { ...TUNING, useIdle: false, pollIntervalMs: 100 } });
    expect(await emailRow('<down-1@x>')).toMatchObject({ outcome: 'accepted' });
    expect(await emailRow('<down-2@x>')).toMatchObject({ outcome: 'accepted' });
    expect(watcher().status().detail.mode).toBe('poll');
    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2703, messageId: '<polled@x>' }));
    expect(await emailRow('<polled@x>')).toMatchObject({ outcome: 'accepted' });
    // The cursor kept the new watcher from even looking at the messages handled before.
    await waitFor('counts', async () => watcher().status().detail.counts.accepted === 3);
    expect(watcher().status().detail.counts).toEqual({ accepted: 3 });
  });

  test('IMAP_AFTER_PROCESS=move moves accepted mail to IMAP_PROCESSED_FOLDER and leaves skipped mail in place', async () => {
    const mover = await startMailWatcher(config({ IMAP_FOLDER: 'GitLab', IMAP_AFTER_PROCESS: 'move', IMAP_PROCESSED_FOLDER: 'Done' }), {
      database,
      logger,
      watcher: TUNING,
    });
    try {
      await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2801, messageId: '<move-1@x>' }), { folder: 'GitLab' });
      await dovecot.append(buildPlainEmail({ from: 'someone@else.test', subject: 'hello', messageId: '<move-skip@x>' }), {
        folder: 'GitLab',
      });
      expect(await emailRow('<move-1@x>')).toMatchObject({ outcome: 'accepted', folder: 'GitLab' });
      await emailRow('<move-skip@x>');
      await waitFor('moved', async () => (await dovecot.listMessages('Done')).length === 1);
      expect(await dovecot.listMessages('GitLab')).toHaveLength(1);
    } finally {
      await mover.close();
    }
  });

  test('a folder renumbered by the server (new UIDVALIDITY) is rescanned without processing known messages again', async () => {
    const cfg = config({ IMAP_FOLDER: 'Renumbered', IMAP_AFTER_PROCESS: 'leave' });
    const old = buildGitLabPipelineEmail({ pipelineId: 2901, messageId: '<renumber-old@x>' });
    let w = await startMailWatcher(cfg, { database, logger, watcher: TUNING });
    try {
      await dovecot.append(old, { folder: 'Renumbered' });
      await emailRow('<renumber-old@x>');
    } finally {
      await w.close();
    }
    const account = mailAccount({ user: cfg.IMAP_USER ?? '', host: cfg.IMAP_SERVER, port: cfg.IMAP_PORT });
    const before = await getMailCursor(database.db, 'Renumbered', account);
    expect(before).toBeDefined();
    await dovecot.deleteFolder('Renumbered');
    await dovecot.append(old, { folder: 'Renumbered' });
    await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2902, messageId: '<renumber-new@x>' }), { folder: 'Renumbered' });
    w = await startMailWatcher(cfg, { database, logger, watcher: TUNING });
    try {
      expect(await emailRow('<renumber-new@x>')).toMatchObject({ outcome: 'accepted' });
      // Counts move just after the row is written.
      await waitFor('counts', async () => w.watcher?.status().detail.counts.accepted === 1);
      expect(w.watcher?.status().detail.counts).toEqual({ already_processed: 1, accepted: 1 });
      const after = await getMailCursor(database.db, 'Renumbered', account);
      expect(after?.uidValidity).not.toBe(before?.uidValidity);
      expect(await analysesFor(42, 2901)).toHaveLength(1);
    } finally {
      await w.close();
    }
  });
});
