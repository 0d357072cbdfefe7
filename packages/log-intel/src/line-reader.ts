import type { TLogInput } from './types';

/** Longer lines are cut: one minified bundle or base64 blob must not hold the whole log in memory. */
export const MAX_LINE_BYTES = 8192;
/** Strings are handed on in pieces of about this many characters, cut at line ends. */
const STRING_PIECE_CHARS = 1 << 20;
const NEWLINE = 10;

/**
 * Calls `onBuffer` with pieces of the input that hold only whole lines, each ending with `\n`
 * (one is added after a last line without it). A line running over pieces is cut at
 * {@link MAX_LINE_BYTES}; readers cut long lines within one piece themselves. Holds one chunk
 * and one capped partial line at most: memory does not grow with the input. Bytes, not strings,
 * so that scanning needs no UTF-8 decoding of lines that are never kept.
 */
export async function forEachBufferOfLines(input: TLogInput, onBuffer: (buf: Buffer) => void): Promise<void> {
  let carry: Buffer | undefined;
  let skipping = false;
  const feed = (piece: Buffer): void => {
    let buf = piece;
    if (skipping) {
      const nl = buf.indexOf(NEWLINE);
      if (nl < 0) return;
      skipping = false;
      buf = buf.subarray(nl);
    }
    const lastNl = buf.lastIndexOf(NEWLINE);
    if (lastNl < 0) {
      carry = carry === undefined ? Buffer.from(buf) : Buffer.concat([carry, buf]);
      if (carry.length > MAX_LINE_BYTES) {
        carry = carry.subarray(0, MAX_LINE_BYTES);
        skipping = true;
      }
      return;
    }
    const whole = carry === undefined ? buf.subarray(0, lastNl + 1) : Buffer.concat([carry, buf.subarray(0, lastNl + 1)]);
    // The rest is copied: the stream may reuse the memory of its chunk.
    carry = lastNl + 1 < buf.length ? Buffer.from(buf.subarray(lastNl + 1, lastNl + 1 + MAX_LINE_BYTES + 1)) : undefined;
    if (carry !== undefined && carry.length > MAX_LINE_BYTES) {
      carry = carry.subarray(0, MAX_LINE_BYTES);
      skipping = true;
    }
    onBuffer(whole);
  };
  if (typeof input === 'string') {
    let from = 0;
    while (from < input.length) {
      let to = Math.min(input.length, from + STRING_PIECE_CHARS);
      if (to < input.length) {
        const nl = input.lastIndexOf('\n', to - 1);
        to = nl >= from ? nl + 1 : to;
      }
      feed(Buffer.from(input.slice(from, to), 'utf8'));
      from = to;
    }
  } else {
    for await (const chunk of input as AsyncIterable<Buffer | string>) feed(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }
  if (carry !== undefined || skipping) onBuffer(Buffer.concat([carry ?? Buffer.alloc(0), Buffer.from('\n')]));
}

/** Calls `onLine` for every line of a string or stream, in order (line ends removed). */
export async function forEachLine(input: TLogInput, onLine: (raw: string) => void): Promise<number> {
  let count = 0;
  await forEachBufferOfLines(input, (buf) => {
    let from = 0;
    for (;;) {
      const nl = buf.indexOf(NEWLINE, from);
      if (nl < 0) break;
      count++;
      onLine(buf.toString('utf8', from, Math.min(nl, from + MAX_LINE_BYTES)));
      from = nl + 1;
    }
  });
  return count;
}

/** A line kept in the excerpt is cut to this length: one line must not eat the whole budget. */
const MAX_EXCERPT_LINE_CHARS = 2_000;

/**
 * The text an excerpt keeps of a line: cut to MAX_EXCERPT_LINE_CHARS, and copied so it does not
 * share memory with the string it was cut from (V8 keeps the whole parent alive for every retained
 * slice, so thousands of stored lines would pin their, up to 8 KB, raw lines).
 */
export function keptText(line: string): string {
  const cut = line.length > MAX_EXCERPT_LINE_CHARS ? line.slice(0, MAX_EXCERPT_LINE_CHARS) : line;
  return cut.length < 13 ? cut : ` ${cut}`.slice(1);
}
