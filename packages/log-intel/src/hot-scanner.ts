import { HOT_AFTER_NEWLINE_RE, HOT_LINE_START_RE, HOT_SCANS, HOT_SYMBOLS } from './failure-patterns';

/**
 * Runs each of {@link HOT_SCANS}, the line-start shapes and {@link HOT_SYMBOLS} over a whole buffer
 * once, in order.
 */
export class HotScanner {
  /** Next hit of each scan: HOT_SCANS, then the line-start scan, then each symbol. */
  private readonly hits: number[];

  constructor(
    private readonly view: string,
    private readonly buf: Buffer,
  ) {
    this.hits = new Array<number>(HOT_SCANS.length + 1 + HOT_SYMBOLS.length).fill(-1);
    // The first line has no newline before it.
    if (HOT_LINE_START_RE.test(view.slice(0, 8))) this.hits[HOT_SCANS.length] = 0;
  }

  /** Offset of the first hit at or after `from` (MAX_SAFE_INTEGER if none); `from` only grows. */
  next(from: number): number {
    const scans = HOT_SCANS.length;
    let min = Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < this.hits.length; i++) {
      let at = this.hits[i] as number;
      if (at < from) {
        if (i < scans) {
          const re = HOT_SCANS[i] as RegExp;
          re.lastIndex = from;
          at = re.exec(this.view)?.index ?? Number.MAX_SAFE_INTEGER;
        } else if (i === scans) {
          HOT_AFTER_NEWLINE_RE.lastIndex = Math.max(0, from - 1);
          const m = HOT_AFTER_NEWLINE_RE.exec(this.view);
          at = m === null ? Number.MAX_SAFE_INTEGER : m.index + 1;
        } else {
          at = this.buf.indexOf(HOT_SYMBOLS[i - scans - 1] as Buffer, from);
          if (at < 0) at = Number.MAX_SAFE_INTEGER;
        }
        this.hits[i] = at;
      }
      if (at < min) min = at;
    }
    return min;
  }
}
