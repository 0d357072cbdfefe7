import type { Readable } from 'node:stream';
import axios, { AxiosHeaders, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { classifyStatus, GitLabError } from './gitlab.errors';
import { findRedirectRefusal } from './redirect-guard';
import { readServerDelayMs } from './retry-delay';

export function isStream(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}

/** Frees the socket of an answer nobody will read. */
export function discardBody(response: AxiosResponse | undefined): void {
  if (response && isStream(response.data)) response.data.destroy();
}

/** The path without base URL or query: what errors and retry events name (never the token-bearing URL). */
export function endpointOf(url: string | undefined): string {
  if (!url) return '?';
  const withoutQuery = url.split('?')[0] ?? url;
  return withoutQuery.startsWith('/') ? withoutQuery : `/${withoutQuery}`;
}

export function headerOf(response: AxiosResponse, name: string): string | undefined {
  const headers = response.headers;
  const value = headers instanceof AxiosHeaders ? headers.get(name) : (headers as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** The body size a response announced (Content-Length), when it did. */
export function announcedLength(response: AxiosResponse): number | null {
  const value = headerOf(response, 'content-length');
  const bytes = value === undefined ? NaN : Number(value);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : null;
}

function describeBody(data: unknown): string | undefined {
  if (data === undefined || data === null || data === '') return undefined;
  if (typeof data === 'string') return data.slice(0, 200);
  if (typeof data === 'object') {
    const body = data as Record<string, unknown>;
    const message = body.message ?? body.error ?? body.error_description;
    if (message !== undefined) return (typeof message === 'string' ? message : JSON.stringify(message)).slice(0, 200);
  }
  return undefined;
}

export function parseBody<S extends z.ZodType>(schema: S, data: unknown, method: string, path: string): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new GitLabError({
    code: 'invalid_response',
    method: method.toUpperCase(),
    endpoint: endpointOf(path),
    status: 200,
    detail: issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected body',
  });
}

/** Any failure of a call as a GitLabError; `scrub` takes the token out of texts that may echo it. */
export function toGitLabError(method: string, path: string, err: unknown, scrub: (text: string) => string): GitLabError {
  const endpoint = endpointOf(path);
  if (!axios.isAxiosError(err)) {
    return new GitLabError({ code: 'network', method, endpoint, status: null, detail: scrub(String((err as Error)?.message ?? err)) });
  }
  const refused = findRedirectRefusal(err);
  if (refused) return new GitLabError({ code: 'redirect_refused', method, endpoint, status: null, detail: refused.message });
  const response = err.response;
  if (!response && /maxContentLength/.test(err.message)) {
    return new GitLabError({ code: 'invalid_response', method, endpoint, status: null, detail: 'answer larger than maxJsonBytes' });
  }
  if (!response) {
    const timedOut = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
    return new GitLabError({
      code: timedOut ? 'timeout' : 'network',
      method,
      endpoint,
      status: null,
      detail: err.code ?? scrub(err.message),
    });
  }
  const detail = isStream(response.data) ? undefined : describeBody(response.data);
  discardBody(response);
  return new GitLabError({
    code: classifyStatus(response.status),
    method,
    endpoint,
    status: response.status,
    detail: detail === undefined ? undefined : scrub(detail),
    retryAfterMs: readServerDelayMs(response.headers as Record<string, unknown>),
  });
}
