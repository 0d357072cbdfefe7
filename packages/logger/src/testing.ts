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
