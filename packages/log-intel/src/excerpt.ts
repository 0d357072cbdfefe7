import { readBaseline } from './baseline';
import { CORE_SCORE, rankLines, selectLines, type TBlock, type TScannedLog, type TSelectOptions, type TStored } from './excerpt-rank';
import { FailureBlocks } from './excerpt-blocks';
import { StepTracker } from './failed-step';
import { EXPECTED_FAILURE_RE, NOISE_RE, RUNNER_INFO_SECTION_RE, TOOL_ADVICE_RE } from './failure-patterns';
import { HotScanner } from './hot-scanner';
import { forEachBufferOfLines, keptText, MAX_LINE_BYTES } from './line-reader';
import { lineBody, scoreLine, STEP_FAILED_RE, STEP_START_RE } from './line-score';
import { normalizeLine } from './normalize';
import type { TExcerpt, TExcerptOptions, TLogInput } from './types';
import { comparisonKey } from './volatile';

export const DEFAULT_MAX_LINES = 150;
export const DEFAULT_MAX_CHARS = 12_000;
export const DEFAULT_CONTEXT_LINES = 50;

/** Bounds that keep memory flat whatever the log size. */
const MAX_REPEAT_KEYS = 100_000;
const STEP_TAIL_LINES = 20;
/** The runner's line naming the step that exited non-zero: short, and always worth its place. */
const STEP_EXIT_SCORE = 10;
const FALLBACK_TAIL_LINES = 40;
/** Step/section changes remembered for dating context lines (only recent ones are ever asked). */
const MAX_MARKS = 256;

/**
 * Streams a job log once and keeps the lines that explain the failure: failure blocks (compiler
 * errors, test reports, stack traces, package-manager and build-tool errors...) with context,
 * ranked and cut to the budget, secrets masked. Memory stays bounded whatever the log size.
 */
export async function excerptLog(input: TLogInput, options: TExcerptOptions = {}): Promise<TExcerpt> {
  const baseline = options.baseline === undefined ? undefined : await readBaseline(options.baseline);
  const builder = new ExcerptBuilder(options.contextLines ?? DEFAULT_CONTEXT_LINES);
  await forEachBufferOfLines(input, (buf) => builder.pushBuffer(buf));
  return builder.finish({
    maxLines: options.maxLines ?? DEFAULT_MAX_LINES,
    maxChars: options.maxChars ?? DEFAULT_MAX_CHARS,
    baseline,
    extraSecrets: options.extraSecrets,
  });
}

type TFinishOptions = TSelectOptions & { baseline: Set<number> | undefined };

/** The streaming core of {@link excerptLog}, exposed for the memory-bound test. */
export class ExcerptBuilder {
  private lineNo = 0;
  /** How many recent lines can serve as context: the only lines kept that were not stored. */
  private readonly ringSize: number;
  /** The buffer being scanned, its latin1 view (one character per byte) and the current line's start. */
  private buffer: Buffer = Buffer.alloc(0);
  private view = '';
  private lineStart = 0;
  /** The last lines of the buffers scanned before this one, decoded: context across buffer ends. */
  private tail: { line: number; raw: string }[] = [];
  /** Lines already normalised and scored, by number: reused when they become context. */
  private readonly recent = new Map<number, TStored>();
  /** Where the step or section changed (only hot lines change them), to date context lines. */
  private readonly marks: { line: number; step: number; section: number }[] = [{ line: 0, step: 0, section: -1 }];
  private readonly blocks: FailureBlocks;
  private readonly steps = new StepTracker();
  private readonly repeats = new Map<number, number>();
  private readonly sections: string[] = [];
  private readonly sectionIds = new Map<string, number>();
  private readonly sectionStack: number[] = [];
  private inPrivateKey = false;

  constructor(private readonly contextLines: number) {
    this.ringSize = Math.max(contextLines, STEP_TAIL_LINES, FALLBACK_TAIL_LINES);
    this.blocks = new FailureBlocks(contextLines);
  }

  /** Lines currently held (context tail, recent and block lines): bounded by construction. */
  get retainedLines(): number {
    return this.tail.length + this.recent.size + this.blocks.lineCount;
  }

  /** One line, without its line end. */
  push(raw: string): void {
    this.pushBuffer(Buffer.from(`${raw}\n`, 'utf8'));
  }

  /**
   * Whole lines of UTF-8, each ending with `\n`. Ordinary lines are never decoded nor stored: the
   * scans run over a latin1 view (one character per byte, so offsets are byte offsets and ASCII
   * words match), and the loop over lines only counts them. Context is decoded when a failure
   * needs it. That is what makes the scan fast.
   */
  pushBuffer(buf: Buffer): void {
    const view = buf.toString('latin1');
    this.buffer = buf;
    this.view = view;
    const hot = new HotScanner(view, buf);
    let nextHot = hot.next(0);
    let pos = 0;
    for (;;) {
      const nl = view.indexOf('\n', pos);
      if (nl < 0) break;
      const lineNo = ++this.lineNo;
      this.blocks.closeIfDone(lineNo);
      let isHot = false;
      if (nextHot < nl) {
        isHot = true;
        nextHot = hot.next(nl + 1);
      }
      if (isHot || this.blocks.openBlock || this.inPrivateKey) {
        this.lineStart = pos;
        this.pushLine(buf.toString('utf8', pos, Math.min(nl, pos + MAX_LINE_BYTES)), lineNo, isHot);
      }
      pos = nl + 1;
    }
    this.lineStart = view.length;
    this.tail = this.linesBefore(this.lineNo + 1, this.ringSize);
    this.buffer = Buffer.alloc(0);
    this.view = '';
    this.lineStart = 0;
  }

  private pushLine(raw: string, lineNo: number, isHot: boolean): void {
    const stored = isHot || this.inPrivateKey ? this.storeLine(raw, lineNo) : this.toStored(raw, lineNo);
    this.remember(stored);
    const open = this.blocks.openBlock;
    if (open && EXPECTED_FAILURE_RE.test(stored.text)) this.blocks.retractExpectedFailure(open);
    if (open) {
      this.blocks.add(open, stored);
    } else if (stored.score >= CORE_SCORE) {
      const from = Math.max(this.blocks.lastStoredLine() + 1, lineNo - this.contextLines, 1);
      const block: TBlock = { lines: [], lastCore: lineNo, holdUntil: 0, best: 0, step: stored.step, open: true };
      this.blocks.start(block, [...this.contextBefore(lineNo, lineNo - from), stored]);
    }
  }

  /** The raw text of the `count` lines before line `lineNo` (the current one), oldest first. */
  private linesBefore(lineNo: number, count: number): { line: number; raw: string }[] {
    const out: { line: number; raw: string }[] = [];
    let end = this.lineStart - 1;
    let line = lineNo - 1;
    while (out.length < count && line >= 1 && end >= 0) {
      const start = this.view.lastIndexOf('\n', end - 1) + 1;
      out.push({ line, raw: this.buffer.toString('utf8', start, Math.min(end, start + MAX_LINE_BYTES)) });
      line--;
      end = start - 1;
    }
    for (let i = this.tail.length - 1; i >= 0 && out.length < count; i--) {
      const t = this.tail[i] as { line: number; raw: string };
      if (t.line <= line) out.push(t);
    }
    return out.reverse();
  }

  /** Normalised, scored context lines before line `lineNo`, reusing lines already stored. */
  private contextBefore(lineNo: number, count: number): TStored[] {
    if (count <= 0) return [];
    return this.linesBefore(lineNo, count).map((l) => {
      const known = this.recent.get(l.line);
      if (known !== undefined) return known;
      // Every line not remembered here was passed over by the hot scan (hot lines are all stored).
      // A line that normalising leaves as it is cannot score then: scoreLine starts with the same
      // test (isHotLine), and a part of a line cannot match where the whole line did not.
      const normalized = normalizeLine(l.raw).text;
      const stored = this.dated(normalized, l.line);
      if (normalized !== l.raw) {
        const { score, kind } = scoreLine(stored.text);
        stored.score = score;
        stored.kind = kind;
      }
      this.remember(stored);
      return stored;
    });
  }

  /** A normalised line with no score of its own, dated with the step and section it was in. */
  private toStored(raw: string, lineNo: number): TStored {
    return this.dated(normalizeLine(raw).text, lineNo);
  }

  private dated(full: string, lineNo: number): TStored {
    const text = keptText(full);
    let mark = this.marks[0] as { step: number; section: number };
    for (let i = this.marks.length - 1; i >= 0; i--) {
      const m = this.marks[i] as { line: number; step: number; section: number };
      if (m.line <= lineNo) {
        mark = m;
        break;
      }
    }
    return { line: lineNo, text, score: 0, kind: '', occurrence: 1, step: mark.step, section: mark.section };
  }

  private remember(stored: TStored): void {
    this.recent.set(stored.line, stored);
    if (this.recent.size > 2 * this.ringSize) {
      const oldest = this.lineNo - this.ringSize;
      for (const key of this.recent.keys()) {
        if (key >= oldest) break;
        this.recent.delete(key);
      }
    }
  }

  /** Normalises and scores one line, following sections and steps. */
  private storeLine(raw: string, lineNo: number): TStored {
    const norm = normalizeLine(raw);
    if (norm.sectionStart !== undefined) this.sectionStack.push(this.sectionId(norm.sectionStart));
    const section = this.sectionStack.at(-1) ?? -1;
    if (norm.sectionEnd !== undefined) this.sectionStack.pop();
    let text = keptText(norm.text);
    // A private key is masked whole here, because later steps only ever see single lines.
    if (this.inPrivateKey || /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(text)) {
      this.inPrivateKey = !/-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(text);
      text = '[MASKED:private_key]';
    }
    const body = lineBody(text).body;
    this.steps.phase(lineNo, body, norm.sectionStart);
    if (STEP_START_RE.test(body)) this.steps.started(lineNo, body);
    const { score, kind } = this.inRunnerInfo(section) ? { score: 0, kind: '' } : scoreLine(text);
    let occurrence = 1;
    if (score >= CORE_SCORE) {
      const key = comparisonKey(text);
      occurrence = (this.repeats.get(key) ?? 0) + 1;
      if (occurrence > 1 || this.repeats.size < MAX_REPEAT_KEYS) this.repeats.set(key, occurrence);
    }
    const step = this.steps.step;
    const stored: TStored = { line: lineNo, text, score, kind, occurrence, step, section };
    const after = this.sectionStack.at(-1) ?? -1;
    const last = this.marks.at(-1) as { step: number; section: number };
    if (last.step !== step || last.section !== after) {
      this.marks.push({ line: lineNo + 1, step, section: after });
      if (this.marks.length > MAX_MARKS) this.marks.splice(0, this.marks.length - MAX_MARKS);
    }
    if (STEP_FAILED_RE.test(body)) this.markStepFailed(stored, body);
    return stored;
  }

  finish(options: TFinishOptions): TExcerpt {
    const open = this.blocks.openBlock;
    if (open) this.blocks.close(open);
    if (!this.blocks.hasFailureLine()) this.addFallbackTail();
    const log: TScannedLog = {
      blocks: this.blocks.list,
      failedSteps: this.blocks.failedSteps,
      totalLines: this.lineNo,
      sections: this.sections,
    };
    return selectLines(log, rankLines(log, options.baseline), options);
  }

  private inRunnerInfo(section: number): boolean {
    return section >= 0 && RUNNER_INFO_SECTION_RE.test(this.sections[section] ?? '');
  }

  private sectionId(name: string): number {
    let id = this.sectionIds.get(name);
    if (id === undefined) {
      id = this.sections.length;
      this.sections.push(name);
      this.sectionIds.set(name, id);
    }
    return id;
  }

  /** The last lines of a step that exited non-zero explain it even when no line looks like an error. */
  private markStepFailed(exitLine: TStored, body: string): void {
    const failed = this.steps.failed(body, exitLine.line);
    for (const step of failed.steps) this.blocks.failedSteps.add(step);
    exitLine.score = Math.max(exitLine.score, STEP_EXIT_SCORE);
    exitLine.kind = exitLine.kind || 'job';
    // The failed step's own last lines: an after phase's (after_script, post actions) are left out.
    const tail = this.contextBefore(exitLine.line, Math.min(this.ringSize, exitLine.line - failed.startLine))
      .filter((r) => r.line < failed.endLine && r.text.trim().length > 0 && !NOISE_RE.test(r.text) && !TOOL_ADVICE_RE.test(r.text))
      .slice(-STEP_TAIL_LINES);
    for (const r of tail) {
      if (r.score < CORE_SCORE) {
        r.score = CORE_SCORE;
        r.kind = 'step-tail';
      }
    }
    const first = tail[0];
    if (first === undefined || first.line <= this.blocks.lastStoredLine()) return;
    if (this.blocks.openBlock) return;
    this.blocks.start({ lines: [], lastCore: first.line, holdUntil: 0, best: 0, step: failed.step, open: true }, tail);
  }

  private addFallbackTail(): void {
    const after = this.blocks.lastStoredLine();
    const tail = this.contextBefore(this.lineNo + 1, this.ringSize)
      .filter((r) => r.text.trim().length > 0 && r.line > after)
      .slice(-FALLBACK_TAIL_LINES);
    if (tail.length === 0) return;
    for (const r of tail) {
      r.score = Math.max(r.score, 1);
      r.kind = r.kind || 'tail';
    }
    this.blocks.start({ lines: [], lastCore: 0, holdUntil: 0, best: 0, step: this.steps.step, open: false }, tail);
  }
}
