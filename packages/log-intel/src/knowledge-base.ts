import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ZCategory, ZSeverity, ZSolution } from '@cia/contracts';
import { BUILTIN_RULE_FILES } from './rules';
import { buildLineMatcher, type TLineMatcher } from './rule-matcher';
import { placeholdersOf } from './rule-template';

/**
 * The knowledge base: rules as data (JSON files under rules/, and a user's own directory), checked
 * and compiled here; classify.ts matches an excerpt against them.
 */

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
  flags: z
    .string()
    .regex(/^[imsu]*$/)
    .default('i'),
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

/** One rule with its expressions compiled. */
export type TCompiledRule = {
  rule: TRule;
  patterns: RegExp[];
  requires: RegExp[];
  excludes: RegExp[];
  /** Patterns and details with named groups: what fills the placeholders. */
  capturing: RegExp[];
  details: RegExp[];
};

const NAMED_GROUP = /\(\?<[A-Za-z_$]/;

function compile(rule: TRule): TCompiledRule {
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
  if (fixed.some((t) => placeholdersOf(t).length > 0))
    throw new Error(`rule ${rule.id}: placeholders belong in causes, steps and commands only`);
  if (!rule.solutions.some((s) => s.steps.some((step) => placeholdersOf(step).length === 0))) {
    throw new Error(`rule ${rule.id}: at least one step must read without placeholders`);
  }
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
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const path = join(dir, f);
      rules.push(...parseRules(path, JSON.parse(readFileSync(path, 'utf8')) as unknown));
    }
  }
  // A user's rule with a built-in id replaces the built-in one.
  return [...new Map(rules.map((r) => [r.id, r])).values()];
}

/** A knowledge base ready to match: its rules compiled, and which rules' patterns a line matches. */
export type TCompiledRules = { rules: TCompiledRule[]; matchLine: TLineMatcher };

function compileAll(rules: TRule[]): TCompiledRules {
  return { rules: rules.map(compile), matchLine: buildLineMatcher(rules) };
}

let builtinCompiled: TCompiledRules | undefined;
const customCompiled = new WeakMap<TRule[], TCompiledRules>();

/**
 * A knowledge base compiled for matching: the built-in rules when none are given, else the
 * caller's list, compiled once for as long as the list lives (lists are not changed once loaded).
 */
export function compiledRules(rules?: TRule[]): TCompiledRules {
  if (rules === undefined) return (builtinCompiled ??= compileAll(loadRules()));
  let compiled = customCompiled.get(rules);
  if (compiled === undefined) {
    compiled = compileAll(rules);
    customCompiled.set(rules, compiled);
  }
  return compiled;
}
