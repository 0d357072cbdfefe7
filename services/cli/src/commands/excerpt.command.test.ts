import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

/** As `npm run cli` does: runs from the repository root, the user's directory in INIT_CWD. */
function runCli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'services/cli/src/main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: cwd },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'cia-excerpt-'));
const FAILED = [
  '$ npm test',
  ...Array.from({ length: 50 }, (_, i) => `ok ${i}`),
  'npm ERR! code ELIFECYCLE',
  'npm ERR! Failed at the app@1.0.0 test script.',
  'password=hunter2x',
  'ERROR: Job failed: exit code 1',
].join('\n');
writeFileSync(join(dir, 'a.log'), FAILED);
writeFileSync(join(dir, 'b.log'), FAILED.replace('ELIFECYCLE', 'E404'));
writeFileSync(join(dir, 'pass.log'), ['$ npm test', 'ok 1', 'Job succeeded'].join('\n'));
// Two failure lines; each passing run shares one of them, so the other leads a one-line excerpt.
const TWO_ERRORS = [
  '$ make check',
  ...Array.from({ length: 40 }, (_, i) => `step ${i} ok`),
  'ERROR: cannot open alpha.cfg',
  'step x',
  'ERROR: cannot open beta.cfg',
].join('\n');
writeFileSync(join(dir, 'two.log'), TWO_ERRORS);
writeFileSync(join(dir, 'pass-alpha.log'), ['$ make check', 'ERROR: cannot open alpha.cfg', 'ok'].join('\n'));
writeFileSync(join(dir, 'pass-beta.log'), ['$ make check', 'ERROR: cannot open beta.cfg', 'ok'].join('\n'));
writeFileSync(
  join(dir, 'pairs.jsonl'),
  [{ file: 'two.log', baseline: 'pass-alpha.log' }, { file: join(dir, 'two.log'), baseline: join(dir, 'pass-beta.log') }, { file: 'a.log' }]
    .map((l) => JSON.stringify(l))
    .join('\n'),
);

describe('cli excerpt / analyze', () => {
  it('prints one JSON line per file with paths as given, relative to the user directory', () => {
    const r = runCli(['excerpt', '--jsonl', '--baseline', 'pass.log', 'a.log', 'b.log'], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; excerpt: string[] });
    expect(lines.map((l) => l.file)).toEqual(['a.log', 'b.log']);
    expect(lines[0]?.excerpt).toContain('npm ERR! code ELIFECYCLE');
    expect(lines[1]?.excerpt).toContain('npm ERR! code E404');
    expect(lines[0]?.excerpt).toContain('password=[MASKED:password]');
  });

  it('prints numbered lines for a person and exits 1 when a file cannot be read', () => {
    const r = runCli(['excerpt', join(dir, 'a.log'), join(dir, 'missing.log')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\s*52 │ npm ERR! code ELIFECYCLE$/m);
    expect(r.stderr).toContain('missing.log');
  });

  it('exits 2 on a usage error', () => {
    expect(runCli(['excerpt']).code).toBe(2);
    expect(runCli(['excerpt', '--max-lines', 'many', 'a.log'], dir).code).toBe(2);
  });

  it('--pairs excerpts each manifest file against its own passing run, paths as given', () => {
    const r = runCli(['excerpt', '--jsonl', '--max-lines', '1', '--pairs', 'pairs.jsonl'], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; excerpt: string[] });
    expect(lines.map((l) => l.file)).toEqual(['two.log', join(dir, 'two.log'), 'a.log']);
    expect(lines[0]?.excerpt).toEqual(['ERROR: cannot open beta.cfg']);
    expect(lines[1]?.excerpt).toEqual(['ERROR: cannot open alpha.cfg']);
  });

  it('--pairs with a bad manifest line exits 2 naming the line, before reading any log', () => {
    writeFileSync(join(dir, 'bad-pairs.jsonl'), `${JSON.stringify({ file: 'a.log' })}\n{"baseline": "pass.log"}\n`);
    const r = runCli(['excerpt', '--jsonl', '--pairs', 'bad-pairs.jsonl'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-pairs.jsonl:2');
    expect(r.stdout).toBe('');
    expect(runCli(['excerpt', '--pairs', 'no-such-manifest.jsonl'], dir).code).toBe(2);
  });

  it('analyze --json prints a valid analysis result', () => {
    const r = runCli(['analyze', '--json', 'a.log'], dir);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as {
      category: string;
      fingerprint: string;
      failed_jobs: { excerpt: { line: number; text: string }[] }[];
    };
    expect(result.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(result.failed_jobs[0]?.excerpt).toContainEqual({ line: 52, text: 'npm ERR! code ELIFECYCLE' });
  });
});
