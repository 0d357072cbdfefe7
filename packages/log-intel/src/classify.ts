import type { TExcerptLine } from '@cia/contracts';
import { compiledRules, type TCompiledRule, type TRule } from './knowledge-base';
import { normalizeLine } from './normalize';
import { collectCaptures, fillSolutions, specificCause, type TCaptures } from './rule-template';
import type { TRuleMatch } from './types';

const SEVERITY_RANK = { critical: 3, high: 2, medium: 1, low: 0 } as const;

/**
 * The CI runner's own lines around a failed job ("ERROR: Job failed: exit code 1", "Cleaning up
 * project directory", Travis' "The command ... exited with 1." and its retries, GitHub's "Process
 * completed with exit code 1.") end every failed job and say nothing about why: they are never
 * evidence. Exit code 137 (SIGKILL, usually the OOM killer) does say something and stays.
 */
const RUNNER_LINES = [
  /^ERROR: (?:Job|Build) failed: (?:command terminated with )?exit (?:code|status) (?!137\b)\d+\s*$/,
  /^(?:Cleaning up (?:project directory and )?file based variables|Cleaning up project directory)\b/,
  /^The command ".*" (?:exited with (?!137\b|124\b)\d+\.|failed and exited with (?!137\b|124\b)\d+ during .*|failed\. Retrying, \d+ of \d+\.|failed \d+ times\.)\s*$/,
  /^(?:Done\. Your build exited with \d+\.|Your build has been stopped\.)\s*$/,
  /^(?:##\[error\])?Process completed with exit code (?!137\b)\d+\.\s*$/,
  // Travis' macOS images print this from their own shell set-up in every job.
  /: shell_session_update: command not found$/,
];
const isRunnerLine = (text: string) => RUNNER_LINES.some((re) => re.test(text));
const MAX_EVIDENCE = 8;
const MIN_CONFIDENCE = 0.3;

/** Excerpt positions from `anchor` outwards (after before before at equal distance): the nearest context first. */
function outwardFrom(anchor: number, length: number): number[] {
  const order: number[] = [];
  for (let d = 0; order.length < length; d++) {
    if (anchor + d < length) order.push(anchor + d);
    if (d > 0 && anchor - d >= 0) order.push(anchor - d);
  }
  return order;
}

/**
 * The values the rule's named groups found: its evidence lines first (log order), then its
 * details on the lines nearest the first evidence (an assertion just under a failing test's
 * header, the traceback frame just above a syntax error).
 */
function captureValues(c: TCompiledRule, evidence: TExcerptLine[], excerpt: TExcerptLine[]): TCaptures {
  const captures: TCaptures = {};
  for (const l of evidence) for (const re of c.capturing) collectCaptures(captures, re.exec(l.text)?.groups);
  if (c.details.length === 0) return captures;
  const anchor = Math.max(0, excerpt.indexOf(evidence[0] as TExcerptLine));
  for (const i of outwardFrom(anchor, excerpt.length)) {
    const text = (excerpt[i] as TExcerptLine).text;
    for (const re of c.details) collectCaptures(captures, re.exec(text)?.groups);
  }
  return captures;
}

/**
 * Matches an excerpt against the knowledge base: every rule whose patterns hit, with the lines
 * that matched as evidence, ranked by confidence then severity.
 */
export function classify(lines: TExcerptLine[] | string[], options: { rules?: TRule[] } = {}): TRuleMatch[] {
  const { rules: compiled, matchLine } = compiledRules(options.rules);
  const excerpt: TExcerptLine[] = lines.map((l, i) =>
    typeof l === 'string' ? { line: i + 1, text: normalizeLine(l).text } : { line: l.line, text: normalizeLine(l.text).text },
  );
  // Each line is matched once against the whole knowledge base; only rules that matched go on.
  const evidenceOf = new Map<number, TExcerptLine[]>();
  for (const l of excerpt) {
    if (isRunnerLine(l.text.trim())) continue;
    for (const rule of matchLine(l.text)) evidenceOf.set(rule, [...(evidenceOf.get(rule) ?? []), l]);
  }
  const matches: TRuleMatch[] = [];
  for (const [index, evidence] of [...evidenceOf].sort((a, b) => a[0] - b[0])) {
    const c = compiled[index] as TCompiledRule;
    if (c.excludes.some((re) => excerpt.some((l) => re.test(l.text)))) continue;
    if (!c.requires.every((re) => excerpt.some((l) => re.test(l.text)))) continue;
    const r = c.rule;
    // Evidence near the end of the excerpt is closer to what stopped the job.
    const last = evidence.at(-1) as TExcerptLine;
    const lastIndex = excerpt.indexOf(last);
    const position = excerpt.length > 1 ? lastIndex / (excerpt.length - 1) : 1;
    const confidence = Math.min(0.99, r.confidence + 0.03 * Math.min(3, evidence.length - 1) + 0.04 * position);
    if (confidence < MIN_CONFIDENCE) continue;
    const captures = captureValues(c, evidence, excerpt);
    const cause = specificCause(r.causes, captures);
    matches.push({
      ruleId: r.id,
      title: r.title,
      category: r.category,
      severity: r.severity,
      confidence: Math.round(confidence * 100) / 100,
      rootCause: r.rootCause,
      ...(cause === undefined ? {} : { cause }),
      captures,
      solutions: fillSolutions(r.solutions, captures),
      documentationLinks: r.documentationLinks,
      evidence: evidence.slice(0, MAX_EVIDENCE),
      ...(r.flaky === undefined ? {} : { flaky: r.flaky }),
    });
  }
  return matches.sort((a, b) => b.confidence - a.confidence || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}
