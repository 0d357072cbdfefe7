export { createLogger, type TLogger, type TLoggerOptions } from './create-logger';
export { createRedactor, redact } from './redact';
export { runService } from './run-service';
export { freePort, waitForServer, type TWaitOptions } from './local-server';
