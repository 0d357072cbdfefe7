import { ConfigError } from '@cia/config';
import { testConfig } from '@cia/config/testing';
import { createLogger } from '@cia/logger';
import { startMailWatcher, watcherOptionsFromConfig } from './start';

const logger = createLogger({ service: 'test', silent: true });

test('with TRIGGER_MODE=webhook the mail-watcher stays idle and needs no IMAP, Redis or database', async () => {
  const handle = await startMailWatcher(testConfig({ TRIGGER_MODE: 'webhook' }), { logger });
  expect(handle.watcher).toBeUndefined();
  await handle.close();
});

test('with the email trigger on, missing IMAP credentials are a configuration error naming the settings', async () => {
  await expect(startMailWatcher(testConfig({ TRIGGER_MODE: 'both', REDIS_URL: 'redis://127.0.0.1:1' }), { logger })).rejects.toThrow(
    ConfigError,
  );
  await expect(
    startMailWatcher(testConfig({ IMAP_ENABLED: 'true', REDIS_URL: 'redis://127.0.0.1:1', IMAP_USER: 'u' }), { logger }),
  ).rejects.toThrow(/IMAP_APP_PASSWORD: required/);
});

test('the IMAP settings map onto the watcher options', () => {
  const o = watcherOptionsFromConfig(
    testConfig({
      IMAP_USER: 'u',
      IMAP_APP_PASSWORD: 'p',
      IMAP_USE_SSL: 'false',
      IMAP_PORT: '143',
      IMAP_CHECK_INTERVAL: '30',
      IMAP_AFTER_PROCESS: 'move',
      IMAP_GITLAB_EMAIL: 'a@b.c, gitlab.com',
    }),
  );
  expect(o).toMatchObject({
    imap: { host: 'imap.gmail.com', port: 143, secure: false, user: 'u', password: 'p', folder: 'INBOX' },
    rules: { senders: ['a@b.c', 'gitlab.com'], failureKeywords: ['failed', 'failure'] },
    afterProcess: 'move',
    processedFolder: 'Processed',
    pollIntervalMs: 30_000,
  });
});
