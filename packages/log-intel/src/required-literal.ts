/**
 * Literals a regular expression cannot match without: every match contains at least one of them.
 * Found conservatively from the source: a run of plain characters, or the alternatives of a group
 * that must match (each with literals of its own); an optional character ends a run, classes and
 * lookarounds give nothing. A line that contains none of them cannot match, so looking for the
 * literals is a cheap test to run first.
 */
const MIN_LITERAL = 3;
/** Escapes that stand for a class, an assertion or a coded character rather than for themselves. */
const NON_LITERAL_ESCAPES = new Set([...'dDwWsSbBpPkKux0123456789cfnrtv']);
/** What follows a non-literal escape as part of it: `\x41`, `\u{1F600}`, `\p{L}`, `\k<name>`, `\cJ`, `\12`. */
const ESCAPE_TAIL = /^(?:x[0-9a-fA-F]{2}|u(?:[0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})|[pP]\{[^}]*\}|k<[^>]*>|c[A-Za-z]|\d+|.)/s;

/** Index just past the group or class opening at `start` (its closing bracket included). */
function skipBracketed(source: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') {
        inClass = false;
        if (depth === 0) return i + 1;
      }
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return source.length;
}

/** Length of the quantifier at `i` (0 when none) and whether it allows zero repetitions. */
function quantifierAt(source: string, i: number): { length: number; optional: boolean } {
  const ch = source[i];
  let length = 0;
  let optional = false;
  if (ch === '?' || ch === '*') [length, optional] = [1, true];
  else if (ch === '+') length = 1;
  else if (ch === '{') {
    const m = /^\{(\d*)(?:,(\d*))?\}/.exec(source.slice(i));
    if (m) [length, optional] = [m[0].length, (m[1] ?? '') === '' || Number(m[1]) === 0];
  }
  if (length > 0 && source[i + length] === '?') length++;
  return { length, optional };
}

/** Splits a source at its top-level `|`. */
function alternatives(source: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (ch === '(' || ch === '[') i = skipBracketed(source, i) - 1;
    else if (ch === '|') {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/** The better of two literal sets: the one whose shortest literal is longest, then the smaller. */
function better(a: string[] | null, b: string[] | null): string[] | null {
  if (a === null || b === null) return a ?? b;
  const shortest = (set: string[]) => Math.min(...set.map((l) => l.length));
  return shortest(b) > shortest(a) || (shortest(b) === shortest(a) && b.length < a.length) ? b : a;
}

/** The content of the group `(...)` at `source`, or null for a lookaround (it consumes nothing). */
function groupContent(group: string): string | null {
  if (/^\(\?(?:[=!]|<[=!])/.test(group)) return null;
  const prefix = /^\((?:\?:|\?<[A-Za-z_$][\w$]*>)?/.exec(group)?.[0].length ?? 1;
  return group.slice(prefix, -1);
}

/** Literals of one alternative: its longest plain run, or the literals of a group it cannot skip. */
function sequenceLiterals(source: string): string[] | null {
  let best: string[] | null = null;
  let run = '';
  const endRun = () => {
    if (run.length >= MIN_LITERAL) best = better(best, [run]);
    run = '';
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    let literal: string | null = null;
    let group: string | null = null;
    let next = i + 1;
    if (ch === '\\') {
      const escaped = source[i + 1] ?? '';
      if (NON_LITERAL_ESCAPES.has(escaped)) next = i + 1 + (ESCAPE_TAIL.exec(source.slice(i + 1))?.[0].length ?? 1);
      else [literal, next] = [escaped, i + 2];
    } else if (ch === '(' || ch === '[') {
      next = skipBracketed(source, i);
      if (ch === '(') group = groupContent(source.slice(i, next));
    } else if (!'.^$'.includes(ch)) literal = ch;
    const q = quantifierAt(source, next);
    if (literal !== null && !q.optional) run += literal;
    if (literal === null || q.length > 0) endRun();
    if (group !== null && !q.optional) best = better(best, literalsOf(group));
    i = next + q.length;
  }
  endRun();
  return best;
}

function literalsOf(source: string): string[] | null {
  const sets = alternatives(source).map(sequenceLiterals);
  if (sets.some((set) => set === null)) return null;
  return [...new Set((sets as string[][]).flat())];
}

/**
 * The literals of `source` in lower case (a line is searched lower-cased, whatever the flags), or
 * null when none is certain. Only ASCII literals qualify: beyond ASCII, lower-casing (and Unicode
 * case folding, where `ſ` matches `s`) could make a line that matches look as if it did not.
 */
export function requiredLiterals(source: string, flags: string): string[] | null {
  const literals = literalsOf(source);
  if (literals === null || literals.some((l) => !/^[\x20-\x7e]+$/.test(l))) return null;
  if (flags.includes('i') && flags.includes('u')) return null;
  return literals.map((l) => l.toLowerCase());
}
