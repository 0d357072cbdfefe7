import type { TDb } from '@cia/db';
import type { TIntakeDeps } from '@cia/intake';
import type { TLogger } from '@cia/logger';
import type { ImapFlow } from 'imapflow';
import type { TMailRules } from '../email/gitlab-email';
import { describeImapError, type TImapSettings } from '../imap/imap-client';
import { runImapSession } from './imap-session';
import { createMailboxScanner } from './mailbox-scan';
import type { TProcessDeps } from './process-message';

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

function initialDetail(imap: TImapSettings): TWatcherStatus['detail'] {
  return {
    server: `${imap.host}:${imap.port}`,
    folder: imap.folder,
    mode: null,
    last_uid: null,
    last_check_at: null,
    last_error: null,
    reconnects: 0,
    counts: {},
  };
}

/** The wait between reconnects, which stop() cuts short. */
function createWakeableSleep() {
  let wake: (() => void) | undefined;
  return {
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      }),
    wake: () => wake?.(),
  };
}

/**
 * Watches one IMAP folder: catches up from the stored UID cursor, then waits with IDLE (or polls),
 * and after a drop reconnects with exponential backoff. Each message is processed once: the UID
 * cursor (per folder and UIDVALIDITY) moves only after the message is recorded, and the
 * Message-ID record stops copies and re-deliveries.
 */
export function createMailWatcher(deps: TMailWatcherDeps, options: TMailWatcherOptions): TMailWatcher {
  const { imap } = options;
  const { logger } = deps;
  const baseMs = options.reconnectBaseMs ?? 1000;
  const maxMs = options.reconnectMaxMs ?? 60_000;
  let state: TWatcherState = 'disconnected';
  let stopped = true;
  let loop: Promise<void> | undefined;
  let client: ImapFlow | undefined;
  let running: Promise<void> | undefined;
  let attempt = 0;
  const listeners: ((s: TWatcherState) => void)[] = [];
  const detail = initialDetail(imap);
  const backoff = createWakeableSleep();

  const setState = (next: TWatcherState) => {
    if (next === state) return;
    state = next;
    for (const fn of listeners) fn(next);
  };

  const ctx = { deps, options, account: mailAccount(imap), detail, isStopped: () => stopped };
  const scanner = createMailboxScanner(ctx);
  const hooks = {
    setClient: (c: ImapFlow | undefined) => void (client = c),
    setRunning: (check: Promise<void> | undefined) => void (running = check),
    connected: () => setState('connected'),
    checked: () => void (attempt = 0),
  };

  const run = async () => {
    while (!stopped) {
      setState('connecting');
      try {
        await runImapSession(ctx, scanner, hooks);
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
      await backoff.sleep(delay);
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
      backoff.wake();
      // Let the message in hand finish (the scan stops between messages), then log out.
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
