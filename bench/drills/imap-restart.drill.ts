import { and, gte, lte } from 'drizzle-orm';
import { loadConfig } from '@cia/config';
import { analyses, processedEmails } from '@cia/db';
import { createTestDatabase } from '@cia/db/testing';
import { createLogger } from '@cia/logger';
import { startMailWatcher } from '@cia/mail-watcher';
import { buildGitLabPipelineEmail, isDovecotAvailable, startDovecot } from '@cia/mail-watcher/testing';
import { createTestPrefix } from '@cia/queue/testing';
import type { TDrillReport } from './support/drill-report';

export type TImapRestartDrillOptions = { messages?: number; restarts?: number; downMs?: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A private Dovecot is restarted several times while GitLab failure emails keep arriving, some of
 * them delivered straight into the maildir while the server is down. The watcher must reconnect,
 * process every message, and none twice: one processed-email record and one analysis per pipeline.
 */
export async function runImapRestartDrill(report: TDrillReport, o: TImapRestartDrillOptions = {}): Promise<void> {
  if (!isDovecotAvailable()) {
    report.check('dovecot installed', false, 'no dovecot binary (apt-get install dovecot-imapd)');
    return;
  }
  const total = o.messages ?? 60;
  const restarts = o.restarts ?? 3;
  const downMs = o.downMs ?? 1500;
  const dovecot = await startDovecot();
  const database = await createTestDatabase('drill_imap');
  const redis = createTestPrefix('drill-imap');
  const config = loadConfig(
    {
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'error',
      TRIGGER_MODE: 'email',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      IMAP_GITLAB_EMAIL: 'gitlab@example.com',
      IMAP_CHECK_INTERVAL: '1',
      ...dovecot.env(),
    },
    { dotenvPath: false },
  );
  const handle = await startMailWatcher(config, {
    database,
    logger: createLogger({ service: 'mail-watcher', silent: true }),
    watcher: { reconnectBaseMs: 100, reconnectMaxMs: 1000 },
  });
  try {
    const base = 8_500_000;
    const projectId = 4242;
    report.say(
      `private Dovecot on port ${dovecot.port}; ${total} failure emails, ${restarts} server restarts (${downMs} ms down each, mail delivered to the maildir meanwhile)`,
    );
    const email = (i: number) =>
      buildGitLabPipelineEmail({ pipelineId: base + i, projectId, messageId: `<imap-drill-${base + i}@example.com>` });
    const perStage = Math.floor(total / (restarts + 1));
    const processedCount = async () => (await database.db.select({ m: processedEmails.messageId }).from(processedEmails)).length;
    let i = 0;
    let offline = 0;
    for (let r = 0; r < restarts; r++) {
      // A batch lands at once (the MTA writes to the maildir; one IMAP APPEND makes the server
      // announce them all), and the server goes down while the watcher is working through it.
      const before = await processedCount();
      const batchEnd = i + perStage - 3;
      for (; i < batchEnd - 1; i++) dovecot.deliverOffline(email(i));
      await dovecot.append(email(i++));
      const waitUntil = Date.now() + 10_000;
      while ((await processedCount()) === before && Date.now() < waitUntil) await sleep(5);
      await dovecot.stop();
      const mid = (await processedCount()) - before;
      // Mail keeps arriving while IMAP is down.
      for (let k = 0; k < 3; k++, i++, offline++) dovecot.deliverOffline(email(i));
      await sleep(downMs);
      await dovecot.start();
      report.say(
        `restart ${r + 1}/${restarts}: server stopped after ${mid} of a ${perStage - 3}-email batch had been processed; ${i} emails so far (${offline} delivered while down)`,
      );
    }
    for (; i < total; i++) {
      await dovecot.append(email(i));
      await sleep(20);
    }
    const ids = Array.from({ length: total }, (_, k) => `<imap-drill-${base + k}@example.com>`);
    const deadline = Date.now() + 60_000;
    let rows: (typeof processedEmails.$inferSelect)[] = [];
    while (Date.now() < deadline) {
      rows = await database.db.select().from(processedEmails);
      if (ids.every((id) => rows.some((row) => row.messageId === id))) break;
      await sleep(200);
    }
    const status = handle.watcher?.status();
    report.say(`watcher state ${status?.state}, ${status?.detail.reconnects} reconnects, counts ${JSON.stringify(status?.detail.counts)}`);
    const missing = ids.filter((id) => !rows.some((row) => row.messageId === id));
    report.check(
      'nothing missed: every email processed',
      missing.length === 0,
      `${total - missing.length}/${total}${missing.length ? `; missing ${missing.map((m) => m.replace(/<imap-drill-(\d+)@example.com>/, '$1')).join(',')}` : ''}`,
    );
    const ours = rows.filter((row) => ids.includes(row.messageId));
    report.check(
      'every email accepted (not skipped)',
      ours.every((row) => row.outcome === 'accepted'),
      [...new Set(ours.map((row) => `${row.outcome}${row.reason ? ` (${row.reason})` : ''}`))].join(', '),
    );
    const found = await database.db
      .select()
      .from(analyses)
      .where(and(gte(analyses.pipelineId, base), lte(analyses.pipelineId, base + total - 1)));
    report.check(
      'nothing twice: one analysis per pipeline',
      found.length === total && new Set(found.map((a) => a.pipelineId)).size === total,
      `${found.length} analyses for ${total} pipelines`,
    );
    report.check(
      'the watcher reconnected after every restart',
      (status?.detail.reconnects ?? 0) >= restarts && status?.state === 'connected',
      `${status?.detail.reconnects} reconnects, state ${status?.state}`,
    );
    const inbox = await dovecot.listMessages();
    if (process.env.DRILL_DEBUG)
      report.say(
        `inbox: ${JSON.stringify(inbox)}; processed uids: ${JSON.stringify(ours.map((r) => [r.messageId.slice(11, 18), r.uid, r.uidValidity]))}`,
      );
    report.check(
      'every message marked seen (IMAP_AFTER_PROCESS=seen)',
      inbox.length === total && inbox.every((m) => m.flags.includes('\\Seen')),
      `${inbox.filter((m) => m.flags.includes('\\Seen')).length}/${inbox.length} seen`,
    );
  } finally {
    await handle.close();
    await dovecot.close();
    await database.drop();
    await redis.cleanup();
  }
}
