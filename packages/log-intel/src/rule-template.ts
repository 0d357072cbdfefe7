import type { TSolution } from '@cia/contracts';

/**
 * Rule texts name what the log said with `<name>` placeholders, filled from the named groups
 * (`(?<name>...)`) of the rule's patterns and details. Every value comes from a log, so it is
 * hostile: prose takes it as text, a command only a plain shell word.
 */
const PLACEHOLDER = /<([A-Za-z_]\w*)>/g;

/**
 * A value a command may carry bare: one shell word without quotes, `$`, backticks, separators,
 * redirections or globs a shell would act on, and not an option (no leading `-`).
 */
const SHELL_WORD = /^(?!-)[\w.,:/@#+=%~^-]+$/;
/** Inside single quotes the shell acts on nothing but the closing quote. */
const SINGLE_QUOTED = /^(?!-)[^'\n\r]+$/;
const MAX_VALUE_CHARS = 200;

export type TCaptures = Record<string, string>;

/** The placeholder names a text uses. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** Named groups of one match, trimmed and cut; the first value seen for a name is kept. */
export function collectCaptures(into: TCaptures, groups: Record<string, string | undefined> | undefined): void {
  if (!groups) return;
  for (const [name, raw] of Object.entries(groups)) {
    if (raw === undefined || name in into) continue;
    const value = raw.trim();
    if (value !== '') into[name] = value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS - 1)}…` : value;
  }
}

/** The text with its placeholders filled, or undefined when one has no value (or a value `accept` refuses). */
function fill(template: string, captures: TCaptures, accept: (value: string, quoted: boolean) => boolean): string | undefined {
  let missing = false;
  // One pass: a value that itself looks like `<x>` (a Java generic, say) is never filled again.
  const out = template.replace(PLACEHOLDER, (_, name: string, offset: number) => {
    const value = captures[name];
    const quoted = (template.slice(0, offset).match(/'/g)?.length ?? 0) % 2 === 1;
    if (value === undefined || !accept(value, quoted)) {
      missing = true;
      return '';
    }
    return value;
  });
  return missing ? undefined : out;
}

export function fillText(template: string, captures: TCaptures): string | undefined {
  return fill(template, captures, () => true);
}

export function fillCommand(template: string, captures: TCaptures): string | undefined {
  return fill(template, captures, (v, quoted) => (quoted ? SINGLE_QUOTED : SHELL_WORD).test(v));
}

/** The first cause template whose placeholders the log filled. */
export function specificCause(templates: string[], captures: TCaptures): string | undefined {
  for (const t of templates) {
    const text = fillText(t, captures);
    if (text !== undefined) return text;
  }
  return undefined;
}

/**
 * Solutions with their placeholders filled. A command or step the log cannot fill is left out
 * rather than shown with a literal `<...>`; a solution left without steps goes too.
 */
export function fillSolutions(solutions: TSolution[], captures: TCaptures): TSolution[] {
  const out: TSolution[] = [];
  for (const s of solutions) {
    const steps = s.steps.flatMap((step) => fillText(step, captures) ?? []);
    if (steps.length === 0) continue;
    const commands = (s.commands ?? []).flatMap((c) => fillCommand(c, captures) ?? []);
    out.push({ title: s.title, steps, ...(commands.length > 0 ? { commands } : {}), ...(s.code === undefined ? {} : { code: s.code }) });
  }
  return out;
}
