import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ZCategory, ZSeverity, ZSolution, type TExcerptLine } from '@cia/contracts';
import { BUILTIN_RULE_FILES } from './rules';
import { normalizeLine } from './normalize';
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
  flags: z.string().regex(/^[imsu]*$/).default('i'),
  /** Confidence when the rule matches once; more evidence raises it a little. */
  confidence: z.number().min(0).max(1).default(0.8),
  rootCause: z.string().min(1),
  solutions: z.array(ZSolution).min(1),
  documentationLinks: z.array(z.string()).default([]),
  flaky: z.object({ suspected: z.boolean(), reason: z.string() }).optional(),
});
export type TRule = z.infer<typeof ZRule>;
export type TRuleInput = z.input<typeof ZRule>;

type TCompiled = { rule: TRule; patterns: RegExp[]; requires: RegExp[]; excludes: RegExp[]; anyPattern: (text: string) => boolean };

const SEVERITY_RANK = { critical: 3, high: 2, medium: 1, low: 0 } as const;

/**
 * The CI runner's closing line ("ERROR: Job failed: exit code 1", Travis' "The command ... exited
 * with 1.", GitHub's "Process completed with exit code 1.") ends every failed job and says
 * nothing about why: it is never evidence. Exit code 137 (SIGKILL, usually the OOM killer) does
 * say something and stays.
 */
const RUNNER_TRAILER =
  /^(?:ERROR: (?:Job|Build) failed: (?:command terminated with )?exit (?:code|status) (?!137\b)\d+|The command ".*" exited with (?!137\b)\d+\.|Done\. Your build exited with \d+\.|##\[error\]Process completed with exit code (?!137\b)\d+\.|Process completed with exit code (?!137\b)\d+\.)\s*$/i;
const MAX_EVIDENCE = 8;
const MIN_CONFIDENCE = 0.3;

function compile(rule: TRule): TCompiled {
  const re = (s: string) => new RegExp(s, rule.flags);
  const patterns = rule.patterns.map(re);
  return { rule, patterns, requires: rule.requires.map(re), excludes: rule.excludes.map(re), anyPattern: anyOf(rule.patterns, rule.flags, patterns) };
}

/**
 * "Some pattern matches" as ONE regular expression (an alternation finds a match exactly when one
 * of its parts does), tested once per line instead of once per pattern. Patterns with
 * back-references or named groups, whose meaning depends on their own numbering, stay separate.
 */
function anyOf(sources: string[], flags: string, compiled: RegExp[]): (text: string) => boolean {
  const separate = (text: string) => compiled.some((re) => re.test(text));
  if (sources.length < 2 || sources.some((p) => /\\[1-9]|\\k<|\(\?<[A-Za-z_$]/.test(p))) return separate;
  try {
    const combined = new RegExp(sources.map((p) => `(?:${p})`).join('|'), flags);
    return (text) => combined.test(text);
  } catch {
    return separate;
  }
}

/** Parses rule files (a JSON array of rules each); throws naming the file and the bad rule. */
export function parseRules(source: string, data: unknown): TRule[] {
  const parsed = z.array(ZRule).safeParse(data);
  if (!parsed.success) throw new Error(`invalid rules in ${source}: ${parsed.error.message}`);
  for (const r of parsed.data) compile(r);
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

/** A knowledge base ready to match: its rules compiled, and "some pattern of some rule matches". */
type TCompiledRules = { rules: TCompiled[]; anyRule: (text: string) => boolean };

function compileAll(rules: TRule[]): TCompiledRules {
  const compiled = rules.map(compile);
  // One alternation per flag set: most lines of an excerpt match no rule, and one test says so.
  const byFlags = new Map<string, TCompiled[]>();
  for (const c of compiled) {
    const group = byFlags.get(c.rule.flags);
    if (group) group.push(c);
    else byFlags.set(c.rule.flags, [c]);
  }
  const tests = [...byFlags].map(([flags, group]) => anyOf(group.flatMap((c) => c.rule.patterns), flags, group.flatMap((c) => c.patterns)));
  return { rules: compiled, anyRule: (text) => tests.some((t) => t(text)) };
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
  const { rules: compiled, anyRule } = options.rules === undefined ? (builtinCompiled ??= compileAll(loadRules())) : compiledFor(options.rules);
  const excerpt: TExcerptLine[] = lines.map((l, i) =>
    typeof l === 'string' ? { line: i + 1, text: normalizeLine(l).text } : { line: l.line, text: normalizeLine(l.text).text },
  );
  // The lines that can be evidence at all, decided once rather than once per rule.
  const candidates = excerpt.filter((l) => !RUNNER_TRAILER.test(l.text.trim()) && anyRule(l.text));
  const matches: TRuleMatch[] = [];
  for (const c of compiled) {
    if (c.excludes.some((re) => excerpt.some((l) => re.test(l.text)))) continue;
    if (!c.requires.every((re) => excerpt.some((l) => re.test(l.text)))) continue;
    const evidence = candidates.filter((l) => c.anyPattern(l.text));
    if (evidence.length === 0) continue;
    const r = c.rule;
    // Evidence near the end of the excerpt is closer to what stopped the job.
    const last = evidence.at(-1) as TExcerptLine;
    const lastIndex = excerpt.indexOf(last);
    const position = excerpt.length > 1 ? lastIndex / (excerpt.length - 1) : 1;
    const confidence = Math.min(0.99, r.confidence + 0.03 * Math.min(3, evidence.length - 1) + 0.04 * position);
    if (confidence < MIN_CONFIDENCE) continue;
    matches.push({
      ruleId: r.id,
      title: r.title,
      category: r.category,
      severity: r.severity,
      confidence: Math.round(confidence * 100) / 100,
      rootCause: r.rootCause,
      solutions: r.solutions,
      documentationLinks: r.documentationLinks,
      evidence: evidence.slice(0, MAX_EVIDENCE),
      ...(r.flaky === undefined ? {} : { flaky: r.flaky }),
    });
  }
  return matches.sort((a, b) => b.confidence - a.confidence || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}
