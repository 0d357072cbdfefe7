import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, enabledTriggers } from './load-config';
import { maskConfig } from './secret-settings';

const load = (env: Record<string, string>) => loadConfig(env, { dotenvPath: false });

test('defaults need no settings at all', () => {
  const c = load({});
  expect(c).toMatchObject({
    PORT: 8000,
    TRIGGER_MODE: 'webhook',
    DATA_DIR: './.data',
    ENVIRONMENT: 'development',
    GITLAB_LOG_LINES_LIMIT: 2000,
  });
  expect(c.DATABASE_URL).toBeUndefined();
});

test('by default ingest listens on loopback only and takes webhook bodies up to 25 MB (GitLab sends that much)', () => {
  const c = load({});
  expect(c.HOST).toBe('127.0.0.1');
  expect(c.WEBHOOK_BODY_LIMIT_MB).toBe(25);
  expect(load({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
});

test('a wrong value names the variable and what it expects, on one line', () => {
  expect(() => load({ PORT: 'abc' })).toThrow(ConfigError);
  expect(() => load({ PORT: 'abc' })).toThrow(/PORT: .*number.*\(got "abc"\)/);
  expect(() => load({ TRIGGER_MODE: 'sometimes' })).toThrow(/TRIGGER_MODE: .*"webhook"\|"email"\|"both"/);
  try {
    load({ PORT: 'abc', TRIGGER_MODE: 'sometimes' });
  } catch (e) {
    expect((e as Error).message.split('\n')).toHaveLength(1);
  }
});

test('booleans, lists and urls are parsed and validated', () => {
  const c = load({
    GITLAB_AUTO_FETCH_LOGS: 'false',
    IMAP_GITLAB_EMAIL: 'a@x.org, b@y.org',
    GITLAB_BASE_URL: 'https://git.example.com/gitlab',
  });
  expect(c.GITLAB_AUTO_FETCH_LOGS).toBe(false);
  expect(c.IMAP_GITLAB_EMAIL).toEqual(['a@x.org', 'b@y.org']);
  expect(() => load({ GITLAB_FETCH_ARTIFACTS: 'maybe' })).toThrow(/GITLAB_FETCH_ARTIFACTS/);
  expect(() => load({ GITLAB_BASE_URL: 'not a url' })).toThrow(/GITLAB_BASE_URL/);
});

test('production requires API_TOKEN and SECRET_KEY', () => {
  expect(() => load({ ENVIRONMENT: 'production' })).toThrow(/API_TOKEN: required when ENVIRONMENT=production/);
  expect(load({ ENVIRONMENT: 'production', API_TOKEN: 't', SECRET_KEY: 's', GITLAB_WEBHOOK_SECRET: 'w' }).ENVIRONMENT).toBe('production');
});

test('production refuses to accept unsigned webhooks: GITLAB_WEBHOOK_SECRET is required unless only email triggers', () => {
  const prod = { ENVIRONMENT: 'production', API_TOKEN: 't', SECRET_KEY: 's' };
  expect(() => load(prod)).toThrow(/GITLAB_WEBHOOK_SECRET: required when ENVIRONMENT=production/);
  expect(() => load({ ...prod, TRIGGER_MODE: 'both' })).toThrow(/GITLAB_WEBHOOK_SECRET/);
  expect(load({ ...prod, TRIGGER_MODE: 'email' }).TRIGGER_MODE).toBe('email');
  // Outside production an unsigned webhook stays possible (local trials).
  expect(load({}).GITLAB_WEBHOOK_SECRET).toBeUndefined();
});

test('host lists take host or host:port and refuse URLs', () => {
  expect(load({ GITLAB_REDIRECT_HOSTS: 'Storage.Example.com, minio:9000' }).GITLAB_REDIRECT_HOSTS).toEqual([
    'storage.example.com',
    'minio:9000',
  ]);
  expect(() => load({ GITLAB_REDIRECT_HOSTS: 'https://storage.example.com/bucket' })).toThrow(/GITLAB_REDIRECT_HOSTS: .*host or host:port/);
  expect(load({}).POSTBACK_LINK_HOSTS).toContain('docs.gitlab.com');
  expect(load({ POSTBACK_LINK_HOSTS: '' }).POSTBACK_LINK_HOSTS).toEqual([]);
});

test('the incident digest is off by default; its schedule is a cron pattern (5 or 6 fields)', () => {
  expect(load({})).toMatchObject({ DIGEST_TOP_INCIDENTS: 10, DIGEST_NEW_INCIDENTS: true });
  expect(load({}).DIGEST_SCHEDULE).toBeUndefined();
  expect(load({ DIGEST_SCHEDULE: '  ' }).DIGEST_SCHEDULE).toBeUndefined();
  expect(load({ DIGEST_SCHEDULE: '0 8 * * 1-5' }).DIGEST_SCHEDULE).toBe('0 8 * * 1-5');
  expect(load({ DIGEST_SCHEDULE: '*/30 * * * * *' }).DIGEST_SCHEDULE).toBe('*/30 * * * * *');
  expect(() => load({ DIGEST_SCHEDULE: 'daily' })).toThrow(/DIGEST_SCHEDULE: .*cron pattern/);
  expect(() => load({ DIGEST_SCHEDULE: '0 8 * *' })).toThrow(/DIGEST_SCHEDULE/);
  // The right shape, values no scheduler accepts: refused at start, not logged later by the worker.
  expect(() => load({ DIGEST_SCHEDULE: '99 * * * *' })).toThrow(/DIGEST_SCHEDULE: .*not a valid cron pattern/);
  expect(() => load({ DIGEST_SCHEDULE: '0 8 * 13 *' })).toThrow(/DIGEST_SCHEDULE/);
  expect(() => load({ DIGEST_TOP_INCIDENTS: '0' })).toThrow(/DIGEST_TOP_INCIDENTS/);
});

test('secret values are never echoed in errors or in the masked view', () => {
  expect(() => load({ GITLAB_API_TOKEN: 'glpat-abc', PORT: '-1' })).not.toThrow(/glpat-abc/);
  const masked = maskConfig(load({ GITLAB_API_TOKEN: 'glpat-secret', OPENAI_API_KEY: 'sk-secret' }));
  expect(JSON.stringify(masked)).not.toMatch(/secret/);
  expect(masked.GITLAB_API_TOKEN).toBe('********');
});

test('.env is read when present and real environment variables win', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cia-env-'));
  const file = path.join(dir, '.env');
  fs.writeFileSync(file, 'PORT=9100\nLOG_LEVEL=debug\n');
  const c = loadConfig({ LOG_LEVEL: 'warn' }, { dotenvPath: file });
  expect(c.PORT).toBe(9100);
  expect(c.LOG_LEVEL).toBe('warn');
});

test('TRIGGER_MODE decides which triggers run', () => {
  expect(enabledTriggers(load({}))).toEqual({ webhook: true, email: false });
  expect(enabledTriggers(load({ TRIGGER_MODE: 'email' }))).toEqual({ webhook: false, email: true });
  expect(enabledTriggers(load({ TRIGGER_MODE: 'both' }))).toEqual({ webhook: true, email: true });
});

test('proxy settings are read under their upper- and lower-case names, and their credentials are masked', () => {
  const c = load({ https_proxy: 'http://user:hunter2@proxy:3128', NO_PROXY: 'gitlab.internal' });
  expect(c.HTTPS_PROXY).toBe('http://user:hunter2@proxy:3128');
  expect(c.NO_PROXY).toBe('gitlab.internal');
  expect(load({ HTTP_PROXY: 'http://upper:3128', http_proxy: 'http://lower:3128' }).HTTP_PROXY).toBe('http://upper:3128');
  expect(JSON.stringify(maskConfig(c))).not.toMatch(/hunter2/);
});

test('the excerpt context setting is read under its former name GITLAB_LOG_CONTEXT_LINES too; the new name wins', () => {
  expect(load({}).EXCERPT_CONTEXT_LINES).toBe(50);
  expect(load({ GITLAB_LOG_CONTEXT_LINES: '7' }).EXCERPT_CONTEXT_LINES).toBe(7);
  expect(load({ EXCERPT_CONTEXT_LINES: '3', GITLAB_LOG_CONTEXT_LINES: '7' }).EXCERPT_CONTEXT_LINES).toBe(3);
  expect(() => load({ GITLAB_LOG_CONTEXT_LINES: 'lots' })).toThrow(
    /EXCERPT_CONTEXT_LINES \(set as GITLAB_LOG_CONTEXT_LINES\): .*\(got "lots"\)/,
  );
});
