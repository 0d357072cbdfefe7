import { getMailCursor, saveMailCursor } from '@cia/db';
import type { ImapFlow } from 'imapflow';
import { processMessage, type TProcessOutcome } from './process-message';
import type { TMailWatcherDeps, TMailWatcherOptions, TWatcherStatus } from './mail-watcher';

/** What a scan shares with its watcher: the folder's identity, the status it updates, and whether to stop. */
export type TScanContext = {
  deps: TMailWatcherDeps;
  options: TMailWatcherOptions;
  account: string;
  detail: TWatcherStatus['detail'];
  isStopped: () => boolean;
};

/** Whether the folder for IMAP_AFTER_PROCESS=move exists (checked once per connection). */
export type TFolderReady = { done: boolean };

// A message that could not be read, or flagged/moved, is tried again after a reconnect (the
// connection is usually what failed, and imapflow can answer before it notices); after
// MAX_TRIES the watcher moves on, so one bad message cannot block the folder.
const MAX_TRIES = 3;

/** imapflow answers a search with false when the connection could not run it: never read that as "no mail". */
async function searchUids(c: ImapFlow, query: Parameters<ImapFlow['search']>[0]): Promise<number[]> {
  const found = await c.search(query, { uid: true });
  if (found === false) throw new Error('IMAP search failed');
  return found;
}

/** Whether the flag or move took: imapflow answers false (not an error) when it could not. */
async function afterProcess(c: ImapFlow, uid: number, options: TMailWatcherOptions, folderReady: TFolderReady): Promise<boolean> {
  if (options.afterProcess === 'seen') return (await c.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true })) !== false;
  if (options.afterProcess === 'move') {
    if (!folderReady.done) {
      const exists = (await c.list()).some((m) => m.path === options.processedFolder);
      if (!exists) await c.mailboxCreate(options.processedFolder);
      folderReady.done = true;
    }
    return (await c.messageMove(String(uid), options.processedFolder, { uid: true })) !== false;
  }
  return true;
}

/**
 * Reads the folder above the UID cursor, message by message in UID order, and moves the cursor
 * only after each message is recorded. One scanner per watcher: its count of failed tries
 * outlives a connection.
 */
export function createMailboxScanner(ctx: TScanContext) {
  const { deps, options, account, detail } = ctx;
  const { logger } = deps;
  const folder = options.imap.folder;
  const failures = new Map<number, number>();
  const tryAgain = (uid: number): boolean => {
    const n = (failures.get(uid) ?? 0) + 1;
    failures.set(uid, n);
    if (failures.size > 1000) failures.delete(failures.keys().next().value as number);
    return n < MAX_TRIES;
  };

  /** Flags or moves a handled message; a failure keeps the cursor here (see tryAgain) unless it failed too often. */
  const finishMessage = async (c: ImapFlow, uid: number, folderReady: TFolderReady) => {
    let done = false;
    let error: Error | undefined;
    try {
      done = await afterProcess(c, uid, options, folderReady);
    } catch (err) {
      error = err as Error;
    }
    if (done) return;
    // Keep the cursor here: after the reconnect the message comes back as already processed
    // (Message-ID) and gets its flag or move then.
    if (!(c.usable && c.mailbox) || tryAgain(uid)) throw error ?? new Error(`IMAP could not ${options.afterProcess} UID ${uid}`);
    logger.warn('after-process action failed', { uid, action: options.afterProcess, err: error?.message });
  };

  const processUid = async (c: ImapFlow, uid: number, uidValidity: string, folderReady: TFolderReady) => {
    const msg = await c.fetchOne(String(uid), { uid: true, source: true, internalDate: true }, { uid: true });
    // Nothing read: stop here so the reconnect resumes from this UID instead of moving the
    // cursor past mail that was never read (unless it failed MAX_TRIES times: expunged or broken).
    if (!msg || !msg.source) {
      if (!(c.usable && c.mailbox) || tryAgain(uid)) throw new Error(`IMAP gave nothing for UID ${uid}`);
      logger.warn('message could not be read; skipped', { uid, tries: MAX_TRIES });
    }
    let result: TProcessOutcome | undefined;
    if (msg && msg.source) {
      const internalDate = msg.internalDate ? new Date(msg.internalDate) : undefined;
      result = await processMessage(deps, { folder, uid, uidValidity, internalDate }, msg.source, options.rules);
      detail.counts[result.outcome] = (detail.counts[result.outcome] ?? 0) + 1;
      logger.info(`email ${result.outcome}`, {
        uid,
        message_id: result.messageId,
        request_id: result.requestId ?? undefined,
        reason: result.reason,
      });
    }
    if (result?.handled) await finishMessage(c, uid, folderReady);
    await saveMailCursor(deps.db, { account, folder, uidValidity, lastUid: uid });
    detail.last_uid = Math.max(detail.last_uid ?? 0, uid);
  };

  const processUids = async (c: ImapFlow, uids: number[], uidValidity: string, folderReady: TFolderReady) => {
    for (const uid of [...uids].sort((a, b) => a - b)) {
      if (ctx.isStopped()) return;
      await processUid(c, uid, uidValidity, folderReady);
    }
  };

  /** Processes every message above the cursor, in UID order, recording each before moving on. */
  const scan = async (c: ImapFlow, folderReady: TFolderReady): Promise<void> => {
    const mailbox = c.mailbox;
    if (!mailbox) throw new Error(`folder ${folder} is not open`);
    const uidValidity = String(mailbox.uidValidity);
    let cursor = await getMailCursor(deps.db, folder, account);
    if (!cursor || cursor.uidValidity !== uidValidity) {
      // First start (or the server renumbered the folder): take what is unread now; the
      // Message-ID records keep anything already handled from being processed again.
      if (cursor) logger.warn('UIDVALIDITY changed; rescanning unread messages', { folder, was: cursor.uidValidity, now: uidValidity });
      const baseline = Math.max(0, (mailbox.uidNext ?? 1) - 1);
      const unread = await searchUids(c, { seen: false });
      await processUids(c, unread, uidValidity, folderReady);
      if (ctx.isStopped()) return;
      await saveMailCursor(deps.db, { account, folder, uidValidity, lastUid: baseline });
      detail.last_uid = Math.max(detail.last_uid ?? 0, baseline);
      cursor = { account, folder, uidValidity, lastUid: baseline };
    }
    const lastUid = cursor.lastUid;
    // The search is also what makes a server without IDLE report new messages.
    const found = await searchUids(c, { uid: `${lastUid + 1}:*` });
    // "N:*" also matches the highest UID when every UID is below N.
    await processUids(
      c,
      found.filter((u) => u > lastUid),
      uidValidity,
      folderReady,
    );
    detail.last_check_at = new Date().toISOString();
  };

  return { scan };
}

export type TMailboxScanner = ReturnType<typeof createMailboxScanner>;
