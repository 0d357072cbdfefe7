import { getMailCursor, saveMailCursor, type TDb } from '@cia/db';
import type { TIntakeDeps } from '@cia/intake';
import type { TLogger } from '@cia/logger';
import type { ImapFlow } from 'imapflow';
import type { TMailRules } from '../email/gitlab-email';
import { createImapClient, describeImapError, type TImapSettings } from '../imap/imap-client';

import { processMessage, type TProcessDeps, type TProcessOutcome } from './process-message';

/** Which mailbox a cursor belongs to: the same folder name on two accounts is two folders. */
export function mailAccount(imap: Pick<TImapSettings, 'user' | 'host' | 'port'>): string {
  return `${imap.user}@${imap.host}:${imap.port}`;
}

export type TAfterProcess = 'seen' | 'move' | 'leave';

export type TMailWatcherOptions = {
  imap: TImapSettings;
  rules: TMailRules;
  afterProcess: TAfterProcess;
  processedFolder: string;
  /** Seconds-based IMAP_CHECK_INTERVAL in ms: the poll period when IDLE is unavailable (or off). */
  pollIntervalMs: number;
  /** false forces polling even when the server supports IDLE. */
  useIdle?: boolean;
  /** First reconnect delay; doubles per failed attempt up to reconnectMaxMs. */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
};

export type TWatcherState = 'connecting' | 'connected' | 'disconnected';

export type TWatcherStatus = {
  state: TWatcherState;
  detail: {
    server: string;
    folder: string;
    mode: 'idle' | 'poll' | null;
    last_uid: number | null;
    last_check_at: string | null;
    last_error: string | null;
    reconnects: number;
    counts: Record<string, number>;
  };
};

export type TMailWatcher = {
  start(): void;
  stop(): Promise<void>;
  status(): TWatcherStatus;
  onStateChange(fn: (state: TWatcherState) => void): void;
};

export type TMailWatcherDeps = TProcessDeps & TIntakeDeps & { db: TDb; logger: TLogger };

/**
 * Watches one IMAP folder: catches up from the stored UID cursor, then waits with IDLE (or polls),
 * and after a drop reconnects with exponential backoff. Each message is processed once: the UID
 * cursor (per folder and UIDVALIDITY) moves only after the message is recorded, and the
 * Message-ID record stops copies and re-deliveries.
 */
export function createMailWatcher(deps: TMailWatcherDeps, options: TMailWatcherOptions): TMailWatcher {
  const { imap, logger } = { imap: options.imap, logger: deps.logger };
  const baseMs = options.reconnectBaseMs ?? 1000;
  const maxMs = options.reconnectMaxMs ?? 60_000;
  const folder = imap.folder;
  const account = mailAccount(imap);
  let state: TWatcherState = 'disconnected';
  let stopped = true;
  let loop: Promise<void> | undefined;
  let client: ImapFlow | undefined;
  let wake: (() => void) | undefined;
  let running: Promise<void> | undefined;
  let attempt = 0;
  const listeners: ((s: TWatcherState) => void)[] = [];
  const detail: TWatcherStatus['detail'] = {
    server: `${imap.host}:${imap.port}`,
    folder,
    mode: null,
    last_uid: null,
    last_check_at: null,
    last_error: null,
    reconnects: 0,
    counts: {},
  };

  const setState = (next: TWatcherState) => {
    if (next === state) return;
    state = next;
    for (const fn of listeners) fn(next);
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  /** Whether the flag or move took: imapflow answers false (not an error) when it could not. */
  const afterProcess = async (c: ImapFlow, uid: number, folderReady: { done: boolean }): Promise<boolean> => {
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
  };

  /** imapflow answers a search with false when the connection could not run it: never read that as "no mail". */
  const searchUids = async (c: ImapFlow, query: Parameters<ImapFlow['search']>[0]): Promise<number[]> => {
    const found = await c.search(query, { uid: true });
    if (found === false) throw new Error('IMAP search failed');
    return found;
  };

  // A message that could not be read, or flagged/moved, is tried again after a reconnect (the
  // connection is usually what failed, and imapflow can answer before it notices); after
  // MAX_TRIES the watcher moves on, so one bad message cannot block the folder.
  const MAX_TRIES = 3;
  const failures = new Map<number, number>();
  const tryAgain = (uid: number): boolean => {
    const n = (failures.get(uid) ?? 0) + 1;
    failures.set(uid, n);
    if (failures.size > 1000) failures.delete(failures.keys().next().value as number);
    return n < MAX_TRIES;
  };

  /** Processes every message above the cursor, in UID order, recording each before moving on. */
  const processNew = async (c: ImapFlow, folderReady: { done: boolean }) => {
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
      if (stopped) return;
      await saveMailCursor(deps.db, { account, folder, uidValidity, lastUid: baseline });
      detail.last_uid = Math.max(detail.last_uid ?? 0, baseline);
      cursor = { account, folder, uidValidity, lastUid: baseline };
    }
    const from = cursor.lastUid + 1;
    // The search is also what makes a server without IDLE report new messages.
    const found = await searchUids(c, { uid: `${from}:*` });
    // "N:*" also matches the highest UID when every UID is below N.
    await processUids(c, found.filter((u) => u > cursor.lastUid), uidValidity, folderReady);
    detail.last_check_at = new Date().toISOString();
    // Only a completed check ends the backoff: a connection that logs in but cannot process
    // (database down) must not reconnect in a tight loop.
    attempt = 0;
  };

  const processUids = async (c: ImapFlow, uids: number[], uidValidity: string, folderReady: { done: boolean }) => {
    for (const uid of [...uids].sort((a, b) => a - b)) {
      if (stopped) return;
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
        logger.info(`email ${result.outcome}`, { uid, message_id: result.messageId, request_id: result.requestId ?? undefined, reason: result.reason });
      }
      if (result?.handled) {
        let done = false;
        let error: Error | undefined;
        try {
          done = await afterProcess(c, uid, folderReady);
        } catch (err) {
          error = err as Error;
        }
        if (!done) {
          // Keep the cursor here: after the reconnect the message comes back as already processed
          // (Message-ID) and gets its flag or move then.
          if (!(c.usable && c.mailbox) || tryAgain(uid)) throw error ?? new Error(`IMAP could not ${options.afterProcess} UID ${uid}`);
          logger.warn('after-process action failed', { uid, action: options.afterProcess, err: error?.message });
        }
      }
      await saveMailCursor(deps.db, { account, folder, uidValidity, lastUid: uid });
      detail.last_uid = Math.max(detail.last_uid ?? 0, uid);
    }
  };

  /** One connection: open, catch up, then IDLE or poll until the connection closes. */
  const runSession = async () => {
    const useIdle = options.useIdle ?? true;
    const c = createImapClient(imap, { disableAutoIdle: !useIdle });
    client = c;
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.on('error', (err: Error) => {
      detail.last_error = describeImapError(err, imap).message;
    });
    let pollTimer: NodeJS.Timeout | undefined;
    let again = false;
    const folderReady = { done: false };
    const check = (): Promise<void> => {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await processNew(c, folderReady);
        } while (again && !stopped);
      })()
        .catch((err: unknown) => {
          detail.last_error = describeImapError(err, imap).message;
          logger.warn('mail check failed; reconnecting', { err: (err as Error).message });
          c.close();
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    };
    try {
      await c.connect();
      await c.mailboxOpen(folder);
      const idle = useIdle && c.capabilities.has('IDLE');
      detail.mode = idle ? 'idle' : 'poll';
      detail.last_error = null;
      setState('connected');
      logger.info(`watching ${folder} on ${imap.host}:${imap.port} (${detail.mode})`);
      c.on('exists', () => void check());
      await check();
      if (!idle) pollTimer = setInterval(() => void check(), options.pollIntervalMs);
      await closed;
    } finally {
      clearInterval(pollTimer);
      await running;
      if (c.usable) await c.logout().catch(() => c.close());
      else c.close();
      client = undefined;
    }
  };

  const run = async () => {
    while (!stopped) {
      setState('connecting');
      try {
        await runSession();
        if (!stopped) logger.warn('IMAP connection closed; reconnecting', { server: detail.server });
      } catch (err) {
        detail.last_error = describeImapError(err, imap).message;
        logger.warn('IMAP connection failed', { err: detail.last_error, attempt });
      }
      if (stopped) break;
      setState('disconnected');
      const delay = Math.min(baseMs * 2 ** attempt, maxMs);
      attempt++;
      detail.reconnects++;
      await sleep(delay);
    }
    setState('disconnected');
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop = run();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      wake?.();
      // Let the message in hand finish (processUids stops between messages), then log out.
      await running;
      const c = client;
      if (c?.usable) await c.logout().catch(() => c.close());
      else c?.close();
      await loop;
    },
    status: () => ({ state, detail: { ...detail, counts: { ...detail.counts } } }),
    onStateChange: (fn) => {
      listeners.push(fn);
    },
  };
}
