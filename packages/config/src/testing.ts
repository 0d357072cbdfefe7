import { loadConfig, type TConfig } from './load-config';

/** A config for tests: defaults plus overrides, never reading .env or the real environment. */
export function testConfig(overrides: Record<string, string | undefined> = {}): TConfig {
  return loadConfig({ ENVIRONMENT: 'test', LOG_LEVEL: 'error', ...overrides }, { dotenvPath: false });
}
