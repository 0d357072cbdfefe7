import winston from 'winston';
import { createRedactor } from './redact';

export type TLogger = winston.Logger;

export type TLoggerOptions = {
  service: string;
  level?: string;
  /** JSON lines (production) or readable lines (development). */
  json?: boolean;
  /** Silence output (tests that assert on nothing logged). */
  silent?: boolean;
  /** Exact values cut out of every entry, message included: the service's own secrets (secretValuesOf(config)). */
  secretValues?: readonly string[];
};

/** Scrubs the whole entry, message included, before any other format sees it. */
function redactFormat(secretValues: readonly string[] | undefined) {
  const redact = createRedactor(secretValues);
  return winston.format((info) => {
    const scrubbed = redact({ ...info }) as winston.Logform.TransformableInfo;
    for (const key of Object.keys(scrubbed)) info[key] = scrubbed[key];
    return info;
  })();
}

/** One winston logger per process; child loggers add request_id, job_id, attempt. */
export function createLogger(options: TLoggerOptions): TLogger {
  const json = options.json ?? process.env.ENVIRONMENT === 'production';
  const format = json
    ? winston.format.combine(
        redactFormat(options.secretValues),
        winston.format.timestamp(),
        winston.format.errors({ stack: true }),
        winston.format.json(),
      )
    : winston.format.combine(
        redactFormat(options.secretValues),
        winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
        winston.format.printf(({ timestamp, level, message, service, ...rest }) => {
          const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
          return `${String(timestamp)} ${level.padEnd(5)} [${String(service)}] ${String(message)}${extra}`;
        }),
      );
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service },
    format,
    silent: options.silent ?? false,
    // stderr keeps stdout clean for CLI output such as `excerpt --jsonl`.
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] })],
  });
}
