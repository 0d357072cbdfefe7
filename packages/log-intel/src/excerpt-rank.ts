import type { TExcerptLine } from '@cia/contracts';
import { CONTINUATION_RE, NOISE_RE } from './failure-patterns';
import { createSecretMasker } from './mask';
import type { TExcerpt, TExcerptBlock } from './types';
import { comparisonKey } from './volatile';

/** A line as the scan stored it. */
export type TStored = {
  line: number;
  text: string;
  score: number;
  kind: string;
  /** nth time this (normalised) failure line is seen; 1 for the first. */
  occurrence: number;
  step: number;
  section: number;
};

export type TBlock = { lines: TStored[]; lastCore: number; best: number; step: number; open: boolean };

/** What one pass over a log leaves for ranking. */
export type TScannedLog = { blocks: TBlock[]; failedSteps: Set<number>; totalLines: number; sections: string[] };

export type TSelectOptions = { maxLines: number; maxChars: number; extraSecrets: string[] };

/** A line that scores at least this opens a failure block. */
export const CORE_SCORE = 5;
const STRONG_SCORE = 9;
const FIRST_BLOCK_FACTOR = 1.4;
const NOISE_FACTOR = 0.2;
const SUCCESS_FACTOR = 0.03;
const MIN_RELATIVE_PRIORITY = 0.05;
/**
 * A line also found in the passing run (the baseline) is taken after lines that are new, as if
 * its priority were this much lower; it still counts for the floor and stays in the running: a
 * failure line that the passing run printed too (a summary, a flaky warning) may still matter.
 */
const BASELINE_FACTOR = 0.2;
/** A test or step reported as passing. */
const SUCCESS_RE = /\bPASS(?:ED)?\b|✓|✔|\bok\s*(?:\(|\[|$)|^ok\s/;

/** `priority` decides which lines are worth their place; `order` (lower with a baseline) which come first. */
type TRanked = { line: number; text: string; priority: number; order: number; score: number; kind: string; section: number };

/** Priority of every stored line: failure lines by their own weight, others by distance to one. */
export function rankLines(log: TScannedLog, baseline: Set<number> | undefined): Map<number, TRanked> {
  const total = Math.max(1, log.totalLines);
  const ranked = new Map<number, TRanked>();
  // The first strong failure of a failed step is often the cause of everything after it.
  const firstStrong = new Set<TBlock>();
  const seenSteps = new Set<number>();
  for (const block of log.blocks) {
    if (seenSteps.has(block.step) || block.best < STRONG_SCORE) continue;
    seenSteps.add(block.step);
    firstStrong.add(block);
  }
  for (const block of log.blocks) {
    const firstFactor = firstStrong.has(block) ? FIRST_BLOCK_FACTOR : 1;
    const n = block.lines.length;
    const base: number[] = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const l = block.lines[i] as TStored;
      if (l.text.trim().length === 0) continue;
      let p = 0;
      if (l.score > 0) {
        const recency = 0.6 + 0.4 * (l.line / total);
        const stepFactor = log.failedSteps.has(l.step) ? 2 : 1;
        p = (l.score * recency * stepFactor * firstFactor) / Math.sqrt(l.occurrence);
        if (l.score < CORE_SCORE) p *= 0.5;
      }
      base[i] = p;
    }
    // Spread priority to neighbours: forwards (detail lines follow an error) decays slower than
    // backwards, and lines shaped like a continuation (frames, indented detail) barely decay.
    const spread = [...base];
    const cont = block.lines.map((l) => CONTINUATION_RE.test(l.text));
    let carry = 0;
    for (let i = 0; i < n; i++) {
      carry *= cont[i] ? 0.98 : 0.95;
      spread[i] = Math.max(spread[i] ?? 0, carry);
      carry = Math.max(carry, (base[i] ?? 0) * 0.8);
    }
    carry = 0;
    for (let i = n - 1; i >= 0; i--) {
      carry *= cont[i] ? 0.97 : 0.7;
      spread[i] = Math.max(spread[i] ?? 0, carry);
      carry = Math.max(carry, (base[i] ?? 0) * 0.6);
    }
    for (let i = 0; i < n; i++) {
      const l = block.lines[i] as TStored;
      if (l.text.trim().length === 0) continue;
      // Runner bookkeeping and passing tests next to a failure are rarely part of it.
      const noise = l.score > 0 ? 1 : NOISE_RE.test(l.text) ? NOISE_FACTOR : SUCCESS_RE.test(l.text) ? SUCCESS_FACTOR : 1;
      const priority = (spread[i] ?? 0) * noise;
      const prev = ranked.get(l.line);
      if (prev === undefined || prev.priority < priority) {
        const order = baseline?.has(comparisonKey(l.text)) === true ? priority * BASELINE_FACTOR : priority;
        ranked.set(l.line, { line: l.line, text: l.text, priority, order, score: l.score, kind: l.kind, section: l.section });
      }
    }
  }
  return ranked;
}

/** The best-ranked lines that fit the budget, masked, in log order, grouped into blocks. */
export function selectLines(log: TScannedLog, ranked: Map<number, TRanked>, options: TSelectOptions): TExcerpt {
  const all = [...ranked.values()];
  // Lines far below the strongest evidence cost tokens and rarely help: they are left out even
  // when the budget has room. The floor ignores the baseline, so a baseline never shrinks the excerpt.
  const floor = all.reduce((max, r) => Math.max(max, r.priority), 0) * MIN_RELATIVE_PRIORITY;
  const order = all.filter((r) => r.priority >= floor).sort((a, b) => b.order - a.order || b.line - a.line);
  const mask = createSecretMasker({ extraValues: options.extraSecrets });
  const chosen: { line: number; masked: string; priority: number; kind: string; section: number }[] = [];
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
  const lines: TExcerptLine[] = chosen.map((c) => ({ line: c.line, text: c.masked }));
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
