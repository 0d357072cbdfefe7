import type { TMaskedLine } from '@cia/contracts';
import { truncateMasked } from '@cia/log-intel';

/**
 * Characters per token for a provider-neutral estimate. English prose is about 4; logs (paths,
 * hashes, punctuation) tokenize worse, so the estimate leans low to keep the budget a ceiling.
 * The real counts come back in the provider's usage.
 */
export const CHARS_PER_TOKEN = 3.5;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Cuts text to about `maxTokens`, keeping the head and the tail, and says how much it cut. */
export function truncateText(text: string, maxTokens: number): string {
  const maxChars = Math.max(0, Math.floor(maxTokens * CHARS_PER_TOKEN));
  if (text.length <= maxChars) return text;
  const marker = `\n[... ${text.length - maxChars} characters omitted ...]\n`;
  const keep = Math.max(0, maxChars - marker.length);
  const head = Math.floor(keep * 0.4);
  return text.slice(0, head) + marker + text.slice(text.length - (keep - head));
}

/**
 * Fits excerpt lines into a token budget. Failures are reported at the end of a log, so the tail
 * is kept first, then the head for context; the lines removed from the middle are dropped whole.
 */
export function fitExcerpt(lines: TMaskedLine[], maxTokens: number): TMaskedLine[] {
  const cost = (l: TMaskedLine) => estimateTokens(l.text) + 3;
  let total = lines.reduce((n, l) => n + cost(l), 0);
  if (total <= maxTokens) return lines;
  const clipped = lines.map((l) => (l.text.length > 2000 ? { line: l.line, text: truncateMasked(l.text, 2000, ' [...]') } : l));
  total = clipped.reduce((n, l) => n + cost(l), 0);
  if (total <= maxTokens) return clipped;
  const tail: TMaskedLine[] = [];
  const head: TMaskedLine[] = [];
  let used = 0;
  let lo = 0;
  let hi = clipped.length - 1;
  // Two thirds of the budget for the tail, the rest for the head.
  while (hi >= lo && used + cost(clipped[hi]!) <= maxTokens * (2 / 3)) {
    used += cost(clipped[hi]!);
    tail.unshift(clipped[hi]!);
    hi--;
  }
  while (lo <= hi && used + cost(clipped[lo]!) <= maxTokens) {
    used += cost(clipped[lo]!);
    head.push(clipped[lo]!);
    lo++;
  }
  return [...head, ...tail];
}
