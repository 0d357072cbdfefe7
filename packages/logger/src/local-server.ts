import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A TCP port free on the loopback interface right now (for a server child that needs its port up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export type TWaitOptions = {
  /** Names the server in errors (`redis-server`, `dovecot`). */
  name: string;
  timeoutMs: number;
  intervalMs: number;
  /** What to add to the error when the child exits (the end of its log). */
  exitDetail?: () => string;
};

/**
 * Waits for a server child to answer: asks `probe` until it says yes, and fails as soon as the
 * child exits or the time is up (a server that cannot start must not be waited for in vain).
 */
export async function waitForServer(child: ChildProcess, probe: () => Promise<boolean>, options: TWaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const detail = options.exitDetail?.() ?? '';
      throw new Error(`${options.name} exited with code ${child.exitCode}${detail ? `: ${detail}` : ''}`);
    }
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
  throw new Error(`${options.name} did not answer within ${options.timeoutMs} ms`);
}
