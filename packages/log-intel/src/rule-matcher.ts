import { LiteralIndex } from './literal-index';
import { requiredLiterals } from './required-literal';

type TPattern = { rule: number; re: RegExp };

/** The indices (ascending) of the rules with a pattern that matches a line. */
export type TLineMatcher = (text: string) => number[];

/**
 * One expression that matches where any of `sources` does, named groups made plain (only whether
 * a line matches is asked); null when a back-reference makes that unsafe.
 */
function combine(sources: string[], flags: string): RegExp | null {
  if (sources.some((p) => /\\[1-9]|\\k</.test(p))) return null;
  try {
    return new RegExp(sources.map((p) => `(?:${p.replace(/(?<!\\)\(\?<[A-Za-z_$][\w$]*>/g, '(?:')})`).join('|'), flags);
  } catch {
    return null;
  }
}

/**
 * Compiles rule patterns for many lines: most log lines match no rule, and most patterns need a
 * literal the line does not contain. Patterns with required literals are tested only on lines
 * where one pass of an Aho–Corasick index finds one; the few without go behind a single
 * alternation per flag set.
 */
export function buildLineMatcher(rules: { patterns: string[]; flags: string }[]): TLineMatcher {
  const indexed: TPattern[] = [];
  const literals: string[] = [];
  const rest: TPattern[] = [];
  const restSources = new Map<string, string[]>();
  rules.forEach((r, rule) => {
    for (const source of r.patterns) {
      const entry = { rule, re: new RegExp(source, r.flags) };
      const required = requiredLiterals(source, r.flags);
      if (required === null) {
        rest.push(entry);
        restSources.set(r.flags, [...(restSources.get(r.flags) ?? []), source]);
        continue;
      }
      // One index entry per literal, each pointing at the pattern: any of them found means "test it".
      for (const literal of required) {
        indexed.push(entry);
        literals.push(literal);
      }
    }
  });
  const index = new LiteralIndex(literals);
  const gates = [...restSources].map(([flags, sources]) => combine(sources, flags));
  const restGate = gates.some((g) => g === null) ? () => true : (text: string) => gates.some((g) => (g as RegExp).test(text));

  return (text) => {
    const hit = new Set<number>();
    const test = (p: TPattern | undefined) => {
      if (p !== undefined && !hit.has(p.rule) && p.re.test(text)) hit.add(p.rule);
    };
    index.search(text.toLowerCase(), (id) => test(indexed[id]));
    if (rest.length > 0 && restGate(text)) for (const p of rest) test(p);
    return [...hit].sort((a, b) => a - b);
  };
}
