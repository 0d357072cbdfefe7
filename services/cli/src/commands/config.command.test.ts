import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ZEnv } from '@cia/config';

const ROOT = resolve(__dirname, '../../../..');

/** `npm run cli -- config` with exactly these settings (no .env, none of the test runner's own). */
function runConfig(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'services/cli/src/main.ts'), 'config', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ENV = {
  DATABASE_URL: 'postgres://ci:Pg-Passw0rd-9@db.internal:5432/ci_analyst',
  REDIS_URL: 'redis://:R3dis-Passw0rd@cache.internal:6380/1',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0AAA/B0BBB/SlackPathSecret0123',
  GITLAB_API_TOKEN: 'glpat-Zx8vQm2LkP9sTr4WnB7y',
  AI_MAX_INPUT_TOKENS: '9000',
};

function lines(stdout: string): Map<string, string> {
  return new Map(
    stdout
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, 28).trim(), l.slice(29)] as [string, string]),
  );
}

// Each run starts a Node process: the outputs are read once and checked by each test.
let text: ReturnType<typeof runConfig>;
let json: ReturnType<typeof runConfig>;
beforeAll(() => {
  text = runConfig([], ENV);
  json = runConfig(['--json'], ENV);
});

describe('cli config', () => {
  it('hides the passwords of DATABASE_URL and REDIS_URL and the Slack webhook path, and shows where they point', () => {
    const r = text;
    expect(r.code).toBe(0);
    for (const secret of ['Pg-Passw0rd-9', 'R3dis-Passw0rd', 'SlackPathSecret0123', 'T0AAA/B0BBB', 'Zx8vQm2LkP9sTr4WnB7y'])
      expect(r.stdout).not.toContain(secret);
    const shown = lines(r.stdout);
    expect(shown.get('DATABASE_URL')).toBe('postgres://ci:********@db.internal:5432/ci_analyst');
    expect(shown.get('REDIS_URL')).toBe('redis://:********@cache.internal:6380/1');
    expect(shown.get('SLACK_WEBHOOK_URL')).toBe('https://hooks.slack.com/********');
    expect(shown.get('GITLAB_API_TOKEN')).toBe('********');
  });

  it('shows numbers and booleans plainly, even when their name holds TOKEN', () => {
    const shown = lines(text.stdout);
    expect(shown.get('AI_MAX_INPUT_TOKENS')).toBe('9000');
    expect(shown.get('AI_MAX_OUTPUT_TOKENS')).toBe('2000');
    expect(shown.get('AI_RULES_FIRST')).toBe('true');
  });

  it('prints every setting of the schema, the unset ones as (unset)', () => {
    const shown = lines(text.stdout);
    expect([...shown.keys()]).toEqual(Object.keys(ZEnv.shape));
    expect(shown.get('OPENAI_API_KEY')).toBe('(unset)');
    expect(shown.get('NOTIFY_WEBHOOK_URL')).toBe('(unset)');
  });

  it('prints the same as JSON, unset settings as null', () => {
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(Object.keys(ZEnv.shape));
    expect(parsed).toMatchObject({ OPENAI_API_KEY: null, AI_MAX_INPUT_TOKENS: 9000, REDIS_URL: 'redis://:********@cache.internal:6380/1' });
    expect(json.stdout).not.toContain('R3dis-Passw0rd');
  });
});
