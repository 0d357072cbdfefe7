export type TBoundedTextLimits = {
  /** Most bytes kept (head + tail). */
  maxBytes: number;
  /** Most lines kept (head + tail); 0 means no line limit. */
  maxLines: number;
  /** Share of the budget given to the head; the tail, where CI logs fail, gets the rest. */
  headRatio?: number;
};

export type TBoundedText = {
  text: string;
  /** Bytes the source had. */
  totalBytes: number;
  /** Lines the source had. */
  totalLines: number;
  keptBytes: number;
  keptLines: number;
  truncated: boolean;
  omittedBytes: number;
  omittedLines: number;
  /** Most source bytes held at once while reading: the memory bound, whatever the source size. */
  peakRetainedBytes: number;
};

const DEFAULT_HEAD_RATIO = 0.2;
const NEWLINE = 0x0a;

function countNewlines(buf: Buffer): number {
  let n = 0;
  let i = buf.indexOf(NEWLINE);
  while (i !== -1) {
    n++;
    i = buf.indexOf(NEWLINE, i + 1);
  }
  return n;
}

function countLines(totalBytes: number, newlines: number, endsWithNewline: boolean): number {
  if (totalBytes === 0) return 0;
  return endsWithNewline ? newlines : newlines + 1;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function omittedMarker(bytes: number, lines: number): string {
  return `[... ci-analyst: ${lines} lines (${bytes} bytes) omitted from the middle of this log ...]`;
}

/**
 * Reads a byte stream keeping only its head and its tail, so memory stays near `maxBytes` whatever
 * the source size; then cuts by lines the same way. Cuts land on line boundaries and a marker line
 * says what was dropped.
 */
export async function readBoundedText(source: AsyncIterable<Buffer | string>, limits: TBoundedTextLimits): Promise<TBoundedText> {
  const headRatio = limits.headRatio ?? DEFAULT_HEAD_RATIO;
  const maxBytes = Math.max(1, Math.floor(limits.maxBytes));
  const headBudget = Math.floor(maxBytes * headRatio);
  const tailBudget = maxBytes - headBudget;

  const head: Buffer[] = [];
  let headSize = 0;
  const tail: Buffer[] = [];
  let tailSize = 0;
  let totalBytes = 0;
  let newlines = 0;
  let lastByte = -1;
  let peakRetained = 0;

  for await (const piece of source) {
    let chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (chunk.length === 0) continue;
    totalBytes += chunk.length;
    newlines += countNewlines(chunk);
    lastByte = chunk[chunk.length - 1] ?? lastByte;
    if (headSize < headBudget) {
      const take = Math.min(headBudget - headSize, chunk.length);
      head.push(Buffer.from(chunk.subarray(0, take)));
      headSize += take;
      chunk = chunk.subarray(take);
      peakRetained = Math.max(peakRetained, headSize + tailSize);
      if (chunk.length === 0) continue;
    }
    if (chunk.length >= tailBudget) {
      tail.length = 0;
      tail.push(Buffer.from(chunk.subarray(chunk.length - tailBudget)));
      tailSize = tailBudget;
    } else {
      // Copy: a subarray would pin the whole source chunk in memory.
      tail.push(Buffer.from(chunk));
      tailSize += chunk.length;
      while (tail.length > 1 && tailSize - (tail[0]?.length ?? 0) >= tailBudget) tailSize -= tail.shift()?.length ?? 0;
    }
    peakRetained = Math.max(peakRetained, headSize + tailSize);
  }

  const totalLines = countLines(totalBytes, newlines, lastByte === NEWLINE);
  let headBuf = Buffer.concat(head);
  let tailBuf = Buffer.concat(tail);
  if (tailBuf.length > tailBudget) tailBuf = tailBuf.subarray(tailBuf.length - tailBudget);
  let omittedBytes = totalBytes - headBuf.length - tailBuf.length;

  if (omittedBytes > 0) {
    // Land both cuts on line boundaries so no half line (or half UTF-8 character) survives.
    const lastHeadNl = headBuf.lastIndexOf(NEWLINE);
    headBuf = lastHeadNl === -1 ? Buffer.alloc(0) : headBuf.subarray(0, lastHeadNl + 1);
    const firstTailNl = tailBuf.indexOf(NEWLINE);
    tailBuf = firstTailNl === -1 ? tailBuf : tailBuf.subarray(firstTailNl + 1);
    omittedBytes = totalBytes - headBuf.length - tailBuf.length;
  }

  // The common case, a log within both limits, is kept whole without being split into lines (the
  // same text: the lines joined again, without the last line end). A text that does not re-encode
  // to its source size (invalid UTF-8) counts as cut below, and takes that path.
  if (omittedBytes === 0 && (limits.maxLines <= 0 || totalLines <= limits.maxLines)) {
    const whole = Buffer.concat([headBuf, tailBuf]).toString('utf8');
    const text = whole.endsWith('\n') ? whole.slice(0, -1) : whole;
    const keptBytes = Buffer.byteLength(text);
    if (totalBytes <= keptBytes + (totalLines > 0 ? 1 : 0)) {
      return { text, totalBytes, totalLines, keptBytes, keptLines: totalLines, truncated: false, omittedBytes: 0, omittedLines: 0, peakRetainedBytes: peakRetained };
    }
  }

  let headLines: string[];
  let tailLines: string[];
  if (omittedBytes === 0) {
    headLines = splitLines(Buffer.concat([headBuf, tailBuf]).toString('utf8'));
    tailLines = [];
  } else {
    headLines = splitLines(headBuf.toString('utf8'));
    tailLines = splitLines(tailBuf.toString('utf8'));
  }

  const maxLines = limits.maxLines;
  if (maxLines > 0 && headLines.length + tailLines.length > maxLines) {
    const headShare = Math.floor(maxLines * headRatio);
    if (tailLines.length === 0) {
      const all = headLines;
      headLines = all.slice(0, headShare);
      tailLines = all.slice(all.length - (maxLines - headShare));
    } else {
      // The tail keeps its share first; a head shorter than its share leaves the rest to the tail.
      const tailKeep = Math.min(tailLines.length, maxLines - Math.min(headLines.length, headShare));
      const headKeep = Math.min(headLines.length, maxLines - tailKeep);
      headLines = headLines.slice(0, headKeep);
      tailLines = tailLines.slice(tailLines.length - tailKeep);
    }
  }

  const kept = [...headLines, ...tailLines];
  const keptRawBytes = Buffer.byteLength(kept.join('\n')) + (kept.length > 0 ? 1 : 0);
  const omittedLines = Math.max(0, totalLines - kept.length);
  const truncated = omittedLines > 0 || totalBytes > keptRawBytes;
  const dropped = truncated ? Math.max(0, totalBytes - keptRawBytes) : 0;
  const text = truncated ? [...headLines, omittedMarker(dropped, omittedLines), ...tailLines].join('\n') : kept.join('\n');
  return {
    text,
    totalBytes,
    totalLines,
    keptBytes: Buffer.byteLength(text),
    keptLines: kept.length,
    truncated,
    omittedBytes: dropped,
    omittedLines,
    peakRetainedBytes: peakRetained,
  };
}
