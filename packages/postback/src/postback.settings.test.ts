import { testConfig } from '@cia/config/testing';
import { pickChannels, pickPostbackSettings, resultsPageUrl } from './postback.settings';
import { link } from './markdown';

const project = { id: 42, path: 'Group/App' };

test('post-back is off by default: no channel for any project', () => {
  expect(pickChannels(pickPostbackSettings(testConfig()), project)).toEqual([]);
});

test('each channel needs its own settings; the webhook is never sent unsigned', () => {
  const base = {
    POSTBACK_ENABLED: 'true',
    SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
    NOTIFY_WEBHOOK_URL: 'https://hooks.example/ci',
  };
  expect(pickChannels(pickPostbackSettings(testConfig(base)), project)).toEqual(['slack']);
  expect(pickChannels(pickPostbackSettings(testConfig({ ...base, GITLAB_API_TOKEN: 'glpat-x', SECRET_KEY: 'k' })), project)).toEqual([
    'gitlab',
    'slack',
    'webhook',
  ]);
  expect(
    pickChannels(
      pickPostbackSettings(testConfig({ ...base, GITLAB_API_TOKEN: 'glpat-x', SECRET_KEY: 'k', POSTBACK_PROJECTS: '1' })),
      project,
    ),
  ).toEqual([]);
});

test('the results link points at the results page of the analysis', () => {
  expect(resultsPageUrl({ publicUrl: 'https://ci.example/base/' }, 'req-1')).toBe('https://ci.example/base/ui/analyses/req-1');
  expect(resultsPageUrl({}, 'req-1')).toBeUndefined();
});

test('only allowed http(s) links are rendered as links', () => {
  const any = () => true;
  expect(link('job', 'javascript:alert(1)', any)).toBe('job');
  expect(link('job [1]', 'https://gitlab.example/jobs/1', any)).toBe('[job \\[1\\]](https://gitlab.example/jobs/1)');
  expect(link('job', 'https://gitlab.example/jobs/1', () => false)).toBe('job');
});

test('everything posted is masked with every secret of the configuration, not only the GitLab token', () => {
  const { maskValues } = pickPostbackSettings(
    testConfig({
      GITLAB_API_TOKEN: 'legacyGitlabToken0123',
      OPENAI_API_KEY: 'openai-key-0123456789',
      ANTHROPIC_API_KEY: 'anthropic-key-0123456789',
      AZURE_OPENAI_API_KEY: 'azure-key-0123456789',
      IMAP_APP_PASSWORD: 'imap-app-password-42',
      DATABASE_URL: 'postgres://app:Pg-Passw0rd-9@db:5432/ci',
      REDIS_URL: 'redis://:R3dis-Passw0rd@cache:6379/0',
    }),
  );
  for (const v of [
    'legacyGitlabToken0123',
    'openai-key-0123456789',
    'anthropic-key-0123456789',
    'azure-key-0123456789',
    'imap-app-password-42',
    'Pg-Passw0rd-9',
    'R3dis-Passw0rd',
  ]) {
    expect(maskValues).toContain(v);
  }
});
