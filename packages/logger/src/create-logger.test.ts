import { captureLogger as capturedLogger } from './testing';

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

  it('follows a level changed at run time', async () => {
    const { logger, lines, settled } = capturedLogger('warn');
    logger.child({ job_id: 1 }).debug('hidden');
    logger.level = 'debug';
    logger.child({ job_id: 1 }).debug('now shown');
    await settled();
    expect(lines.map((l) => l.message)).toEqual(['now shown']);
  });
});
