export const GITLAB_ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'not_found',
  'rate_limited',
  'server_error',
  'client_error',
  'timeout',
  'network',
  'invalid_response',
  /** GitLab redirected to a host that is neither its own nor in GITLAB_REDIRECT_HOSTS. */
  'redirect_refused',
] as const;
export type TGitLabErrorCode = (typeof GITLAB_ERROR_CODES)[number];

export type TGitLabErrorInit = {
  code: TGitLabErrorCode;
  method: string;
  endpoint: string;
  status: number | null;
  detail?: string;
  retryAfterMs?: number;
};

/**
 * A failed GitLab call. It keeps the endpoint (path without the base URL or query) and the status
 * and deliberately not the axios error: that one holds the request headers, PRIVATE-TOKEN included,
 * and loggers serialise `cause` chains.
 */
export class GitLabError extends Error {
  readonly code: TGitLabErrorCode;
  readonly method: string;
  readonly endpoint: string;
  readonly status: number | null;
  /** Worth trying again later (the whole job, once the client's own retries are spent). */
  readonly transient: boolean;
  /** What the server asked us to wait, when it said so (429 / 503). */
  readonly retryAfterMs: number | undefined;

  constructor(init: TGitLabErrorInit) {
    const status = init.status === null ? init.code : String(init.status);
    super(`GitLab ${init.method} ${init.endpoint} failed: ${status}${init.detail ? ` (${init.detail})` : ''}`);
    this.name = 'GitLabError';
    this.code = init.code;
    this.method = init.method;
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.transient = ['rate_limited', 'server_error', 'timeout', 'network'].includes(init.code);
  }
}

export function isGitLabError(err: unknown): err is GitLabError {
  return err instanceof GitLabError;
}

/** Maps an HTTP status to the error code callers branch on. */
export function classifyStatus(status: number): TGitLabErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'client_error';
}
