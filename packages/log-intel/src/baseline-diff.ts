import type { TExcerptLine } from '@cia/contracts';
import { readBaseline } from './baseline';
import { scoreLine, STEP_FAILED_RE } from './line-score';
import { normalizeLine } from './normalize';
import type { TLogInput } from './types';
import { comparisonKey } from './volatile';

/** A line scoring this much states a failure (as the fingerprint counts them). */
const FAILURE_LINE_SCORE = 4;
/**
 * The runner's own lines: a failed job always has them and a passing one never does, so they say
 * nothing about what is new (`ERROR: Job failed: exit code 1`, `The command "make" exited with 2`).
 */
const RUNNER_LINE_RE = /^(?:ERROR|WARNING): (?:Job failed|Preparation failed|Uploading artifacts|Downloading artifacts)|^Cleaning up /;

export type TBaselineDiff = {
  /** Failure lines of the excerpt (the runner's own status lines left out). */
  failureLines: number;
  /** Of those, the lines the passing run's log does not have (compared as the excerpter compares lines: volatile parts ignored). */
  newFailureLines: number;
};

/**
 * How many of a failed job's failure lines are new against the log of a passing run of the same
 * job: the baseline diff a "caused by this change" verdict rests on. None new means the passing
 * run printed the same failure lines, so they do not explain this failure.
 */
export async function diffAgainstBaseline(excerpt: readonly (TExcerptLine | string)[], baseline: TLogInput): Promise<TBaselineDiff> {
  const known = await readBaseline(baseline);
  let failureLines = 0;
  let newFailureLines = 0;
  for (const l of excerpt) {
    const text = normalizeLine(typeof l === 'string' ? l : l.text).text;
    if (RUNNER_LINE_RE.test(text) || STEP_FAILED_RE.test(text) || scoreLine(text).score < FAILURE_LINE_SCORE) continue;
    failureLines++;
    if (!known.has(comparisonKey(text))) newFailureLines++;
  }
  return { failureLines, newFailureLines };
}
