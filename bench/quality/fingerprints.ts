/**
 * `node --import tsx bench/quality/fingerprints.ts [--bugswarm DIR|none] [--logchunks DIR|none]
 * [--reruns N] [--show N]`: how well failure fingerprints (`identifyFailure` of @cia/log-intel)
 * tell failures apart and keep re-runs together, computed on the excerpts the CLI makes
 * (`excerptLog` with its default budget), as the product computes them:
 *
 * 1. across repositories: fingerprints, and content-only signatures, shared by two repositories;
 * 2. re-runs: the share of simulated re-runs (bench/quality/rerun.ts, seeds 1..N) that keep the
 *    fingerprint, with the single change that breaks each miss; then the groups of different logs
 *    of one repository that share one, printed for a check by hand (`--show N` groups);
 * 3. different failures of one repository (LogChunks): pairs whose labelled chunks differ, as
 *    identity lines, yet share a fingerprint; split by whether a line that tells the two chunks
 *    apart is in an excerpt at all.
 *
 * Data sets: the BugSwarm pairs (`cases.jsonl` with `id`, `repo`, `log`) and LogChunks (`log`,
 * `repo`, `chunk`). The figures and how to read them: bench/quality/fingerprints.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TExcerptLine } from '@cia/contracts';
import { excerptLog, identifyFailure, identityLine } from '@cia/log-intel';
import { RERUN_CHANGES, rerenderAsRerun, type TRerunChange } from './rerun';

type TCase = { id: string; repo: string; file: string; chunk?: string };
type TFingerprinted = TCase & { lines: TExcerptLine[]; fingerprint: string; signature: string };

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

function readCases(dir: string, idOf: (row: Record<string, string>) => string): TCase[] {
  return readFileSync(join(dir, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, string>)
    .map((row) => ({ id: idOf(row), repo: row.repo as string, file: join(dir, row.log as string), chunk: row.chunk }));
}

async function excerptLines(log: string): Promise<TExcerptLine[]> {
  return (await excerptLog(log)).lines;
}

/** The data sets have no job names: every log is "the" job of its repository. */
const identify = (c: TCase, lines: TExcerptLine[]) => identifyFailure({ lines, project: c.repo, jobName: '' });

function groupsBy(cases: TFingerprinted[], key: (c: TFingerprinted) => string): TFingerprinted[][] {
  const groups = new Map<string, TFingerprinted[]>();
  for (const c of cases) groups.set(key(c), [...(groups.get(key(c)) ?? []), c]);
  return [...groups.values()].filter((g) => g.length > 1);
}

const repoCount = (g: TFingerprinted[]) => new Set(g.map((c) => c.repo)).size;
const logCount = (groups: TFingerprinted[][]) => groups.reduce((n, g) => n + g.length, 0);

function acrossRepositories(cases: TFingerprinted[], show: number): string[] {
  const out: string[] = [];
  for (const [name, key] of [['fingerprint', (c: TFingerprinted) => c.fingerprint], ['signature (content only)', (c: TFingerprinted) => c.signature]] as const) {
    const groups = groupsBy(cases, key).filter((g) => repoCount(g) > 1);
    out.push(`  ${name}: values shared by 2+ repositories ${groups.length} (${logCount(groups)} logs)`);
    for (const g of groups.slice(0, show)) out.push(`    ${[...new Set(g.map((c) => c.repo))].join(', ')}: ${identify(g[0] as TCase, (g[0] as TFingerprinted).lines).lines.join(' | ').slice(0, 200)}`);
  }
  return out;
}

/** The Travis build a log belongs to (`Build id: N`): logs of one build are matrix jobs of one commit. */
function buildOf(c: TCase): string | undefined {
  return /^Build id: (\d+)/m.exec(readFileSync(c.file, 'utf8').slice(0, 20_000))?.[1];
}

function sameRepository(cases: TFingerprinted[], show: number): string[] {
  const groups = groupsBy(cases, (c) => c.fingerprint);
  const oneBuild = groups.filter((g) => new Set(g.map(buildOf)).size === 1 && buildOf(g[0] as TCase) !== undefined);
  const out = [`  groups of 2+ logs sharing a fingerprint: ${groups.length} (${logCount(groups)} logs); all logs from one build (matrix jobs): ${oneBuild.length}`];
  for (const g of groups.slice(0, show)) {
    const identity = identify(g[0] as TCase, (g[0] as TFingerprinted).lines);
    out.push(`    ${g.map((c) => c.id).join('  ')}   [${identity.basis}; builds ${[...new Set(g.map(buildOf))].join(',')}]`);
    for (const l of identity.lines.slice(0, 5)) out.push(`        ${l.slice(0, 180)}`);
  }
  return out;
}

/** LogChunks: logs of one repository whose labelled chunks differ (as identity lines), sharing a fingerprint. */
function differentFailures(cases: TFingerprinted[], show: number): string[] {
  const chunkLines = new Map(cases.map((c) => [c.id, (c.chunk ?? '').split('\n').map(identityLine).filter((l) => l.length > 0)]));
  const excerptKeys = new Map(cases.map((c) => [c.id, new Set(c.lines.map((l) => identityLine(l.text)))]));
  let pairs = 0;
  const colliding: [TFingerprinted, TFingerprinted, boolean][] = [];
  for (const [i, a] of cases.entries()) {
    for (const b of cases.slice(i + 1)) {
      const ca = chunkLines.get(a.id) as string[];
      const cb = chunkLines.get(b.id) as string[];
      if (a.repo !== b.repo || ca.join('\n') === cb.join('\n')) continue;
      pairs++;
      if (a.fingerprint !== b.fingerprint) continue;
      const visible = ca.some((l) => !cb.includes(l) && excerptKeys.get(a.id)?.has(l)) || cb.some((l) => !ca.includes(l) && excerptKeys.get(b.id)?.has(l));
      colliding.push([a, b, visible]);
    }
  }
  const visible = colliding.filter(([, , v]) => v);
  const out = [`  pairs of one repository with different labelled failures: ${pairs}; sharing a fingerprint: ${colliding.length} (a telling labelled line is in an excerpt: ${visible.length})`];
  const byRepo = new Map<string, number>();
  for (const [a] of colliding) byRepo.set(a.repo, (byRepo.get(a.repo) ?? 0) + 1);
  out.push(`  by repository: ${[...byRepo].sort((x, y) => y[1] - x[1]).map(([r, n]) => `${r} ${n}`).join(', ')}`);
  for (const [a, b] of visible.slice(0, show)) out.push(`    ${a.id} | ${b.id}\n      A: ${(a.chunk ?? '').slice(0, 160).replace(/\n/g, '⏎')}\n      B: ${(b.chunk ?? '').slice(0, 160).replace(/\n/g, '⏎')}`);
  return out;
}

/** Simulated re-runs that keep the fingerprint; each miss with the single changes that alone break it. */
async function reruns(cases: TFingerprinted[], seeds: number): Promise<string[]> {
  let kept = 0;
  let runs = 0;
  const blame = new Map<string, number>();
  const misses: string[] = [];
  for (const c of cases) {
    const log = readFileSync(c.file, 'utf8');
    for (let seed = 1; seed <= seeds; seed++) {
      runs++;
      if (identify(c, await excerptLines(rerenderAsRerun(log, seed))).fingerprint === c.fingerprint) {
        kept++;
        continue;
      }
      const culprits = await singleCulprits(c, log, seed);
      for (const k of culprits.length > 0 ? culprits : ['(only together)']) blame.set(k, (blame.get(k) ?? 0) + 1);
      misses.push(`    ${c.id} seed ${seed}: ${culprits.join(', ') || 'only the changes together'}`);
    }
  }
  const summary = `  re-runs keeping the fingerprint: ${kept}/${runs} (${((100 * kept) / runs).toFixed(1)}%); misses by the change that alone breaks them: ${[...blame].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`;
  return [summary, ...misses];
}

async function singleCulprits(c: TFingerprinted, log: string, seed: number): Promise<TRerunChange[]> {
  const out: TRerunChange[] = [];
  for (const change of RERUN_CHANGES) {
    if (identify(c, await excerptLines(rerenderAsRerun(log, seed, [change]))).fingerprint !== c.fingerprint) out.push(change);
  }
  return out;
}

async function measure(title: string, cases: TCase[], seeds: number, show: number): Promise<void> {
  const done: TFingerprinted[] = [];
  for (const c of cases) {
    const lines = await excerptLines(readFileSync(c.file, 'utf8'));
    const { fingerprint, signature } = identify(c, lines);
    done.push({ ...c, lines, fingerprint, signature });
  }
  const out = [`## ${title}: ${cases.length} logs from ${new Set(cases.map((c) => c.repo)).size} repositories`];
  out.push('1. different repositories', ...acrossRepositories(done, show));
  out.push('2. re-runs of one failure', ...(await reruns(done, seeds)), '   different logs of one repository', ...sameRepository(done, show));
  if (cases.some((c) => c.chunk !== undefined)) out.push('3. different failures of one repository', ...differentFailures(done, show));
  process.stdout.write(`${out.join('\n')}\n\n`);
}

async function main(): Promise<void> {
  const seeds = Number(option('--reruns', '3'));
  const show = Number(option('--show', '0'));
  const bugswarm = option('--bugswarm', '/tmp/bugswarm-pairs-dev');
  const logchunks = option('--logchunks', '/tmp/dev');
  if (bugswarm !== 'none') await measure(`BugSwarm ${bugswarm}`, readCases(bugswarm, (r) => r.id as string), seeds, show);
  if (logchunks !== 'none') await measure(`LogChunks ${logchunks}`, readCases(logchunks, (r) => (r.log as string).replace(/^logs\//, '')), seeds, show);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
