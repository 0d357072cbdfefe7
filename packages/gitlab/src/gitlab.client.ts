import http from 'node:http';
import https from 'node:https';
import { addAbortSignal, type Readable } from 'node:stream';
import axios, { AxiosHeaders, type AxiosError, type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import axiosRetry from 'axios-retry';
import pLimit from 'p-limit';
import type { z } from 'zod';
import { encodeArtifactPath } from './artifact-path';
import { readBoundedText, type TBoundedText, type TBoundedTextLimits } from './bounded-text';
import { classifyStatus, GitLabError } from './gitlab.errors';
import { axiosProxyFor, type TProxyEnv } from './outgoing-proxy';
import { createRedirectGuard, findRedirectRefusal } from './redirect-guard';
import { computeRetryDelayMs, readServerDelayMs } from './retry-delay';
import {
  ZGlBridge,
  ZGlCommit,
  ZGlCommitComment,
  ZGlJob,
  ZGlLanguages,
  ZGlMergeRequest,
  ZGlNote,
  ZGlPipeline,
  ZGlProject,
  ZGlTestReport,
  ZGlUser,
} from './gitlab.types';

export type TGitLabRetryEvent = { method: string; endpoint: string; attempt: number; status: number | null; delayMs: number };

export type TGitLabClientOptions = {
  /** Instance URL, sub-path included (`https://host/gitlab`); a trailing `/api/v4` is accepted too. */
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  maxConcurrency?: number;
  /** Retries after the first attempt. */
  retries?: number;
  /** First backoff step; doubles per retry (jitter on top). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A 429 asking to wait longer than this is not waited in-process: the error goes up so the job queue can delay it. */
  maxServerWaitMs?: number;
  perPage?: number;
  /** Largest JSON answer accepted (streams such as traces have their own limits). */
  maxJsonBytes?: number;
  /** Bound on pages read by one list call. */
  maxPages?: number;
  userAgent?: string;
  /**
   * HTTP_PROXY, HTTPS_PROXY and NO_PROXY, decided for GitLab's host (redirect hops to object
   * storage go the same way); without them requests go out directly.
   */
  proxy?: TProxyEnv;
  /** Hosts (`host` or `host:port`) besides GitLab's own that redirects may lead to (object storage). */
  redirectHosts?: readonly string[];
  onRetry?: (event: TGitLabRetryEvent) => void;
};

/** A project by numeric id or by `group/sub/project` path. */
export type TProjectKey = number | string;

export type TTrace = TBoundedText;

const DEFAULTS = {
  timeoutMs: 15_000,
  maxConcurrency: 8,
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxServerWaitMs: 60_000,
  perPage: 100,
  maxJsonBytes: 64 * 1024 * 1024,
  maxPages: 100,
  userAgent: 'ci-analyst',
};

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

/** `https://host/gitlab` or `https://host/gitlab/api/v4/` → `https://host/gitlab/api/v4`. */
export function resolveApiBase(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  return /\/api\/v4$/.test(trimmed) ? trimmed : `${trimmed}/api/v4`;
}

export function encodeProject(project: TProjectKey): string {
  return typeof project === 'number' ? String(project) : encodeURIComponent(project);
}

function isStream(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}

function discardBody(response: AxiosResponse | undefined): void {
  if (response && isStream(response.data)) response.data.destroy();
}

export class GitLabClient {
  private readonly http: AxiosInstance;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly options: Required<Omit<TGitLabClientOptions, 'token' | 'onRetry' | 'proxy' | 'redirectHosts'>> & Pick<TGitLabClientOptions, 'token' | 'onRetry' | 'proxy'>;
  readonly apiBase: string;
  /** The instance's web URL (`apiBase` without `/api/v4`): project pages live under it. */
  readonly webBase: string;

  constructor(options: TGitLabClientOptions) {
    this.options = { ...DEFAULTS, ...stripUndefined(options), baseUrl: options.baseUrl };
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
    const endpoint = endpointOf(path);
    if (!axios.isAxiosError(err)) {
      return new GitLabError({ code: 'network', method, endpoint, status: null, detail: this.scrub(String((err as Error)?.message ?? err)) });
    }
    const refused = findRedirectRefusal(err);
    if (refused) return new GitLabError({ code: 'redirect_refused', method, endpoint, status: null, detail: refused.message });
    const response = err.response;
    if (!response && /maxContentLength/.test(err.message)) {
      return new GitLabError({ code: 'invalid_response', method, endpoint, status: null, detail: 'answer larger than maxJsonBytes' });
    }
    if (!response) {
      const timedOut = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
      return new GitLabError({ code: timedOut ? 'timeout' : 'network', method, endpoint, status: null, detail: err.code ?? this.scrub(err.message) });
    }
    const detail = isStream(response.data) ? undefined : describeBody(response.data);
    discardBody(response);
    return new GitLabError({
      code: classifyStatus(response.status),
      method,
      endpoint,
      status: response.status,
      detail: detail === undefined ? undefined : this.scrub(detail),
      retryAfterMs: readServerDelayMs(response.headers as Record<string, unknown>),
    });
  }

  private scrub(text: string): string {
    const token = this.options.token;
    return token ? text.split(token).join('[REDACTED]') : text;
  }

  /** One request (its retries included) inside the concurrency limit. */
  private async send<T>(method: Method, path: string, init: { params?: Record<string, unknown>; data?: unknown; responseType?: 'json' | 'stream' | 'text' } = {}): Promise<AxiosResponse<T>> {
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

  /** One JSON request parsed with `schema`; endpoint modules (history.endpoints.ts) build on it. */
  async request<S extends z.ZodType>(method: Method, path: string, schema: S, init: { params?: Record<string, unknown>; data?: unknown } = {}): Promise<z.infer<S>> {
    const response = await this.limit(() => this.send<unknown>(method, path, init));
    return parseBody(schema, response.data, method, path);
  }

  /** Every page of a list, following `x-next-page` until GitLab stops sending it (bounded by maxPages). */
  async paginate<S extends z.ZodType>(path: string, schema: S, params: Record<string, unknown> = {}, options: { maxItems?: number } = {}): Promise<z.infer<S>[]> {
    const items: z.infer<S>[] = [];
    let page: string | undefined = '1';
    for (let read = 0; page && read < this.options.maxPages; read++) {
      const current: string = page;
      const perPage = Math.min(this.options.perPage, options.maxItems ?? this.options.perPage);
      const response = await this.limit(() => this.send<unknown>('get', path, { params: { ...params, per_page: perPage, page: current } }));
      if (!Array.isArray(response.data)) throw new GitLabError({ code: 'invalid_response', method: 'GET', endpoint: endpointOf(path), status: response.status, detail: 'expected a list' });
      for (const raw of response.data) items.push(parseBody(schema, raw, 'get', path));
      if (options.maxItems !== undefined && items.length >= options.maxItems) return items.slice(0, options.maxItems);
      const next = headerOf(response, 'x-next-page');
      page = next && next !== current ? next : undefined;
    }
    return items;
  }

  /** GET returning null on 404, for things that may legitimately be missing. */
  private async optional<T>(load: () => Promise<T>): Promise<T | null> {
    try {
      return await load();
    } catch (err) {
      if (err instanceof GitLabError && err.code === 'not_found') return null;
      throw err;
    }
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

  // Projects and pipelines

  getCurrentUser() {
    return this.request('get', '/user', ZGlUser);
  }

  getProject(project: TProjectKey) {
    return this.request('get', `/projects/${encodeProject(project)}`, ZGlProject);
  }

  getProjectLanguages(project: TProjectKey) {
    return this.request('get', `/projects/${encodeProject(project)}/languages`, ZGlLanguages);
  }

  getPipeline(project: TProjectKey, pipelineId: number) {
    return this.request('get', `/projects/${encodeProject(project)}/pipelines/${pipelineId}`, ZGlPipeline);
  }

  listPipelines(project: TProjectKey, filter: { ref?: string; status?: string; sha?: string; orderBy?: 'id' | 'updated_at'; sort?: 'asc' | 'desc' }, options: { maxItems?: number } = {}) {
    return this.paginate(`/projects/${encodeProject(project)}/pipelines`, ZGlPipeline, { ref: filter.ref, status: filter.status, sha: filter.sha, order_by: filter.orderBy ?? 'id', sort: filter.sort ?? 'desc' }, options);
  }

  listPipelineJobs(project: TProjectKey, pipelineId: number, options: { includeRetried?: boolean; scope?: string[] } = {}) {
    return this.paginate(`/projects/${encodeProject(project)}/pipelines/${pipelineId}/jobs`, ZGlJob, { include_retried: options.includeRetried ?? false, scope: options.scope });
  }

  listPipelineBridges(project: TProjectKey, pipelineId: number) {
    return this.paginate(`/projects/${encodeProject(project)}/pipelines/${pipelineId}/bridges`, ZGlBridge);
  }

  getPipelineTestReport(project: TProjectKey, pipelineId: number) {
    return this.optional(() => this.request('get', `/projects/${encodeProject(project)}/pipelines/${pipelineId}/test_report`, ZGlTestReport));
  }

  getJob(project: TProjectKey, jobId: number) {
    return this.request('get', `/projects/${encodeProject(project)}/jobs/${jobId}`, ZGlJob);
  }

  /** The raw job log (GitLab sends it whole, no ranges), streamed and cut to the limits and read budget. */
  readJobTrace(project: TProjectKey, jobId: number, limits: TBoundedTextLimits): Promise<TTrace> {
    return this.readText(`/projects/${encodeProject(project)}/jobs/${jobId}/trace`, limits);
  }

  /**
   * One file out of a job's artifacts archive; null when the job has no such file. The path comes
   * from a CI config anyone with push rights writes: `..` or an absolute path is refused, never sent.
   */
  readJobArtifactFile(project: TProjectKey, jobId: number, artifactPath: string, limits: TBoundedTextLimits) {
    const base = `/projects/${encodeProject(project)}/jobs/${jobId}/artifacts`;
    const encoded = encodeArtifactPath(artifactPath);
    if (encoded === undefined) {
      return Promise.reject(new GitLabError({ code: 'client_error', method: 'GET', endpoint: `${base}/*`, status: null, detail: 'artifact path outside the archive (absolute or with ..)' }));
    }
    return this.optional(() => this.readText(`${base}/${encoded}`, limits));
  }

  // Repository

  /** Raw file at a ref; null when missing. */
  readRepositoryFile(project: TProjectKey, filePath: string, ref: string, limits: TBoundedTextLimits) {
    return this.optional(() => this.readText(`/projects/${encodeProject(project)}/repository/files/${encodeURIComponent(filePath)}/raw`, limits, { ref }));
  }

  getCommit(project: TProjectKey, sha: string) {
    return this.request('get', `/projects/${encodeProject(project)}/repository/commits/${encodeURIComponent(sha)}`, ZGlCommit);
  }

  listCommitMergeRequests(project: TProjectKey, sha: string) {
    return this.paginate(`/projects/${encodeProject(project)}/repository/commits/${encodeURIComponent(sha)}/merge_requests`, ZGlMergeRequest, {}, { maxItems: 20 });
  }

  getMergeRequest(project: TProjectKey, iid: number) {
    return this.request('get', `/projects/${encodeProject(project)}/merge_requests/${iid}`, ZGlMergeRequest);
  }

  // Post-back

  listMergeRequestNotes(project: TProjectKey, iid: number) {
    return this.paginate(`/projects/${encodeProject(project)}/merge_requests/${iid}/notes`, ZGlNote, { sort: 'asc', order_by: 'created_at' });
  }

  createMergeRequestNote(project: TProjectKey, iid: number, body: string) {
    return this.request('post', `/projects/${encodeProject(project)}/merge_requests/${iid}/notes`, ZGlNote, { data: { body } });
  }

  updateMergeRequestNote(project: TProjectKey, iid: number, noteId: number, body: string) {
    return this.request('put', `/projects/${encodeProject(project)}/merge_requests/${iid}/notes/${noteId}`, ZGlNote, { data: { body } });
  }

  listCommitComments(project: TProjectKey, sha: string) {
    return this.paginate(`/projects/${encodeProject(project)}/repository/commits/${encodeURIComponent(sha)}/comments`, ZGlCommitComment);
  }

  createCommitComment(project: TProjectKey, sha: string, note: string) {
    return this.request('post', `/projects/${encodeProject(project)}/repository/commits/${encodeURIComponent(sha)}/comments`, ZGlCommitComment, { data: { note } });
  }
}

export function createGitLabClient(options: TGitLabClientOptions): GitLabClient {
  return new GitLabClient(options);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function endpointOf(url: string | undefined): string {
  if (!url) return '?';
  const withoutQuery = url.split('?')[0] ?? url;
  return withoutQuery.startsWith('/') ? withoutQuery : `/${withoutQuery}`;
}

function headerOf(response: AxiosResponse, name: string): string | undefined {
  const headers = response.headers;
  const value = headers instanceof AxiosHeaders ? headers.get(name) : (headers as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** The body size a response announced (Content-Length), when it did. */
function announcedLength(response: AxiosResponse): number | null {
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

function parseBody<S extends z.ZodType>(schema: S, data: unknown, method: string, path: string): z.infer<S> {
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
