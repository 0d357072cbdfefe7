import { CHATTER_RE, CONTINUATION_RE, NOISE_RE, REPORT_START_RE, RUNTIME_FRAME_RE } from './failure-patterns';
import { lineBody } from './line-score';

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

/** The kind of lines taken back by an expected failure's verdict (XFAIL): context that weighs little. */
export const EXPECTED_FAILURE_KIND = 'expected-failure';

/** A line that scores at least this opens a failure block. */
export const CORE_SCORE = 5;
/**
 * A failure line in a step that exited non-zero weighs this much more: lines shaped like errors in
 * steps that passed (a retried download, a probe that fell back) cost tokens and explain nothing.
 */
const FAILED_STEP_FACTOR = 3;
/** The first failure lines of a block weigh up to this much more: the head of a report explains it best. */
const HEAD_BONUS = 0.3;
const HEAD_HALF_LIFE = 10;
/**
 * Failure lines of one shape (`x.py::test_y FAILED`, `[ERROR] File.java:[1,2] ...`) after the first
 * few in the log say less and less: a list of 100 compiler errors or failed tests is shown by its
 * head, and the budget goes to the first report in full instead.
 */
const LIST_HEAD = 8;
const LIST_DECAY = 0.93;
const LIST_FLOOR = 0.35;
/** Forward (detail follows an error) and backward spread of priority, per non-blank line. */
const FORWARD_CONTINUATION = 0.98;
const FORWARD_OTHER = 0.95;
const FORWARD_KEEP = 0.8;
const BACKWARD_CONTINUATION = 0.97;
const BACKWARD_OTHER = 0.7;
const BACKWARD_KEEP = 0.6;
/** Inside a failure report (see REPORT_START_RE) every line is detail of it: priority fades slowly. */
const REPORT_DECAY = 0.99;
const REPORT_LINES = 120;
/** Weights of context lines (lines that are no failure evidence of their own). */
const NOISE_FACTOR = 0.2;
const SUCCESS_FACTOR = 0.03;
const CHATTER_FACTOR = 0.15;
const RUNTIME_FRAME_FACTOR = 0.85;
/** Longer lines cost more of the character budget: past this length they rank lower. */
const LONG_LINE_CHARS = 400;

/** A test or step reported as passing, skipped or failing as expected. */
const SUCCESS_RE = /\bPASS(?:ED)?\b|✓|✔|\bok\s*(?:\(|\[|$)|^ok\s|\bOK\s*$|^(?:SKIP|XFAIL|XPASS)\s|\bSKIPPED\s*$/;

/**
 * The own weight of each line of a block: failure lines by their score, raised in a failed step,
 * in the first strong block of a step and at the head of the block, lowered when repeated (same
 * text, or one more item of a long list of one shape). `shapeCounts` runs over the whole log.
 */
export function ownPriorities(lines: TStored[], failedSteps: Set<number>, blockFactor: number, shapeCounts: Map<string, number>): number[] {
  const base = new Array<number>(lines.length).fill(0);
  let coreIndex = 0;
  // The block's extra weight goes to its head: up to the end of its first failure report.
  const firstReport = lines.find((l) => l.score > 0 && REPORT_START_RE.test(bodyOf(l)))?.line;
  const headEnd = firstReport === undefined ? Infinity : firstReport + REPORT_LINES;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as TStored;
    if (l.score <= 0) continue;
    const factor = l.line <= headEnd ? blockFactor : 1;
    let p = (l.score * factor * (failedSteps.has(l.step) ? FAILED_STEP_FACTOR : 1)) / Math.sqrt(l.occurrence);
    if (l.score >= CORE_SCORE) {
      p *= 1 + HEAD_BONUS * 0.5 ** (coreIndex++ / HEAD_HALF_LIFE);
      const shape = lineShape(l);
      const seen = shapeCounts.get(shape) ?? 0;
      shapeCounts.set(shape, seen + 1);
      if (seen >= LIST_HEAD) p *= Math.max(LIST_FLOOR, LIST_DECAY ** (seen - LIST_HEAD));
    } else p *= 0.5;
    base[i] = p;
  }
  return base;
}

/** Priority spread to the neighbours of failure lines: detail after them, the lead-in before. */
export function spreadPriorities(lines: TStored[], base: number[]): number[] {
  const n = lines.length;
  const spread = [...base];
  const bodies = lines.map(bodyOf);
  const cont = bodies.map((b) => CONTINUATION_RE.test(b));
  // Blank lines take no share of the distance: tools separate the parts of one report with them.
  const blank = lines.map((l) => l.text.trim().length === 0);
  // Frames of the runtime, test harness or build tool take no share of the distance either: the
  // frames in the project's own code below them are what a long trace is read for.
  const runtime = lines.map((l, i) => l.score === 0 && RUNTIME_FRAME_RE.test(bodies[i] as string));
  let carry = 0;
  let reportLeft = 0;
  for (let i = 0; i < n; i++) {
    if (blank[i]) continue;
    const l = lines[i] as TStored;
    // A step's detail does not run on into the next step.
    if (i > 0 && l.step !== (lines[i - 1] as TStored).step) carry = 0;
    if (runtime[i]) {
      spread[i] = Math.max(spread[i] ?? 0, carry);
      continue;
    }
    if (l.score > 0 && REPORT_START_RE.test(bodies[i] as string)) reportLeft = REPORT_LINES;
    else if (l.score < CORE_SCORE && CHATTER_RE.test(l.text)) reportLeft = 0;
    carry *= reportLeft-- > 0 ? REPORT_DECAY : cont[i] ? FORWARD_CONTINUATION : FORWARD_OTHER;
    spread[i] = Math.max(spread[i] ?? 0, carry);
    carry = Math.max(carry, (base[i] ?? 0) * FORWARD_KEEP);
  }
  carry = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (i < n - 1 && (lines[i] as TStored).step !== (lines[i + 1] as TStored).step) carry = 0;
    if (blank[i]) continue;
    carry *= cont[i] ? BACKWARD_CONTINUATION : BACKWARD_OTHER;
    spread[i] = Math.max(spread[i] ?? 0, carry);
    carry = Math.max(carry, (base[i] ?? 0) * BACKWARD_KEEP);
  }
  return spread;
}

/** How much a line's spread priority counts: bookkeeping, passing tests, chatter and long lines less. */
export function lineWeight(l: TStored): number {
  const body = bodyOf(l);
  let weight =
    l.score > 0 ? 1 : NOISE_RE.test(body) ? NOISE_FACTOR : SUCCESS_RE.test(body) || l.kind === EXPECTED_FAILURE_KIND ? SUCCESS_FACTOR : 1;
  if (l.score === 0 && RUNTIME_FRAME_RE.test(body)) weight *= RUNTIME_FRAME_FACTOR;
  if (l.score < CORE_SCORE && CHATTER_RE.test(l.text)) weight *= CHATTER_FACTOR;
  if (l.text.length > LONG_LINE_CHARS) weight *= Math.sqrt(LONG_LINE_CHARS / l.text.length);
  return weight;
}

/** The line without a runner's timestamp or annotation mark (GitHub Actions, Jenkins): what the shapes describe. */
function bodyOf(l: TStored): string {
  return lineBody(l.text).body;
}

/** What makes failure lines items of one list: the family, and the verdict word or the shape of the start. */
function lineShape(l: TStored): string {
  const text = bodyOf(l).trim();
  const verdict = /(?:^|\s)([A-Z]{2,}!?|\[[A-Z]+\])$/.exec(text)?.[1];
  return `${l.kind}|${verdict ?? text.slice(0, 24).replace(/\w+/g, 'w').slice(0, 10)}`;
}
