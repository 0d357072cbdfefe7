import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Dispatcher } from 'undici';

/** What axios and fetch ask for on their own; the body is decompressed here as they would. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

// As axios and fetch do: a body cut short after its last full block is still read, not an error.
const LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_LENIENT = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

function encodingOf(contentEncoding: string | string[] | undefined): string {
  return typeof contentEncoding === 'string' ? contentEncoding.trim().toLowerCase() : '';
}

/** Whether {@link decodeBody} decompresses a body sent with this Content-Encoding. */
export function isDecodable(contentEncoding: string | string[] | undefined): boolean {
  return ['gzip', 'x-gzip', 'deflate', 'br'].includes(encodingOf(contentEncoding));
}

/** The body as the server meant it: decompressed when it says it compressed it in a way we read. */
export function decodeBody(body: Readable, contentEncoding: string | string[] | undefined): Readable {
  const encoding = encodingOf(contentEncoding);
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip(LENIENT)
      : encoding === 'deflate'
        ? zlib.createInflate(LENIENT)
        : encoding === 'br'
          ? zlib.createBrotliDecompress(BROTLI_LENIENT)
          : null;
  // pipeline destroys both streams with the first error, so a reader of `decoder` sees it.
  return decoder ? pipeline(body, decoder, () => undefined) : body;
}

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`maxContentLength size of ${maxBytes} exceeded`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a stream to its end; more than `maxBytes` (when ≥ 0) stops the read and throws BodyTooLargeError. */
async function readStream(body: Readable, maxBytes: number): Promise<Buffer> {
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

/**
 * The whole body of an answer, decompressed unless `decompress` is false. An uncompressed body whose
 * length is declared within the limit is taken in one piece by undici (no stream iteration: that
 * showed in the worker's profile); otherwise it is read chunk by chunk, and more than `maxBytes`
 * (when ≥ 0) stops the read with BodyTooLargeError.
 */
export async function readResponseBody(res: Dispatcher.ResponseData, options: { maxBytes?: number; decompress?: boolean } = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? -1;
  if (options.decompress !== false && isDecodable(res.headers['content-encoding'])) return readStream(decodeBody(res.body, res.headers['content-encoding']), maxBytes);
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (maxBytes >= 0 && !(declared <= maxBytes)) return readStream(res.body, maxBytes);
  const bytes = await res.body.bytes();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
