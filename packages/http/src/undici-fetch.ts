import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { bufferedResponse } from './buffered-response';
import { isPlainBody, toUndiciBody } from './request-body';
import { ACCEPT_ENCODING, decodeBody, readResponseBody } from './response-body';

export type TFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Statuses whose Response must have a null body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** The request's headers as undici takes them, without copying a Headers object into another. */
function requestHeaders(init: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  if (init instanceof Headers) init.forEach((value, name) => (headers[name] = value));
  else if (Array.isArray(init)) {
    // A repeated name is one header with the values joined, as Headers does.
    for (const [name, value] of init as [string, string][]) {
      const key = name.toLowerCase();
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
    }
  }
  else if (init) for (const [name, value] of Object.entries(init as Record<string, string>)) headers[name.toLowerCase()] = value;
  headers['accept-encoding'] ??= ACCEPT_ENCODING;
  return headers;
}

/** Name/value pairs: the Response builds its Headers from them in one go. */
function responseHeaders(raw: Record<string, string | string[] | undefined>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) pairs.push([name, v]);
    else if (value !== undefined) pairs.push([name, value]);
  }
  return pairs;
}

/**
 * A `fetch` for the AI SDKs (their documented `fetch` option) that sends requests through an undici
 * connection pool with `request()` instead of the WHATWG fetch algorithm: the SDKs see a standard
 * Response, at well under half the CPU per call. The body is read whole (our calls are not
 * streamed; an event stream is passed through as a stream). Redirects, and bodies other than
 * text or bytes, go to the global fetch, which handles them per the standard.
 */
export function createUndiciFetch(dispatcher: Dispatcher): TFetch {
  return async (input, init = {}) => {
    if (input instanceof Request || !isPlainBody(init.body)) return fetch(input, init);
    const url = new URL(input);
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const headers = requestHeaders(init.headers);
    const method = (init.method ?? 'GET').toUpperCase();
    let res: Dispatcher.ResponseData;
    try {
      res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers,
        body: toUndiciBody(init.body),
        signal,
      });
    } catch (err) {
      // As fetch does: an abort rejects with the signal's reason, anything else is a TypeError.
      if (signal?.aborted) throw signal.reason;
      throw new TypeError('fetch failed', { cause: err });
    }
    if (REDIRECTS.has(res.statusCode) && init.redirect !== 'manual' && res.headers.location) {
      await res.body.dump();
      return fetch(input, init);
    }
    const status = res.statusCode;
    const responseInit = { status, statusText: STATUS_CODES[status] ?? '', headers: responseHeaders(res.headers) };
    let response: Response;
    try {
      if (method === 'HEAD' || NULL_BODY.has(status)) {
        await res.body.dump();
        response = new Response(null, responseInit);
      } else if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        response = new Response(Readable.toWeb(decodeBody(res.body, res.headers['content-encoding'])) as ReadableStream<Uint8Array>, responseInit);
      } else return bufferedResponse(await readResponseBody(res), responseInit, url.href);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw new TypeError('fetch failed', { cause: err });
    }
    Object.defineProperty(response, 'url', { value: url.href });
    return response;
  };
}
