import type { ImapFlow } from 'imapflow';
import { createImapClient, describeImapError } from '../imap/imap-client';
import type { TFolderReady, TMailboxScanner, TScanContext } from './mailbox-scan';

/** What a session tells its watcher: the client in use, the check in flight, the connection being up, a completed check. */
export type TSessionHooks = {
  setClient: (c: ImapFlow | undefined) => void;
  setRunning: (check: Promise<void> | undefined) => void;
  connected: () => void;
  checked: () => void;
};

/**
 * Checks coalesced: a check asked for while one runs makes that one go round again instead of
 * running beside it. A failed check closes the connection, which ends the session.
 */
function createChecker(ctx: TScanContext, c: ImapFlow, scanner: TMailboxScanner, hooks: TSessionHooks) {
  const { detail } = ctx;
  const imap = ctx.options.imap;
  const folderReady: TFolderReady = { done: false };
  let running: Promise<void> | undefined;
  let again = false;
  const check = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await scanner.scan(c, folderReady);
        // Only a completed check ends the backoff: a connection that logs in but cannot process
        // (database down) must not reconnect in a tight loop.
        hooks.checked();
      } while (again && !ctx.isStopped());
    })()
      .catch((err: unknown) => {
        detail.last_error = describeImapError(err, imap).message;
        ctx.deps.logger.warn('mail check failed; reconnecting', { err: (err as Error).message });
        c.close();
      })
      .finally(() => {
        running = undefined;
        hooks.setRunning(undefined);
      });
    hooks.setRunning(running);
    return running;
  };
  return { check, running: () => running };
}

/** One connection: open, catch up, then IDLE or poll until the connection closes. */
export async function runImapSession(ctx: TScanContext, scanner: TMailboxScanner, hooks: TSessionHooks): Promise<void> {
  const { options, detail } = ctx;
  const imap = options.imap;
  const useIdle = options.useIdle ?? true;
  const c = createImapClient(imap, { disableAutoIdle: !useIdle });
  hooks.setClient(c);
  const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
  c.on('error', (err: Error) => {
    detail.last_error = describeImapError(err, imap).message;
  });
  const checker = createChecker(ctx, c, scanner, hooks);
  let pollTimer: NodeJS.Timeout | undefined;
  try {
    await c.connect();
    await c.mailboxOpen(imap.folder);
    const idle = useIdle && c.capabilities.has('IDLE');
    detail.mode = idle ? 'idle' : 'poll';
    detail.last_error = null;
    hooks.connected();
    ctx.deps.logger.info(`watching ${imap.folder} on ${imap.host}:${imap.port} (${detail.mode})`);
    c.on('exists', () => void checker.check());
    await checker.check();
    if (!idle) pollTimer = setInterval(() => void checker.check(), options.pollIntervalMs);
    await closed;
  } finally {
    clearInterval(pollTimer);
    await checker.running();
    if (c.usable) await c.logout().catch(() => c.close());
    else c.close();
    hooks.setClient(undefined);
  }
}
