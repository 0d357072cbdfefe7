import { AppError } from '../http/app-error';
import { auditBody } from './audit-body';
import { normalizeEvent, type TNormalizedEvent } from './normalize-event';

/** What intake needs from a delivery body: what it means, and the copy kept for the audit trail. */
export type TDecodedDelivery = { event: TNormalizedEvent; auditBody: string };

/** GitLab's payloads nest about six levels; anything far deeper is not a GitLab payload. */
export const MAX_JSON_DEPTH = 64;

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new AppError('bad_request', `malformed JSON: ${(err as Error).message}`, 'body');
  }
}

/** Parses, validates and masks a delivery body (the caller has checked the token). */
export function decodeDelivery(eventHeader: string | undefined, raw: string, options: { audit?: boolean } = {}): TDecodedDelivery {
  const body = parseJson(raw);
  const event = normalizeEvent(eventHeader, body);
  return { event, auditBody: options.audit === false ? '' : auditBody(raw, body) };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Rejects JSON nested deeper than `limit` with one linear pass over the bytes: a body of a few
 * megabytes of `[[[[…` costs JSON.parse seconds and hundreds of megabytes, the pass a few
 * milliseconds. Brackets inside strings do not count.
 */
export function assertShallowJson(bytes: Uint8Array, limit = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limit) throw new AppError('bad_request', `JSON nested deeper than ${limit} levels`, 'body');
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
}
