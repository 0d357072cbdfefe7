import type { TProxyEnv } from './outgoing-proxy';

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

export type TResolvedClientOptions = Required<Omit<TGitLabClientOptions, 'token' | 'onRetry' | 'proxy' | 'redirectHosts'>> &
  Pick<TGitLabClientOptions, 'token' | 'onRetry' | 'proxy'>;

/** A project by numeric id or by `group/sub/project` path. */
export type TProjectKey = number | string;

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

export function resolveClientOptions(options: TGitLabClientOptions): TResolvedClientOptions {
  return { ...DEFAULTS, ...stripUndefined(options), baseUrl: options.baseUrl };
}

/** `https://host/gitlab` or `https://host/gitlab/api/v4/` → `https://host/gitlab/api/v4`. */
export function resolveApiBase(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  return /\/api\/v4$/.test(trimmed) ? trimmed : `${trimmed}/api/v4`;
}

export function encodeProject(project: TProjectKey): string {
  return typeof project === 'number' ? String(project) : encodeURIComponent(project);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
