import type { TMasker } from '@cia/contracts';
import type { TFetchStateEntry, TLogText } from './pipeline-context.types';
import { isLogStep } from './step-runner';

/** What is kept of a log a read budget stopped, so a retry does not download it again. */
export const STORED_CUT_LOG_BYTES = 64 * 1024;

function isLogText(value: unknown): value is TLogText {
  return typeof value === 'object' && value !== null && typeof (value as TLogText).text === 'string';
}

/**
 * A log's first and last lines within `maxBytes` (a fifth for the head, the rest for the tail,
 * where a failure shows), with a marker line between them; the sizes still describe the whole log.
 */
export function shrinkLogText(log: TLogText, maxBytes: number): TLogText {
  const bytes = Buffer.from(log.text);
  if (bytes.length <= maxBytes) return log;
  const head = bytes.subarray(0, Math.floor(maxBytes / 5));
  const tail = bytes.subarray(bytes.length - (maxBytes - head.length));
  const headLines = head.toString('utf8').split('\n').slice(0, -1);
  const tailLines = tail.toString('utf8').split('\n').slice(1);
  const left = log.kept_lines - headLines.length - tailLines.length;
  const marker = `[... ci-analyst: ${Math.max(0, left)} more lines of this log were read but not stored for a retry ...]`;
  const text = [...headLines, marker, ...tailLines].join('\n');
  return { ...log, text, kept_bytes: Buffer.byteLength(text), kept_lines: headLines.length + tailLines.length };
}

/**
 * What of a fetch step goes into `fetch_state`. Job logs are too big for it: a retry reads them
 * again. A log a read budget stopped is the exception: reading it again would spend the whole
 * budget for the same cut, so its head and tail are kept (shrunk, and masked like everything
 * stored: raw log text is never masked by the fetch step), and a retry reuses them.
 */
export function toStoredStep(key: string, entry: TFetchStateEntry, mask: TMasker): TFetchStateEntry {
  if (!isLogStep(key)) return entry;
  if (!entry.record.read_stop || !isLogText(entry.data)) return { record: entry.record };
  const shrunk = shrinkLogText(entry.data, STORED_CUT_LOG_BYTES);
  return { record: entry.record, data: { ...shrunk, text: mask(shrunk.text) } };
}
