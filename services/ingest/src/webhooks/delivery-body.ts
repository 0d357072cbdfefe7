import express, { type Request, type RequestHandler } from 'express';
import { decodeDelivery, type TDecodedDelivery } from './decode-delivery';
import type { TOffThreadDecoder } from './decode-off-thread';

/**
 * Bodies up to this size are parsed on the main thread, as a normal hook (a few KB) always is: a
 * hop to a worker thread would cost it more than the parse. Bigger ones go to the thread pool.
 */
export const INLINE_BODY_MAX_BYTES = 128 * 1024;

/**
 * Reads the body, kept verbatim for the audit trail whatever the content type says: as text when
 * Content-Length announces a small one, as bytes otherwise (they move to a worker thread uncopied).
 * Over `limitBytes` it is a 413.
 */
export function readDeliveryBody(limitBytes: number): RequestHandler {
  const asText = express.text({ type: () => true, limit: limitBytes });
  const asBytes = express.raw({ type: () => true, limit: limitBytes });
  return (req, res, next) => {
    const length = Number(req.headers['content-length']);
    return (length <= INLINE_BODY_MAX_BYTES ? asText : asBytes)(req, res, next);
  };
}

/** Decodes what readDeliveryBody read: small bodies here, big ones off the event loop. */
export function decodeRequestBody(
  req: Request,
  offThread: TOffThreadDecoder,
  options: { audit?: boolean } = {},
): TDecodedDelivery | Promise<TDecodedDelivery> {
  const eventHeader = req.get('x-gitlab-event');
  const body: unknown = req.body;
  if (typeof body === 'string') return decodeDelivery(eventHeader, body, options);
  if (Buffer.isBuffer(body) && body.length > INLINE_BODY_MAX_BYTES) return offThread.decode(eventHeader, body, options);
  return decodeDelivery(eventHeader, Buffer.isBuffer(body) ? body.toString('utf8') : '', options);
}
