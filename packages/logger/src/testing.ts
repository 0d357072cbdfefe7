import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from './create-logger';

/** A logger as createLogger makes it, printing nothing, keeping every entry it would print. */
export function captureLogger(level = 'debug', secretValues?: string[]) {
  const logger = createLogger({ service: 'test', level, json: true, secretValues });
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  logger.add(new winston.transports.Stream({ stream: sink }));
  // The console transport would print into the test output.
  logger.transports[0]!.silent = true;
  return { logger, lines, settled: () => new Promise((r) => setImmediate(r)) };
}

/**
 * Asks `probe` every 25 ms until it answers something (not undefined, false or null) and returns
 * that answer; fails naming `what` after `timeoutMs`. For tests waiting on work other processes
 * or queues do.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
