import { ZEnv } from './env.schema';
import { loadConfig } from './load-config';
import { SECRET_SETTINGS, maskConfig, secretValuesOf } from './secret-settings';

const load = (env: Record<string, string>) => loadConfig(env, { dotenvPath: false });

const SECRETS = {
  SECRET_KEY: 'sk-app-Signing0123',
  API_TOKEN: 'api-token-0123456789',
  GITLAB_API_TOKEN: 'legacyGitlabToken0123',
  GITLAB_WEBHOOK_SECRET: 'hook-secret-0123456',
  IMAP_APP_PASSWORD: 'imap app password 42',
  OPENAI_API_KEY: 'openai-key-0123456789',
  ANTHROPIC_API_KEY: 'anthropic-key-0123456789',
  AZURE_OPENAI_API_KEY: 'azure-key-0123456789',
};
const URLS = {
  DATABASE_URL: 'postgres://app:Pg%40ssw0rd-db@db.internal:5432/ci',
  REDIS_URL: 'redis://:R3dis-Passw0rd@cache.internal:6379/2',
  HTTPS_PROXY: 'http://proxy-user:Pr0xy-Passw0rd@proxy.internal:3128',
  NOTIFY_WEBHOOK_URL: 'https://hooks-user:N0tify-Passw0rd@notify.example.com/ci?token=Query-T0ken-123',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0AAA/B0BBB/SlackPathSecret0123',
};
const URL_SECRETS = [
  'Pg%40ssw0rd-db',
  'Pg@ssw0rd-db',
  'R3dis-Passw0rd',
  'Pr0xy-Passw0rd',
  'N0tify-Passw0rd',
  'Query-T0ken-123',
  'SlackPathSecret0123',
];

describe('the secret settings', () => {
  const config = load({ ...SECRETS, ...URLS });

  test('are masked as exact values: every secret setting, and the password, query or path of the URLs', () => {
    const values = secretValuesOf(config);
    for (const v of [...Object.values(SECRETS), ...URL_SECRETS]) expect(values).toContain(v);
    // Hosts, ports and database names are not secrets: masking them would blank ordinary log text.
    for (const v of ['db.internal', 'cache.internal', 'hooks.slack.com', 'app', 'proxy-user']) expect(values).not.toContain(v);
  });

  test('are computed once per configuration', () => {
    expect(secretValuesOf(config)).toBe(secretValuesOf(config));
  });

  test('are shown hidden by maskConfig, URLs with their scheme, host, port and database', () => {
    const shown = maskConfig(config);
    const text = JSON.stringify(shown);
    for (const v of [...Object.values(SECRETS), ...URL_SECRETS]) expect(text).not.toContain(v);
    expect(shown.GITLAB_API_TOKEN).toBe('********');
    expect(shown.DATABASE_URL).toBe('postgres://app:********@db.internal:5432/ci');
    expect(shown.REDIS_URL).toBe('redis://:********@cache.internal:6379/2');
    expect(shown.SLACK_WEBHOOK_URL).toBe('https://hooks.slack.com/********');
    expect(shown.NOTIFY_WEBHOOK_URL).toBe('https://hooks-user:********@notify.example.com/ci?token=********');
  });

  test('every setting named like a secret is listed as one', () => {
    const named = Object.keys(ZEnv.shape).filter(
      (n) =>
        /SECRET|PASSWORD|API_KEY|API_TOKEN|_URL$/.test(n) &&
        !/^(GITLAB_BASE|PUBLIC|OPENAI_BASE|ANTHROPIC_BASE)_URL$/.test(n) &&
        n !== 'AZURE_OPENAI_ENDPOINT',
    );
    expect(named.filter((n) => !(n in SECRET_SETTINGS))).toEqual([]);
  });
});

describe('maskConfig', () => {
  test('shows numbers and booleans as they are, even when their name holds TOKEN or KEY', () => {
    const shown = maskConfig(load({ AI_MAX_INPUT_TOKENS: '9000' }));
    expect(shown.AI_MAX_INPUT_TOKENS).toBe(9000);
    expect(shown.AI_MAX_OUTPUT_TOKENS).toBe(2000);
    expect(shown.GITLAB_AUTO_FETCH_LOGS).toBe(true);
  });

  test('lists every setting of the schema, unset ones as undefined', () => {
    const shown = maskConfig(load({}));
    expect(Object.keys(shown)).toEqual(Object.keys(ZEnv.shape));
    expect('OPENAI_API_KEY' in shown).toBe(true);
    expect(shown.OPENAI_API_KEY).toBeUndefined();
  });
});
