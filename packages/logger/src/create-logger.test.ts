import { captureLogger as capturedLogger } from './testing';
import { createLogger } from './create-logger';

describe('createLogger', () => {
  it('prints entries at and above its level, redacted, from the logger and its children', async () => {
    const { logger, lines, settled } = capturedLogger('warn');
    const child = logger.child({ request_id: 'req-1' });
    logger.info('below the level');
    child.debug('also below');
    child.warn('kept', { token: 'glpat-abcdefghijklmnopqrst' });
    logger.error('kept too');
    await settled();
    expect(lines.map((l) => l.message)).toEqual(['kept', 'kept too']);
    expect(lines[0]).toMatchObject({ level: 'warn', request_id: 'req-1', service: 'test' });
    expect(JSON.stringify(lines)).not.toContain('glpat-abcdefghijklmnopqrst');
  });

  it('cuts the exact secret values it was given out of messages, metadata and errors, also URL-encoded', async () => {
    const legacyToken = 'LegacyGitlabToken0123';
    const dbPassword = 'db pass/w0rd';
    const { logger, lines, settled } = capturedLogger('info', [legacyToken, dbPassword, 'short']);
    logger.warn(`provider said: invalid key ${legacyToken}`, {
      err: new Error(`connect postgres://app:${encodeURIComponent(dbPassword)}@db failed`),
      detail: { note: `pw is ${dbPassword}` },
    });
    logger.info('a short value is left alone: short');
    await settled();
    const text = JSON.stringify(lines);
    expect(text).not.toContain(legacyToken);
    expect(text).not.toContain(dbPassword);
    expect(text).not.toContain(encodeURIComponent(dbPassword));
    expect(lines[0]?.message).toBe('provider said: invalid key [REDACTED]');
    expect(lines[1]?.message).toBe('a short value is left alone: short');
  });

  it('is winston as documented: levels are filtered by winston, no level method replaced', () => {
    const logger = createLogger({ service: 'test', silent: true });
    const child = logger.child({ request_id: 'req-1' });
    for (const level of Object.keys(logger.levels)) {
      expect(Object.hasOwn(logger, level)).toBe(false);
      expect(Object.hasOwn(child, level)).toBe(false);
    }
  });

  it('follows a level changed at run time', async () => {
    const { logger, lines, settled } = capturedLogger('warn');
    logger.child({ job_id: 1 }).debug('hidden');
    logger.level = 'debug';
    logger.child({ job_id: 1 }).debug('now shown');
    await settled();
    expect(lines.map((l) => l.message)).toEqual(['now shown']);
  });
});
