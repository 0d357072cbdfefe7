import { forEachLine } from './line-reader';
import { normalizeLine } from './normalize';
import type { TLogInput } from './types';
import { comparisonKey } from './volatile';

/** Enough for any real job log; past this a baseline only stops adding lines, memory stays flat. */
const MAX_BASELINE_KEYS = 1_000_000;

/** The last baseline given as a string: the CLI excerpts many logs against one passing log. */
let lastStringBaseline: { text: string; keys: Set<number> } | undefined;

/** Keys of the normalised lines of a passing run: lines of the failing run also found there rank lower. */
export async function readBaseline(input: TLogInput): Promise<Set<number>> {
  if (typeof input === 'string' && lastStringBaseline?.text === input) return lastStringBaseline.keys;
  const keys = new Set<number>();
  await forEachLine(input, (raw) => {
    if (keys.size >= MAX_BASELINE_KEYS) return;
    const text = normalizeLine(raw).text;
    if (text.trim().length > 0) keys.add(comparisonKey(text));
  });
  if (typeof input === 'string') lastStringBaseline = { text: input, keys };
  return keys;
}
