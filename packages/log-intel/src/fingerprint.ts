import { createHash } from 'node:crypto';
import { baseJobName, type TExcerptLine } from '@cia/contracts';
import { CONTINUATION_RE } from './failure-patterns';
import { identityLine } from './identity-line';
import { scoreLine, STEP_FAILED_RE, STEP_START_RE } from './line-score';
import { normalizeLine } from './normalize';
import type { TFingerprintParts } from './types';
import { normalizeVolatile } from './volatile';

/**
 * Most lines an identity is made of: the strongest failure lines, so the choice does not depend on
 * what the excerpt's budget let in at its margins (measured in bench/quality/fingerprints.md).
 */
const MAX_IDENTITY_LINES = 12;
/** Lines kept as they are when the excerpt shows no failure line (the tail of the log). */
const MAX_TAIL_LINES = 20;
/** A line scoring this much states a failure; 4 also takes `No such file or directory`, `not found`... */
const FAILURE_LINE_SCORE = 4;
/** A failure line with this score is evidence of its own (the excerpter's core score). */
const EVIDENCE_SCORE = 5;
/** Lines before a failed step's exit line taken as what the step said last. */
const STEP_TAIL_LINES = 3;
/**
 * A name: `file.ext` or `pkg.Class`, a camelCase or snake_case identifier, a quoted value, a
 * `path::test` id, a call `name(`. Tool boilerplate (`BUILD FAILED`, `[ERROR] -> [Help 1]`) has none.
 */
const NAMES_SOMETHING_RE = /[\w$]\.[A-Za-z_$][\w$]*|[A-Za-z][a-z0-9]+[A-Z]\w*|[A-Za-z0-9]_[A-Za-z0-9]|['"`][^'"`]{2,}['"`]|::|\w\(/;

const textOf = (l: TExcerptLine | string): string => (typeof l === 'string' ? l : l.text);

export type TFailureIdentityParts = {
  /** The failed job's excerpt (masked, normalised lines), as the analysis saw it. */
  lines: readonly (TExcerptLine | string)[];
  /** The project the job ran in: a failure of one project's code is never another project's. */
  project: string | number;
  /** The job's name; parallel and matrix suffixes (`test 2/4`, `build: [amd64]`) are dropped. */
  jobName: string;
  /** GitLab's failure reason (`script_failure`, `runner_system_failure`...). */
  failureReason?: string | null;
};

/**
 * What the identity was made of: failure lines of the excerpt, the last lines of a log that
 * showed none, or nothing (no log): two jobs without a log share an identity by default only.
 */
export type TIdentityBasis = 'failure-lines' | 'log-tail' | 'none';

export type TFailureIdentity = {
  /** One failure of one job of one project: the key of an incident. */
  fingerprint: string;
  /** The failure lines alone, in any project and job: "the same error text" seen elsewhere. */
  signature: string;
  /** The identity lines the signature hashes, sorted: why two failures count as the same. */
  lines: string[];
  basis: TIdentityBasis;
};

/**
 * The identity of a job's failure. What changes from run to run (times, durations, ids, hashes,
 * temporary and workspace paths, ports, seeds, pids, addresses, log line numbers, the order of
 * parallel output) is left out; what tells failures apart (the failing test, file, error code,
 * message) is kept. The project and the job's base name are part of the fingerprint: the same
 * text in two unrelated projects (`npm ERR! code ELIFECYCLE`, a shared assertion message) is not
 * one failure, and blame compares a job only with the same job of the same project.
 */
export function identifyFailure(parts: TFailureIdentityParts): TFailureIdentity {
  const { lines, basis } = identityLines(parts.lines);
  const signature = sha256(['cia-signature/2', ...lines]);
  const fingerprint = sha256([
    'cia-failure/2',
    `project:${parts.project}`,
    `job:${baseJobName(parts.jobName)}`,
    `reason:${parts.failureReason ?? ''}`,
    signature,
  ]);
  return { fingerprint, signature, lines, basis };
}

/**
 * The key under which an analysis is cached and shards are grouped: the job name (parallel
 * indexes removed) and category with the failure's identity lines, in any project.
 */
export function fingerprint(parts: TFingerprintParts): string {
  const job = normalizeVolatile((parts.jobName ?? '').toLowerCase());
  return sha256([`job:${job}`, `category:${parts.category ?? ''}`, ...identityLines(parts.lines).lines]);
}

type TScoredLine = { text: string; line?: number; score: number };
type TIdentityEntry = { key: string; score: number; named: boolean };

/**
 * The identity lines of an excerpt: its strongest failure lines and the detail lines that continue
 * them (the first failing test under `Failed tests:`, `Could NOT find Halide (missing: ...)` under
 * `CMake Error at ...`), as identity lines (see identityLine), deduplicated, and sorted so that the order of parallel output does not count. Lines that name
 * something (a file, a test, a class, a quoted value) come before the tool's boilerplate
 * (`[ERROR] -> [Help 1]`), which is the same in every failure. An excerpt with no failure line is
 * identified by the last lines it shows.
 */
function identityLines(excerpt: readonly (TExcerptLine | string)[]): { lines: string[]; basis: TIdentityBasis } {
  const scored: TScoredLine[] = [];
  for (const l of excerpt) {
    const text = normalizeLine(textOf(l)).text;
    if (text.trim().length > 0) scored.push({ text, line: typeof l === 'string' ? undefined : l.line, score: scoreLine(text).score });
  }
  const entries = failureEntries(scored);
  if (entries.length === 0) {
    const lines = [...new Set(scored.slice(-MAX_TAIL_LINES).map((l) => identityLine(l.text)))]
      .filter((t) => t.length > 0)
      .sort(compareText);
    return { lines, basis: lines.length === 0 ? 'none' : 'log-tail' };
  }
  const best = new Map<string, TIdentityEntry>();
  for (const e of entries) if ((best.get(e.key)?.score ?? -1) < e.score) best.set(e.key, e);
  const strongest = [...best.values()]
    .sort((a, b) => Number(b.named) - Number(a.named) || b.score - a.score || compareText(a.key, b.key))
    .slice(0, MAX_IDENTITY_LINES);
  return {
    lines: strongest.map((e) => e.key).sort(compareText),
    basis: scored.some((l) => l.score >= EVIDENCE_SCORE) ? 'failure-lines' : 'log-tail',
  };
}

/**
 * Failure lines, each followed by the next line when that continues it (indented detail, frame):
 * kept as entries of their own, so a detail the excerpt's budget left out costs one entry only.
 * Before a step's exit line (`The command "pyflakes ." exited with 1`), the last lines the step
 * printed count too, whatever their words (`utils.py:16: 'x' imported but unused`).
 */
function failureEntries(scored: TScoredLine[]): TIdentityEntry[] {
  const out: TIdentityEntry[] = [];
  const add = (text: string, score: number) => {
    const key = identityLine(text);
    if (key.length > 0) out.push({ key, score, named: NAMES_SOMETHING_RE.test(key) });
  };
  scored.forEach((l, i) => {
    if (l.score < FAILURE_LINE_SCORE) return;
    add(l.text, l.score);
    const next = scored[i + 1];
    if (follows(l, next) && next.score < FAILURE_LINE_SCORE && CONTINUATION_RE.test(next.text)) add(next.text, l.score - 0.5);
    if (STEP_FAILED_RE.test(l.text)) for (const tail of stepTail(scored, i)) add(tail.text, FAILURE_LINE_SCORE);
  });
  return out;
}

/** The lines a failed step printed last, right before its exit line at `exitAt`. */
function stepTail(scored: TScoredLine[], exitAt: number): TScoredLine[] {
  const tail: TScoredLine[] = [];
  for (let i = exitAt - 1; i >= 0 && tail.length < STEP_TAIL_LINES; i--) {
    const l = scored[i] as TScoredLine;
    const after = scored[i + 1] as TScoredLine;
    if (!follows(l, after) || l.score >= FAILURE_LINE_SCORE || STEP_START_RE.test(l.text)) break;
    tail.push(l);
  }
  return tail;
}

/** Whether `b` comes right after `a` in the log (a blank line between them allowed). */
function follows(a: TScoredLine, b: TScoredLine | undefined): b is TScoredLine {
  return b !== undefined && (a.line === undefined || b.line === undefined || b.line - a.line <= 2);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sha256(parts: string[]): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(`${p}\n`);
  return hash.digest('hex').slice(0, 32);
}
