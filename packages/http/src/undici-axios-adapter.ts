import { STATUS_CODES } from 'node:http';
import axios, { AxiosError, AxiosHeaders, CanceledError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { Dispatcher } from 'undici';
import { isPlainBody, toUndiciBody, type TPlainBody } from './request-body';
import { requestUrl } from './request-url';
import { ACCEPT_ENCODING, BodyTooLargeError, decodeBody, isDecodable, readResponseBody } from './response-body';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

type TRequestInfo = { method: string; url: string };

/**
 * What only axios's Node adapter does (its proxy setting, a caller's own agents, progress events,
 * sockets, auth, streamed or form bodies): left to it.
 */
function needsNodeAdapter(config: InternalAxiosRequestConfig): boolean {
  const special = config.proxy || config.httpAgent || config.httpsAgent || config.socketPath || config.cancelToken || config.auth || config.onUploadProgress || config.onDownloadProgress || config.lookup;
  return Boolean(special) || !isPlainBody(config.data);
}

function requestHeaders(config: InternalAxiosRequestConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  const given = AxiosHeaders.from(config.headers);
  // toJSON leaves out unset (null or false) headers and joins lists.
  for (const [name, value] of Object.entries(given.toJSON(true))) headers[name] = String(value);
  if (!given.has('Accept-Encoding') && config.decompress !== false) headers['accept-encoding'] = ACCEPT_ENCODING;
  return headers;
}

function toAxiosError(err: unknown, config: InternalAxiosRequestConfig, request: TRequestInfo): AxiosError {
  if (err instanceof AxiosError) return err;
  if (config.signal?.aborted) return new CanceledError(undefined, config, request);
  if (err instanceof BodyTooLargeError) return new AxiosError(err.message, AxiosError.ERR_BAD_RESPONSE, config, request);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
    // The same error axios's Node adapter gives when its socket timeout fires.
    const message = config.timeoutErrorMessage ?? (config.timeout ? `timeout of ${config.timeout}ms exceeded` : 'timeout exceeded');
    return new AxiosError(message, config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED, config, request);
  }
  // undici says "other side closed" where Node's http says ECONNRESET: retry rules know the latter.
  const mapped = code === 'UND_ERR_SOCKET' ? 'ECONNRESET' : typeof code === 'string' ? code : AxiosError.ERR_NETWORK;
  return AxiosError.from(err, mapped, config, request);
}

function settle(config: InternalAxiosRequestConfig, response: AxiosResponse, request: TRequestInfo): AxiosResponse {
  const valid = config.validateStatus;
  if (!valid || valid(response.status)) return response;
  const code = response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST;
  throw new AxiosError(`Request failed with status code ${response.status}`, code, config, request, response);
}

/**
 * An axios adapter that sends requests through an undici connection pool instead of Node's http
 * module: the same axios API (interceptors, axios-retry, errors with the same codes), at about half
 * the CPU per request (the worker's profile had axios's Node adapter as its largest cost).
 * A redirect is handed to axios's Node adapter, which follows it with `beforeRedirect`, as is any
 * request using what only that adapter supports (its `proxy` setting, progress events, forms).
 */
export function createUndiciAdapter(dispatcher: Dispatcher): AxiosAdapter {
  const nodeAdapter = axios.getAdapter('http');
  return async (config) => {
    if (needsNodeAdapter(config)) return nodeAdapter(config);
    const url = new URL(requestUrl(config));
    const method = (config.method ?? 'get').toUpperCase();
    const request: TRequestInfo = { method, url: url.href };
    try {
      const res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers: requestHeaders(config),
        body: toUndiciBody(config.data as TPlainBody),
        signal: config.signal as AbortSignal | undefined,
        headersTimeout: config.timeout ?? 0,
        bodyTimeout: config.timeout ?? 0,
      });
      if (REDIRECTS.has(res.statusCode) && config.maxRedirects !== 0 && res.headers.location) {
        await res.body.dump();
        return await nodeAdapter(config);
      }
      const headers = new AxiosHeaders(res.headers as Record<string, string | string[]>);
      const bodyless = method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
      const decompress = !bodyless && config.decompress !== false;
      // As axios's Node adapter: the body is handed on decompressed, without the encoding headers.
      if (decompress && isDecodable(res.headers['content-encoding'])) {
        headers.delete('content-encoding');
        headers.delete('content-length');
      }
      let data: unknown;
      if (config.responseType === 'stream') {
        const body = decompress ? decodeBody(res.body, res.headers['content-encoding']) : res.body;
        // undici's body emits an error when destroyed unread, Node's IncomingMessage does not; callers
        // drop the body of a failed response that way (a reader still sees every error).
        body.on('error', () => undefined);
        data = body;
      } else {
        const raw = await readResponseBody(res, { maxBytes: config.maxContentLength ?? -1, decompress });
        data = config.responseType === 'arraybuffer' ? raw : raw.toString((config.responseEncoding as BufferEncoding | undefined) ?? 'utf8');
      }
      return settle(config, { data, status: res.statusCode, statusText: STATUS_CODES[res.statusCode] ?? '', headers, config, request }, request);
    } catch (err) {
      throw toAxiosError(err, config, request);
    }
  };
}
