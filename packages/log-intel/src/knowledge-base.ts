import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ZCategory, ZSeverity, ZSolution, type TExcerptLine } from '@cia/contracts';
import { BUILTIN_RULE_FILES } from './rules';
import { normalizeLine } from './normalize';
import { buildLineMatcher, type TLineMatcher } from './rule-matcher';
import { collectCaptures, fillSolutions, placeholdersOf, specificCause, type TCaptures } from './rule-template';
import type { TRuleMatch } from './types';

/**
 * One known failure of the knowledge base. Rules are data (JSON files): users add their own
 * with {@link loadRules} without touching code.
 */
export const ZRule = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/),
  title: z.string().min(1),
  category: ZCategory,
  severity: ZSeverity,
  /** Regular expressions (JavaScript syntax); a line matching any of them is evidence. */
  patterns: z.array(z.string().min(1)).min(1),
  /** Regular expressions that must ALL match some line for the rule to apply. */
  requires: z.array(z.string().min(1)).default([]),
  /** Regular expressions that, when any matches some line, rule this out. */
  excludes: z.array(z.string().min(1)).default([]),
  /**
   * Regular expressions whose named groups (`(?<name>...)`) fill placeholders, like the named
   * groups of `patterns`, but which never make the rule match on their own (an assertion message,
   * a location line).
   */
  details: z.array(z.string().min(1)).default([]),
  flags: z.string().regex(/^[imsu]*$/).default('i'),
  /** Confidence when the rule matches once; more evidence raises it a little. */
  confidence: z.number().min(0).max(1).default(0.8),
  /** What this failure is, in general; always shown. */
  rootCause: z.string().min(1),
  /**
   * The specific cause, with `<name>` placeholders filled from the named groups that matched: the
   * first template whose placeholders all have values leads the root cause.
   */
  causes: z.array(z.string().min(1)).default([]),
  /** Steps and commands may use `<name>` placeholders too; what the log cannot fill is left out. */
  solutions: z.array(ZSolution).min(1),
  documentationLinks: z.array(z.string()).default([]),
  flaky: z.object({ suspected: z.boolean(), reason: z.string() }).optional(),
});
export type TRule = z.infer<typeof ZRule>;
export type TRuleInput = z.input<typeof ZRule>;

type TCompiled = {
  rule: TRule;
  patterns: RegExp[];
  requires: RegExp[];
  excludes: RegExp[];
  /** Patterns and details with named groups: what fills the placeholders. */
  capturing: RegExp[];
  details: RegExp[];
};

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

const NAMED_GROUP = /\(\?<[A-Za-z_$]/;

function compile(rule: TRule): TCompiled {
  const re = (s: string) => new RegExp(s, rule.flags);
  const patterns = rule.patterns.map(re);
  const details = rule.details.map(re);
  return {
    rule,
    patterns,
    requires: rule.requires.map(re),
    excludes: rule.excludes.map(re),
    capturing: patterns.filter((p) => NAMED_GROUP.test(p.source)),
    details,
  };
}

/** A rule must always have something to say: its title and generic texts take no placeholders. */
function checkPlaceholders(rule: TRule): void {
  const fixed = [rule.title, rule.rootCause, ...rule.solutions.map((s) => s.title)];
  if (fixed.some((t) => placeholdersOf(t).length > 0)) throw new Error(`rule ${rule.id}: placeholders belong in causes, steps and commands only`);
  if (!rule.solutions.some((s) => s.steps.some((step) => placeholdersOf(step).length === 0))) {
    throw new Error(`rule ${rule.id}: at least one step must read without placeholders`);
  }
}

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
function captureValues(c: TCompiled, evidence: TExcerptLine[], excerpt: TExcerptLine[]): TCaptures {
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

/** Parses rule files (a JSON array of rules each); throws naming the file and the bad rule. */
export function parseRules(source: string, data: unknown): TRule[] {
  const parsed = z.array(ZRule).safeParse(data);
  if (!parsed.success) throw new Error(`invalid rules in ${source}: ${parsed.error.message}`);
  for (const r of parsed.data) {
    try {
      compile(r);
      checkPlaceholders(r);
    } catch (err) {
      throw new Error(`invalid rules in ${source}: ${(err as Error).message}`);
    }
  }
  return parsed.data;
}

/** The built-in rules, plus every `*.json` file of `dir` when given (a user's own knowledge base). */
export function loadRules(dir?: string): TRule[] {
  const rules = BUILTIN_RULE_FILES.flatMap(([name, data]) => parseRules(name, data));
  if (dir !== undefined) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const path = join(dir, f);
      rules.push(...parseRules(path, JSON.parse(readFileSync(path, 'utf8')) as unknown));
    }
  }
  // A user's rule with a built-in id replaces the built-in one.
  return [...new Map(rules.map((r) => [r.id, r])).values()];
}

/** A knowledge base ready to match: its rules compiled, and which rules' patterns a line matches. */
type TCompiledRules = { rules: TCompiled[]; matchLine: TLineMatcher };

function compileAll(rules: TRule[]): TCompiledRules {
  return { rules: rules.map(compile), matchLine: buildLineMatcher(rules) };
}

let builtinCompiled: TCompiledRules | undefined;
const customCompiled = new WeakMap<TRule[], TCompiledRules>();

/** A caller's rule list, compiled once for as long as the list lives (lists are not changed once loaded). */
function compiledFor(rules: TRule[]): TCompiledRules {
  let compiled = customCompiled.get(rules);
  if (compiled === undefined) {
    compiled = compileAll(rules);
    customCompiled.set(rules, compiled);
  }
  return compiled;
}

/**
 * Matches an excerpt against the knowledge base: every rule whose patterns hit, with the lines
 * that matched as evidence, ranked by confidence then severity.
 */
export function classify(lines: TExcerptLine[] | string[], options: { rules?: TRule[] } = {}): TRuleMatch[] {
  const { rules: compiled, matchLine } = options.rules === undefined ? (builtinCompiled ??= compileAll(loadRules())) : compiledFor(options.rules);
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
    const c = compiled[index] as TCompiled;
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
