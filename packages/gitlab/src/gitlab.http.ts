import http from 'node:http';
import https from 'node:https';
import { addAbortSignal, type Readable } from 'node:stream';
import axios, { type AxiosError, type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import axiosRetry from 'axios-retry';
import pLimit from 'p-limit';
import type { z } from 'zod';
import { readBoundedText, type TBoundedText, type TBoundedTextLimits } from './bounded-text';
import { GitLabError } from './gitlab.errors';
import { resolveApiBase, resolveClientOptions, type TGitLabClientOptions, type TResolvedClientOptions } from './gitlab.options';
import { announcedLength, discardBody, endpointOf, headerOf, parseBody, toGitLabError } from './gitlab.responses';
import { axiosProxyFor } from './outgoing-proxy';
import { createRedirectGuard } from './redirect-guard';
import { computeRetryDelayMs, readServerDelayMs } from './retry-delay';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const IDEMPOTENT = new Set(['get', 'head', 'options', 'put', 'delete']);

type TSendInit = { params?: Record<string, unknown>; data?: unknown; responseType?: 'json' | 'stream' | 'text' };

/**
 * GitLab's REST transport: one axios instance (kept-alive agents, proxy, redirect guard, token),
 * axios-retry with GitLab's retry rules, a concurrency limit, and answers checked against a schema.
 * The endpoints live in `api/*.api.ts`.
 */
export class GitLabHttp {
  private readonly http: AxiosInstance;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly options: TResolvedClientOptions;
  readonly apiBase: string;
  /** The instance's web URL (`apiBase` without `/api/v4`): project pages live under it. */
  readonly webBase: string;

  constructor(options: TGitLabClientOptions) {
    this.options = resolveClientOptions(options);
    this.apiBase = resolveApiBase(options.baseUrl);
    this.webBase = this.apiBase.replace(/\/api\/v4$/, '');
    this.limit = pLimit(this.options.maxConcurrency);
    const headers: Record<string, string> = { 'User-Agent': this.options.userAgent, Accept: 'application/json' };
    if (options.token) headers['PRIVATE-TOKEN'] = options.token;
    // Kept-alive connections, as many as requests may be in flight (the concurrency limit).
    const agent = { keepAlive: true, maxSockets: this.options.maxConcurrency };
    this.http = axios.create({
      baseURL: this.apiBase,
      timeout: this.options.timeoutMs,
      headers,
      httpAgent: new http.Agent(agent),
      httpsAgent: new https.Agent(agent),
      proxy: axiosProxyFor(this.apiBase, options.proxy),
      maxRedirects: 5,
      maxContentLength: this.options.maxJsonBytes,
      // GitLab answers 302 to object storage for artifacts and traces: followed only to allowed hosts
      // (the redirect's body becomes log text), and the token never goes along to another origin.
      beforeRedirect: createRedirectGuard(this.apiBase, options.redirectHosts ?? []),
      sensitiveHeaders: ['PRIVATE-TOKEN'],
      validateStatus: (status) => status >= 200 && status < 300,
    });
    axiosRetry(this.http, {
      retries: this.options.retries,
      shouldResetTimeout: true,
      retryCondition: (error) => this.shouldRetry(error),
      retryDelay: (attempt, error) => this.delayFor(attempt, error),
    });
  }

  private shouldRetry(error: AxiosError): boolean {
    const method = (error.config?.method ?? 'get').toLowerCase();
    const response = error.response;
    if (!response) {
      if (!NETWORK_CODES.has(error.code ?? '')) return false;
      // A write may have reached GitLab before the connection broke; only a refused connection is surely unsent.
      return IDEMPOTENT.has(method) || error.code === 'ECONNREFUSED';
    }
    discardBody(response);
    const status = response.status;
    // Other 4xx (401, 403, 404...) will not change by asking again.
    if (status === 429) {
      const wait = readServerDelayMs(response.headers as Record<string, unknown>);
      return wait === undefined || wait <= this.options.maxServerWaitMs;
    }
    return status >= 500 && IDEMPOTENT.has(method);
  }

  private delayFor(attempt: number, error: AxiosError): number {
    const delayMs = computeRetryDelayMs({
      attempt,
      baseDelayMs: this.options.baseDelayMs,
      maxDelayMs: this.options.maxDelayMs,
      headers: error.response?.headers as Record<string, unknown> | undefined,
    });
    this.options.onRetry?.({
      method: (error.config?.method ?? 'get').toUpperCase(),
      endpoint: endpointOf(error.config?.url),
      attempt,
      status: error.response?.status ?? null,
      delayMs,
    });
    return Math.min(delayMs, this.options.maxServerWaitMs);
  }

  private toError(method: string, path: string, err: unknown): GitLabError {
    const token = this.options.token;
    return toGitLabError(method, path, err, (text) => (token ? text.split(token).join('[REDACTED]') : text));
  }

  /** One request (its retries included); callers hold a slot of the concurrency limit. */
  private async send<T>(method: Method, path: string, init: TSendInit = {}): Promise<AxiosResponse<T>> {
    const stream = init.responseType === 'stream';
    try {
      return await this.http.request<T>({
        method,
        url: path,
        params: init.params,
        data: init.data,
        responseType: init.responseType ?? 'json',
        // Streams are bounded by their reader; axios would otherwise cut a long trace at maxJsonBytes.
        ...(stream ? { maxContentLength: -1 } : {}),
      });
    } catch (err) {
      throw this.toError(method.toUpperCase(), path, err);
    }
  }

  async request<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    init: { params?: Record<string, unknown>; data?: unknown } = {},
  ): Promise<z.infer<S>> {
    const response = await this.limit(() => this.send<unknown>(method, path, init));
    return parseBody(schema, response.data, method, path);
  }

  /** Every page of a list, following `x-next-page` until GitLab stops sending it (bounded by maxPages). */
  async paginate<S extends z.ZodType>(
    path: string,
    schema: S,
    params: Record<string, unknown> = {},
    options: { maxItems?: number } = {},
  ): Promise<z.infer<S>[]> {
    const items: z.infer<S>[] = [];
    let page: string | undefined = '1';
    for (let read = 0; page && read < this.options.maxPages; read++) {
      const current: string = page;
      const perPage = Math.min(this.options.perPage, options.maxItems ?? this.options.perPage);
      const response = await this.limit(() => this.send<unknown>('get', path, { params: { ...params, per_page: perPage, page: current } }));
      if (!Array.isArray(response.data))
        throw new GitLabError({
          code: 'invalid_response',
          method: 'GET',
          endpoint: endpointOf(path),
          status: response.status,
          detail: 'expected a list',
        });
      for (const raw of response.data) items.push(parseBody(schema, raw, 'get', path));
      if (options.maxItems !== undefined && items.length >= options.maxItems) return items.slice(0, options.maxItems);
      const next = headerOf(response, 'x-next-page');
      page = next && next !== current ? next : undefined;
    }
    return items;
  }

  /**
   * Reads a text body as a stream, keeping head and tail within the limits. `maxReadMs` bounds the
   * time spent on the body: when it runs out the stream is aborted and what was read is kept.
   */
  async readText(path: string, limits: TBoundedTextLimits, params?: Record<string, unknown>): Promise<TBoundedText> {
    return this.limit(async () => {
      const response = await this.send<Readable>('get', path, { params, responseType: 'stream' });
      const budget = limits.maxReadMs === undefined ? undefined : new AbortController();
      const timer = budget && setTimeout(() => budget.abort(), limits.maxReadMs);
      if (budget) addAbortSignal(budget.signal, response.data);
      try {
        return await readBoundedText(response.data, limits, { signal: budget?.signal, announcedBytes: announcedLength(response) });
      } catch (err) {
        response.data.destroy();
        throw this.toError('GET', path, err);
      } finally {
        clearTimeout(timer);
      }
    });
  }
}

/** GET returning null on 404, for things that may legitimately be missing. */
export async function orNullIfMissing<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof GitLabError && err.code === 'not_found') return null;
    throw err;
  }
}
