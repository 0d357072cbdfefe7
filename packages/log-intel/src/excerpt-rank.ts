import type { TMaskedLine, TMaskedText } from '@cia/contracts';
import { CORE_SCORE, lineWeight, ownPriorities, spreadPriorities, type TStored } from './line-priority';
import { maskerFor } from './mask';
import type { TExcerpt, TExcerptBlock } from './types';
import { comparisonKey } from './volatile';

export { CORE_SCORE, type TStored } from './line-priority';

/** `holdUntil`: a failure report started in the block, which stays open through it (see REPORT_START_RE). */
export type TBlock = { lines: TStored[]; lastCore: number; holdUntil: number; best: number; step: number; open: boolean };

/** What one pass over a log leaves for ranking. */
export type TScannedLog = { blocks: TBlock[]; failedSteps: Set<number>; totalLines: number; sections: string[] };

export type TSelectOptions = { maxLines: number; maxChars: number; extraSecrets?: readonly string[] };

const STRONG_SCORE = 9;
/**
 * The first strong failure block of a failed step weighs this much more: it is often the cause of
 * everything after it, and a report read from its head (the first failed test, the first compiler
 * error) explains more than the same lines picked from all over the log.
 */
const FIRST_BLOCK_FACTOR = 2;
const MIN_RELATIVE_PRIORITY = 0.05;
/**
 * A line also found in the passing run (the baseline) is taken after lines that are new, as if
 * its priority were this much lower; it still counts for the floor and stays in the running: a
 * failure line that the passing run printed too (a summary, a flaky warning) may still matter.
 */
const BASELINE_FACTOR = 0.2;

/** `priority` decides which lines are worth their place; `order` (lower with a baseline) which come first. */
type TRanked = { line: number; text: string; priority: number; order: number; score: number; kind: string; section: number };

/** Priority of every stored line: failure lines by their own weight, others by distance to one. */
export function rankLines(log: TScannedLog, baseline: Set<number> | undefined): Map<number, TRanked> {
  const ranked = new Map<number, TRanked>();
  const firstStrong = new Set<TBlock>();
  const seenSteps = new Set<number>();
  // Only failed steps have one, when the runner said which failed.
  const anyFailed = log.failedSteps.size > 0;
  for (const block of log.blocks) {
    if (seenSteps.has(block.step) || block.best < STRONG_SCORE || (anyFailed && !log.failedSteps.has(block.step))) continue;
    seenSteps.add(block.step);
    firstStrong.add(block);
  }
  const shapeCounts = new Map<string, number>();
  for (const block of log.blocks) {
    const base = ownPriorities(block.lines, log.failedSteps, firstStrong.has(block) ? FIRST_BLOCK_FACTOR : 1, shapeCounts);
    const spread = spreadPriorities(block.lines, base);
    for (let i = 0; i < block.lines.length; i++) {
      const l = block.lines[i] as TStored;
      if (l.text.trim().length === 0) continue;
      const priority = (spread[i] ?? 0) * lineWeight(l);
      const prev = ranked.get(l.line);
      if (prev === undefined || prev.priority < priority) {
        const order = baseline?.has(comparisonKey(l.text)) === true ? priority * BASELINE_FACTOR : priority;
        ranked.set(l.line, { line: l.line, text: l.text, priority, order, score: l.score, kind: l.kind, section: l.section });
      }
    }
  }
  return ranked;
}

/** Higher first; among equals, the head of a failure report but the end of plain context (the fallback tail). */
function byRank(a: TRanked, b: TRanked): number {
  return b.order - a.order || b.score - a.score || (a.score >= CORE_SCORE ? a.line - b.line : b.line - a.line);
}

/** The best-ranked lines that fit the budget, masked, in log order, grouped into blocks. */
export function selectLines(log: TScannedLog, ranked: Map<number, TRanked>, options: TSelectOptions): TExcerpt {
  const all = [...ranked.values()];
  // Lines far below the strongest evidence cost tokens and rarely help: they are left out even
  // when the budget has room. The floor ignores the baseline, so a baseline never shrinks the excerpt.
  const floor = all.reduce((max, r) => Math.max(max, r.priority), 0) * MIN_RELATIVE_PRIORITY;
  const order = all.filter((r) => r.priority >= floor).sort(byRank);
  const mask = maskerFor(options.extraSecrets);
  const chosen: { line: number; masked: TMaskedText; priority: number; kind: string; section: number }[] = [];
  let chars = 0;
  let truncated = false;
  // A line repeated word for word tells nothing new: the first (highest ranked) copy is enough.
  const seen = new Set<string>();
  for (const r of order) {
    if (chosen.length >= options.maxLines) {
      truncated ||= r.score >= CORE_SCORE;
      continue;
    }
    const masked = mask(r.text);
    const key = masked.trim();
    if (seen.has(key)) continue;
    seen.add(key);
    if (chars + masked.length > options.maxChars) {
      truncated ||= r.score >= CORE_SCORE;
      continue;
    }
    chars += masked.length;
    // Named fields: a spread of `r` with one more field is a slow copy in V8 (a tenth of the excerpt's time).
    chosen.push({ line: r.line, masked, priority: r.priority, kind: r.kind, section: r.section });
  }
  chosen.sort((a, b) => a.line - b.line);
  const lines: TMaskedLine[] = chosen.map((c) => ({ line: c.line, text: c.masked }));
  const blocks: TExcerptBlock[] = [];
  for (const c of chosen) {
    const last = blocks.at(-1);
    if (last !== undefined && c.line - last.end <= 2) {
      last.end = c.line;
      if (c.priority > last.score) {
        last.score = round(c.priority);
        if (c.kind) last.kind = c.kind;
      }
    } else blocks.push({ start: c.line, end: c.line, score: round(c.priority), kind: c.kind || 'context' });
  }
  const sectionIds = [...new Set(chosen.map((c) => c.section).filter((s) => s >= 0))];
  return {
    lines,
    totalLines: log.totalLines,
    truncated,
    sections: sectionIds.map((id) => log.sections[id] ?? '').filter((s) => s.length > 0),
    blocks,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
