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
    ? winston.format.combine(redactFormat(options.secretValues), winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json())
    : winston.format.combine(
        redactFormat(options.secretValues),
        winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
        winston.format.printf(({ timestamp, level, message, service, ...rest }) => {
          const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
          return `${String(timestamp)} ${level.padEnd(5)} [${String(service)}] ${String(message)}${extra}`;
        }),
      );
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service },
    format,
    silent: options.silent ?? false,
    // stderr keeps stdout clean for CLI output such as `excerpt --jsonl`.
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] })],
  });
  skipDisabledLevels(logger);
  return logger;
}

/**
 * winston runs every entry through the format chain (redaction copies it whole) and only then lets
 * the transport drop those below the level: a worker's per-analysis info line cost that at
 * LOG_LEVEL=warn. Entries no transport would print now return at once (winston's isLevelEnabled
 * weighs the transports' own levels too, so what is printed is unchanged); child loggers inherit
 * these methods.
 */
function skipDisabledLevels(logger: TLogger): void {
  const methods = logger as unknown as Record<string, (...args: unknown[]) => TLogger>;
  for (const level of Object.keys(logger.levels)) {
    const log = methods[level];
    if (typeof log !== 'function') continue;
    methods[level] = function (this: TLogger, ...args: unknown[]) {
      return this.isLevelEnabled(level) ? log.apply(this, args) : this;
    };
  }
}
