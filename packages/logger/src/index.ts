export { createLogger, type TLogger, type TLoggerOptions } from './create-logger';
export { redact } from './redact';
export { runService } from './run-service';
