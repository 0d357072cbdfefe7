import { CORE_SCORE, type TBlock, type TStored } from './excerpt-rank';
import { REPORT_START_RE } from './failure-patterns';
import { EXPECTED_FAILURE_KIND } from './line-priority';
import { lineBody } from './line-score';

/** Bounds that keep memory flat whatever the log size. */
const MAX_STORED_LINES = 10_000;
export const MAX_BLOCK_LINES = 2_000;
/** How far a block stays open after the start of a failure report, whatever the lines look like. */
const REPORT_HOLD_LINES = 120;
/** How far back an expected failure's verdict takes back the output before it. */
const MAX_RETRACTED_LINES = 200;

/**
 * Where the output of the test before an expected failure's verdict begins, at the latest: a test
 * verdict at the start of a line (PHP's run-tests, TAP, Go, pytest's summary) or at its end
 * (pytest -v: `tests/test_a.py::test_x FAILED [ 10%]`), or a titled ruler
 * (`==== short test summary info ====`, `____ test_x ____`).
 */
const OUTPUT_BOUNDARY_RE =
  /^(?:PASS|FAIL|XFAIL|XPASS|SKIP|BORK|WARN|LEAK|FAILED|PASSED|ok|not ok)\b|\s(?:PASSED|FAILED|ERROR|XFAIL|XPASS|SKIPPED)(?:\s+\[\s*\d+%\])?\s*$|^\s*[=_-]{3,} \S.* [=_-]{3,}\s*$|^--- (?:FAIL|PASS|SKIP)/;

/**
 * The failure blocks of one log as it is read: the lines kept around failures (with context),
 * at most one block open at a time, and at most MAX_STORED_LINES lines in all (the weakest
 * closed blocks go first).
 */
export class FailureBlocks {
  readonly list: TBlock[] = [];
  /** Steps the runner said exited non-zero. */
  readonly failedSteps = new Set<number>();
  /** The block still taking lines, if any (always the last one). */
  openBlock: TBlock | undefined;
  private storedLines = 0;
  /** Open blocks whose lines an expected failure took back since they opened. */
  private readonly retracted = new WeakSet<TBlock>();

  constructor(private readonly contextLines: number) {}

  get lineCount(): number {
    return this.storedLines;
  }

  /** A new block, open unless told otherwise, with its first lines. */
  start(block: TBlock, lines: Iterable<TStored>): void {
    for (const stored of lines) this.add(block, stored);
    this.list.push(block);
    if (block.open) this.openBlock = block;
  }

  add(block: TBlock, stored: TStored): void {
    block.lines.push(stored);
    this.storedLines++;
    if (stored.score >= CORE_SCORE) {
      block.lastCore = stored.line;
      block.best = Math.max(block.best, stored.score);
    }
    if (stored.score > 0 && REPORT_START_RE.test(lineBody(stored.text).body))
      block.holdUntil = Math.max(block.holdUntil, stored.line + REPORT_HOLD_LINES);
  }

  /**
   * A test reported as an expected failure (XFAIL) prints its diff or error like a real one, before
   * its verdict: that output is no evidence of why this run failed. Its lines in `block`, back to
   * the previous verdict, a titled ruler or a blank line, lose their failure score.
   */
  retractExpectedFailure(block: TBlock): void {
    for (let i = block.lines.length - 1, n = 0; i >= 0 && n < MAX_RETRACTED_LINES; i--, n++) {
      const l = block.lines[i] as TStored;
      const body = lineBody(l.text).body;
      // A line taken back already ends the walk too: each line is walked at most once.
      if (l.kind === EXPECTED_FAILURE_KIND || body.trim().length === 0 || OUTPUT_BOUNDARY_RE.test(body)) break;
      l.score = 0;
      l.kind = EXPECTED_FAILURE_KIND;
    }
    // Its best score is worked out again once, when it closes: here it would cost the whole block per verdict.
    this.retracted.add(block);
  }

  /** Closes the open block when line `lineNo` is past what it takes, or it is full. */
  closeIfDone(lineNo: number): void {
    const open = this.openBlock;
    if (open && (lineNo > this.keepOpenUntil(open) || open.lines.length >= MAX_BLOCK_LINES)) this.close(open);
  }

  close(block: TBlock): void {
    block.open = false;
    this.openBlock = undefined;
    if (this.retracted.delete(block))
      block.best = block.lines.reduce((best, l) => (l.score >= CORE_SCORE ? Math.max(best, l.score) : best), 0);
    // Trailing context past the last failure line is kept only up to the context width.
    while (block.lines.length > 0 && (block.lines.at(-1)?.line ?? 0) > this.keepOpenUntil(block)) {
      block.lines.pop();
      this.storedLines--;
    }
    this.evictIfNeeded();
  }

  lastStoredLine(): number {
    return this.list.at(-1)?.lines.at(-1)?.line ?? 0;
  }

  hasFailureLine(): boolean {
    return this.list.some((b) => b.best >= CORE_SCORE);
  }

  /** The last line an open block takes: context after its last failure line, or the end of a report. */
  private keepOpenUntil(block: TBlock): number {
    return Math.max(block.lastCore + this.contextLines, block.holdUntil);
  }

  private evictIfNeeded(): void {
    while (this.storedLines > MAX_STORED_LINES && this.list.length > 1) {
      let worst = -1;
      let worstValue = Infinity;
      for (let i = 0; i < this.list.length - 1; i++) {
        const b = this.list[i];
        if (b === undefined) continue;
        const value = b.best + (this.failedSteps.has(b.step) ? 10 : 0) + i / this.list.length;
        if (value < worstValue) {
          worstValue = value;
          worst = i;
        }
      }
      const [removed] = this.list.splice(worst, 1);
      this.storedLines -= removed?.lines.length ?? 0;
    }
  }
}
