/**
 * `npm run bench -- category [--dataset DIR] [--baseline with|without|both] [--misses]`: how often
 * the offline analyzer's category is right on a set of labelled failed jobs (the BugSwarm pairs:
 * cases.jsonl with `log`, `pass_log`, `failure_category`, `expected`). It runs the real CLI,
 * `analyze --jsonl --pairs MANIFEST`, once with each job's passing run as its baseline and once
 * without, and prints accuracy, the share of `unknown`, and a confusion table by study category.
 * `--misses` also lists every wrong answer with the rule that produced it, and audits the misses
 * labelled Test: whether their log reports any failing test at all (FAILING_TEST_RE, the summary
 * lines of JUnit/Surefire, Gradle, pytest, unittest/nose, RSpec and TAP). A log that reports none
 * cannot support "test" from what it says, whatever rule reads it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'services/cli/src/main.ts');

type TCase = { id: string; repo: string; log: string; pass_log?: string; failure_category: string; expected: string[] };
type TAnswer = { category: string; summary: string; root_cause: string; source?: { detail?: string } };
type TScored = { case: TCase; answer: TAnswer; right: boolean };

/** A test framework's report of at least one failing test. */
const FAILING_TEST_RE = new RegExp(
  [
    String.raw`Tests run: \d+, Failures: (?:[1-9]|\d+, Errors: [1-9])`,
    String.raw`There (?:are|were) test failures`,
    String.raw`\d+ tests? completed, \d+ failed`,
    String.raw`^(?:FAIL|ERROR): test`,
    String.raw`FAILED \((?:failures|errors)=`,
    String.raw`=+ (?:\d+ \w+, )*\d+ failed`,
    String.raw`\d+ examples?, [1-9]\d* failures?`,
    String.raw`^not ok \d+`,
  ].join('|'),
  'm',
);

function reportsFailingTest(dataset: string, logPath: string): boolean {
  return FAILING_TEST_RE.test(readFileSync(resolve(dataset, logPath), 'latin1'));
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** One `analyze --jsonl --pairs` run over every case; answers by the path given in the manifest. */
async function analyzeAll(dataset: string, cases: TCase[], withBaseline: boolean): Promise<Map<string, TAnswer>> {
  const dir = mkdtempSync(join(tmpdir(), 'cia-bench-category-'));
  const manifest = join(dir, 'pairs.jsonl');
  const lines = cases.map((c) => JSON.stringify(withBaseline && c.pass_log ? { file: c.log, baseline: c.pass_log } : { file: c.log }));
  writeFileSync(manifest, `${lines.join('\n')}\n`);
  const answers = new Map<string, TAnswer>();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'analyze', '--jsonl', '--pairs', manifest], {
      cwd: ROOT,
      env: { ...process.env, INIT_CWD: dataset },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((done) => child.on('close', done));
    for await (const line of createInterface({ input: child.stdout })) {
      const { file, result } = JSON.parse(line) as { file: string; result: TAnswer };
      answers.set(file, result);
    }
    const code = await exited;
    if (code !== 0) process.stderr.write(`analyze exited with ${code}: some logs could not be read\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return answers;
}

const pct = (n: number, of: number) => (of === 0 ? '   -  ' : `${((100 * n) / of).toFixed(1).padStart(5)}%`);

function report(dataset: string, title: string, scored: TScored[], showMisses: boolean): void {
  const right = scored.filter((s) => s.right).length;
  const unknown = scored.filter((s) => s.answer.category === 'unknown').length;
  const out = [
    `## ${title}`,
    `cases ${scored.length}   category right ${right} (${pct(right, scored.length).trim()})   unknown ${unknown} (${pct(unknown, scored.length).trim()})`,
    '',
  ];
  const ours = [...new Set(scored.map((s) => s.answer.category))].sort();
  const studies = [...new Set(scored.map((s) => s.case.failure_category))].sort();
  const width = Math.max(16, ...studies.map((s) => s.length + 1));
  out.push(`${'study \\ ours'.padEnd(width)}${ours.map((o) => o.slice(0, 11).padStart(12)).join('')}   right`);
  for (const study of studies) {
    const row = scored.filter((s) => s.case.failure_category === study);
    const counts = ours.map((o) => String(row.filter((s) => s.answer.category === o).length || '.').padStart(12));
    const ok = row.filter((s) => s.right).length;
    out.push(`${study.padEnd(width)}${counts.join('')}   ${ok}/${row.length} ${pct(ok, row.length)}`);
  }
  if (showMisses) {
    out.push('', 'misses (id, study → ours, how):');
    const misses = scored.filter((x) => !x.right);
    const testMisses = misses.filter((s) => s.case.failure_category === 'Test');
    const unsupported = new Set(testMisses.filter((s) => !reportsFailingTest(dataset, s.case.log)));
    for (const s of misses) {
      const audit = unsupported.has(s) ? '  [the log reports no failing test]' : '';
      out.push(`  ${s.case.id}  ${s.case.failure_category} → ${s.answer.category}  (${s.answer.source?.detail ?? ''})${audit}`);
    }
    out.push(
      '',
      `label audit: ${unsupported.size} of the ${testMisses.length} misses labelled Test come from logs that report no failing test;`,
      `answers the logs can support at best: ${right + misses.length - unsupported.size} of ${scored.length} (${pct(right + misses.length - unsupported.size, scored.length).trim()})`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n\n`);
}

async function main(): Promise<void> {
  const dataset = resolve(option('--dataset', '/tmp/bugswarm-pairs-dev'));
  const mode = option('--baseline', 'both');
  const cases = readFileSync(join(dataset, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TCase);
  const runs = mode === 'both' ? [true, false] : [mode === 'with'];
  for (const withBaseline of runs) {
    const answers = await analyzeAll(dataset, cases, withBaseline);
    const scored = cases.flatMap((c) => {
      const answer = answers.get(c.log);
      return answer ? [{ case: c, answer, right: c.expected.includes(answer.category) }] : [];
    });
    report(
      dataset,
      `${dataset}: ${withBaseline ? 'with the passing run as baseline' : 'without baseline'}`,
      scored,
      process.argv.includes('--misses'),
    );
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
