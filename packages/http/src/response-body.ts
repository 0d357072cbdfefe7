import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';

/** What axios and fetch ask for on their own; the body is decompressed here as they would. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

// As axios and fetch do: a body cut short after its last full block is still read, not an error.
const LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_LENIENT = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

function decoderFor(contentEncoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch (contentEncoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(LENIENT);
    case 'deflate':
      return zlib.createInflate(LENIENT);
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_LENIENT);
    default:
      return null;
  }
}

/** The body as the server meant it: decompressed when it says it compressed it in a way we read. */
export function decodeBody(body: Readable, contentEncoding: string | string[] | undefined): { body: Readable; decoded: boolean } {
  const decoder = typeof contentEncoding === 'string' ? decoderFor(contentEncoding) : null;
  if (!decoder) return { body, decoded: false };
  // pipeline destroys both streams with the first error, so a reader of `decoder` sees it.
  return { body: pipeline(body, decoder, () => undefined), decoded: true };
}

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`maxContentLength size of ${maxBytes} exceeded`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a whole body; more than `maxBytes` (when ≥ 0) stops the read and throws BodyTooLargeError. */
export async function readWholeBody(body: Readable, maxBytes = -1): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (maxBytes >= 0 && size > maxBytes) {
      body.destroy();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(buf);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
