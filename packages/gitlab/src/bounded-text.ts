export type TBoundedTextLimits = {
  /** Most bytes kept (head + tail). */
  maxBytes: number;
  /** Most lines kept (head + tail); 0 means no line limit. */
  maxLines: number;
  /** Share of the budget given to the head; the tail, where CI logs fail, gets the rest. */
  headRatio?: number;
  /** Most bytes read from the source: past it reading stops and the log is cut (no limit when absent). */
  maxReadBytes?: number;
  /** Most milliseconds spent reading (applied by the reader of a stream, see GitLabHttp.readText). */
  maxReadMs?: number;
};

/** Why reading stopped before the source ended. */
export type TReadStop = 'byte_budget' | 'time_budget';

/** How a read may end early: a signal that stops it (the time budget), and the size the source announced. */
export type TReadControl = { signal?: AbortSignal; announcedBytes?: number | null };

export type TBoundedText = {
  text: string;
  /** Bytes the source had: the size it announced when reading stopped early, else the bytes read. */
  totalBytes: number;
  /** Lines read from the source. */
  totalLines: number;
  keptBytes: number;
  keptLines: number;
  truncated: boolean;
  omittedBytes: number;
  omittedLines: number;
  /** Most source bytes held at once while reading: the memory bound, whatever the source size. */
  peakRetainedBytes: number;
  /** Bytes read from the source. */
  readBytes: number;
  /** Set when a budget stopped the read before the source ended: the text then ends with a marker line. */
  stoppedBy: TReadStop | null;
  /** Whether totalBytes is the source's real size (false: a log stopped early without a size, a lower bound). */
  sizeKnown: boolean;
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

function stopMarker(stop: TReadStop, readBytes: number, announcedBytes: number | null): string {
  const reason = stop === 'byte_budget' ? 'byte budget' : 'time budget';
  return announcedBytes !== null && announcedBytes > readBytes
    ? `[... ci-analyst: stopped reading this log after ${readBytes} of ${announcedBytes} bytes (${reason}) ...]`
    : `[... ci-analyst: stopped reading this log after ${readBytes} bytes (${reason}); it had not ended ...]`;
}

/** What streaming kept of the source: its head, the ring of its last bytes, and counts. */
type TCollected = {
  head: Buffer;
  tail: Buffer;
  readBytes: number;
  newlines: number;
  lastByte: number;
  peakRetained: number;
  stoppedBy: TReadStop | null;
};

/**
 * Streams the source keeping its head and a ring of its last bytes, so memory stays near `maxBytes`
 * whatever the source size. Stops at `maxReadBytes`, or when the signal aborts (the source then
 * fails with the abort, which ends the read instead of failing it).
 */
async function collect(
  source: AsyncIterable<Buffer | string>,
  headBudget: number,
  tailBudget: number,
  maxReadBytes: number,
  signal?: AbortSignal,
): Promise<TCollected> {
  const head: Buffer[] = [];
  let headSize = 0;
  const tail: Buffer[] = [];
  let tailSize = 0;
  let readBytes = 0;
  let newlines = 0;
  let lastByte = -1;
  let peakRetained = 0;
  let stoppedBy: TReadStop | null = null;

  try {
    for await (const piece of source) {
      let chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      if (chunk.length === 0) continue;
      // The byte budget cuts inside a chunk, so exactly maxReadBytes are counted and kept.
      if (readBytes + chunk.length > maxReadBytes) {
        chunk = chunk.subarray(0, maxReadBytes - readBytes);
        stoppedBy = 'byte_budget';
      }
      readBytes += chunk.length;
      newlines += countNewlines(chunk);
      lastByte = chunk[chunk.length - 1] ?? lastByte;
      if (headSize < headBudget) {
        const take = Math.min(headBudget - headSize, chunk.length);
        head.push(Buffer.from(chunk.subarray(0, take)));
        headSize += take;
        chunk = chunk.subarray(take);
      }
      if (chunk.length >= tailBudget) {
        tail.length = 0;
        tail.push(Buffer.from(chunk.subarray(chunk.length - tailBudget)));
        tailSize = tailBudget;
      } else if (chunk.length > 0) {
        // Copy: a subarray would pin the whole source chunk in memory.
        tail.push(Buffer.from(chunk));
        tailSize += chunk.length;
        while (tail.length > 1 && tailSize - (tail[0]?.length ?? 0) >= tailBudget) tailSize -= tail.shift()?.length ?? 0;
      }
      peakRetained = Math.max(peakRetained, headSize + tailSize);
      // Leaving the loop ends the source (a stream is destroyed, its connection closed).
      if (stoppedBy) break;
    }
  } catch (err) {
    if (!signal?.aborted) throw err;
    stoppedBy = 'time_budget';
  }
  if (stoppedBy === null && signal?.aborted) stoppedBy = 'time_budget';
  let tailBuf = Buffer.concat(tail);
  if (tailBuf.length > tailBudget) tailBuf = tailBuf.subarray(tailBuf.length - tailBudget);
  return { head: Buffer.concat(head), tail: tailBuf, readBytes, newlines, lastByte, peakRetained, stoppedBy };
}

type TShaped = Pick<TBoundedText, 'text' | 'keptBytes' | 'keptLines' | 'truncated' | 'omittedBytes' | 'omittedLines'> & {
  keptRawBytes: number;
};

/** Cuts what was collected to the byte and line limits, on line boundaries, with a marker for the middle. */
function shape(collected: TCollected, totalLines: number, limits: TBoundedTextLimits, headRatio: number): TShaped {
  let headBuf = collected.head;
  let tailBuf = collected.tail;
  const gap = collected.readBytes > headBuf.length + tailBuf.length;
  if (gap) {
    // Land both cuts on line boundaries so no half line (or half UTF-8 character) survives.
    const lastHeadNl = headBuf.lastIndexOf(NEWLINE);
    headBuf = lastHeadNl === -1 ? Buffer.alloc(0) : headBuf.subarray(0, lastHeadNl + 1);
    const firstTailNl = tailBuf.indexOf(NEWLINE);
    tailBuf = firstTailNl === -1 ? tailBuf : tailBuf.subarray(firstTailNl + 1);
  }
  // A read stopped mid-line keeps no half line at its end (the stop marker accounts for it).
  let readBytes = collected.readBytes;
  let wholeLines = totalLines;
  if (collected.stoppedBy && collected.lastByte !== NEWLINE) {
    const end = tailBuf.length > 0 ? tailBuf : headBuf;
    const lastNl = end.lastIndexOf(NEWLINE);
    if (lastNl !== -1) {
      readBytes -= end.length - lastNl - 1;
      wholeLines -= 1;
      if (end === tailBuf) tailBuf = tailBuf.subarray(0, lastNl + 1);
      else headBuf = headBuf.subarray(0, lastNl + 1);
    }
  }
  const omittedBytes = readBytes - headBuf.length - tailBuf.length;

  // The common case, a log within both limits, is kept whole without being split into lines (the
  // same text: the lines joined again, without the last line end). A text that does not re-encode
  // to its source size (invalid UTF-8) counts as cut below, and takes that path.
  if (omittedBytes === 0 && (limits.maxLines <= 0 || wholeLines <= limits.maxLines)) {
    const whole = Buffer.concat([headBuf, tailBuf]).toString('utf8');
    const text = whole.endsWith('\n') ? whole.slice(0, -1) : whole;
    const keptBytes = Buffer.byteLength(text);
    if (readBytes <= keptBytes + (wholeLines > 0 ? 1 : 0)) {
      return { text, keptBytes, keptLines: wholeLines, truncated: false, omittedBytes: 0, omittedLines: 0, keptRawBytes: readBytes };
    }
  }

  let headLines: string[];
  let tailLines: string[];
  if (!gap) {
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
  const omittedLines = Math.max(0, wholeLines - kept.length);
  const truncated = omittedLines > 0 || readBytes > keptRawBytes;
  const dropped = truncated ? Math.max(0, readBytes - keptRawBytes) : 0;
  const text = truncated ? [...headLines, omittedMarker(dropped, omittedLines), ...tailLines].join('\n') : kept.join('\n');
  return { text, keptBytes: Buffer.byteLength(text), keptLines: kept.length, truncated, omittedBytes: dropped, omittedLines, keptRawBytes };
}

/**
 * Reads a byte stream keeping only its head and its tail, so memory stays near `maxBytes` whatever
 * the source size; then cuts by lines the same way. Cuts land on line boundaries and a marker line
 * says what was dropped. A read stopped by a budget (`maxReadBytes`, the control's signal) keeps
 * the head and the last lines read, ends with a marker line, and says so in `stoppedBy`.
 */
export async function readBoundedText(
  source: AsyncIterable<Buffer | string>,
  limits: TBoundedTextLimits,
  control: TReadControl = {},
): Promise<TBoundedText> {
  const headRatio = limits.headRatio ?? DEFAULT_HEAD_RATIO;
  const maxBytes = Math.max(1, Math.floor(limits.maxBytes));
  const headBudget = Math.floor(maxBytes * headRatio);
  const maxReadBytes = Math.max(1, Math.floor(limits.maxReadBytes ?? Number.POSITIVE_INFINITY));
  const collected = await collect(source, headBudget, maxBytes - headBudget, maxReadBytes, control.signal);
  const { readBytes, stoppedBy } = collected;
  const totalLines = countLines(readBytes, collected.newlines, collected.lastByte === NEWLINE);
  const shaped = shape(collected, totalLines, limits, headRatio);
  const base = {
    totalLines,
    keptLines: shaped.keptLines,
    omittedLines: shaped.omittedLines,
    peakRetainedBytes: collected.peakRetained,
    readBytes,
    stoppedBy,
  };
  if (!stoppedBy) {
    const { text, keptBytes, truncated, omittedBytes } = shaped;
    return { ...base, text, totalBytes: readBytes, keptBytes, truncated, omittedBytes, sizeKnown: true };
  }
  const announced = control.announcedBytes ?? null;
  const totalBytes = Math.max(readBytes, announced ?? 0);
  const marker = stopMarker(stoppedBy, readBytes, announced);
  const text = shaped.text === '' ? marker : `${shaped.text}\n${marker}`;
  return {
    ...base,
    text,
    totalBytes,
    keptBytes: Buffer.byteLength(text),
    truncated: true,
    omittedBytes: totalBytes - shaped.keptRawBytes,
    sizeKnown: announced !== null && announced >= readBytes,
  };
}
