import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

/** As `npm run cli` does: runs from the repository root, the user's directory in INIT_CWD. */
function runCli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'services/cli/src/main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: cwd },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type TLine = { file: string; result: { category: string; fingerprint: string; failed_jobs: { excerpt: { text: string }[] }[] } };
const parseLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TLine);

const dir = mkdtempSync(join(tmpdir(), 'cia-analyze-'));
const NOISE = Array.from({ length: 30 }, (_, i) => `step ${i} ok`);
const LOGS: Record<string, string[]> = {
  'oom.log': ['$ npm run build', ...NOISE, 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
  'disk.log': ['$ make', ...NOISE, 'cp: error writing out/a.bin: No space left on device'],
};
for (const [name, lines] of Object.entries(LOGS)) writeFileSync(join(dir, name), lines.join('\n'));
// Many files, more than are analysed at once, in an order the results must keep.
const MANY = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 'oom.log' : 'disk.log'));

describe('cli analyze --jsonl / --pairs', () => {
  it('--jsonl prints one {file, result} line per file, in the order given', () => {
    const r = runCli(['analyze', '--jsonl', ...MANY, 'missing.log'], dir);
    expect(r.code).toBe(1);
    const lines = parseLines(r.stdout);
    expect(lines.map((l) => l.file)).toEqual(MANY);
    expect(lines.map((l) => l.result.category)).toEqual(MANY.map((f) => (f === 'oom.log' ? 'out_of_memory' : 'infrastructure')));
    expect(lines[0]?.result.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(r.stderr).toContain('missing.log');
  });

  it('--pairs analyses each manifest file against its own passing run', () => {
    // The passing run shares the out-of-memory line: against it, the excerpt keeps the disk error.
    const [oom, disk] = ['FATAL ERROR: JavaScript heap out of memory', 'cp: error writing a.bin: No space left on device'];
    writeFileSync(join(dir, 'both.log'), ['$ make', ...NOISE, oom, 'step x', disk].join('\n'));
    writeFileSync(join(dir, 'pass-oom.log'), ['$ make', oom, 'ok'].join('\n'));
    writeFileSync(join(dir, 'pass-disk.log'), ['$ make', disk, 'ok'].join('\n'));
    writeFileSync(
      join(dir, 'pairs.jsonl'),
      [
        { file: 'both.log', baseline: 'pass-oom.log' },
        { file: 'both.log', baseline: 'pass-disk.log' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const r = runCli(['analyze', '--jsonl', '--max-lines', '1', '--pairs', 'pairs.jsonl'], dir);
    expect(r.code).toBe(0);
    const lines = parseLines(r.stdout);
    expect(lines.map((l) => l.file)).toEqual(['both.log', 'both.log']);
    expect(lines.map((l) => l.result.failed_jobs[0]?.excerpt.map((e) => e.text))).toEqual([[disk], [oom]]);
    expect(lines.map((l) => l.result.category)).toEqual(['infrastructure', 'out_of_memory']);
  });

  it('--rules adds the rules of a directory to the knowledge base the analysis uses', () => {
    const rulesDir = mkdtempSync(join(tmpdir(), 'cia-rules-'));
    const rule = {
      id: 'acme-license-server',
      title: 'The ACME license server refused the build',
      category: 'infrastructure',
      severity: 'high',
      patterns: ['ACME-LIC-(?<code>\\d+): seat refused'],
      rootCause: 'The build tool could not check out a license seat.',
      causes: ['the license server answered ACME-LIC-<code>'],
      solutions: [{ title: 'Free a license seat', steps: ['Ask the license admin to free a seat, then retry the job'] }],
    };
    writeFileSync(join(rulesDir, 'acme.json'), JSON.stringify([rule]));
    writeFileSync(join(dir, 'license.log'), ['$ acme-build', ...NOISE, 'ACME-LIC-42: seat refused'].join('\n'));
    const [plain] = parseLines(runCli(['analyze', '--jsonl', 'license.log'], dir).stdout);
    const [withRules] = parseLines(runCli(['analyze', '--jsonl', '--rules', rulesDir, 'license.log'], dir).stdout);
    expect(plain?.result.category).toBe('unknown');
    expect(withRules?.result).toMatchObject({ category: 'infrastructure' });
    expect(JSON.stringify(withRules?.result)).toContain('the license server answered ACME-LIC-42');
  });

  it('--json with several files is a usage error', () => {
    expect(runCli(['analyze', '--json', 'oom.log', 'disk.log'], dir).code).toBe(2);
    expect(runCli(['analyze'], dir).code).toBe(2);
  });
});
