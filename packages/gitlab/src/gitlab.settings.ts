import type { TProxyEnv } from './outgoing-proxy';

/** What the fetch strategy needs to know; built from the GITLAB_* settings by the caller. */
export type TFetchSettings = {
  /** GITLAB_AUTO_FETCH_LOGS: read job logs (and baselines) from the API. */
  autoFetchLogs: boolean;
  /** GITLAB_FETCH_FULL_PIPELINE: list every job, not only the failed ones the trigger named. */
  fetchFullPipeline: boolean;
  /** GITLAB_FETCH_TEST_REPORTS */
  fetchTestReports: boolean;
  /** GITLAB_FETCH_ARTIFACTS: artifact metadata and small report files (JUnit XML). */
  fetchArtifacts: boolean;
  /** GITLAB_MAX_LOG_SIZE_MB: the part of a log kept (head + tail). */
  maxLogSizeMb: number;
  /** GITLAB_MAX_LOG_READ_MB: the most bytes of one log downloaded. */
  maxLogReadMb?: number;
  /** GITLAB_LOG_READ_TIMEOUT_S: the most time spent downloading one log. */
  logReadTimeoutS?: number;
  /** GITLAB_LOG_LINES_LIMIT */
  logLinesLimit: number;
  /** How deep child/downstream pipelines are followed. */
  maxPipelineDepth?: number;
  /** Most downstream pipelines read in one analysis. */
  maxDownstreamPipelines?: number;
  /** Most failed jobs whose logs are read. */
  maxFailedJobs?: number;
  /** Look up the last green run of each failed job (a few extra calls). */
  fetchBaseline?: boolean;
  /** Most failed jobs that get a baseline log. */
  maxBaselineJobs?: number;
  /** Largest report file read out of artifacts. */
  maxArtifactFileBytes?: number;
  /** Largest CI config read. */
  maxCiConfigBytes?: number;
  /** Most failed test cases kept. */
  maxTestFailures?: number;
  /** Longest stack trace kept per test case. */
  maxStackTraceChars?: number;
};

export type TResolvedFetchSettings = Required<TFetchSettings>;

export const FETCH_DEFAULTS = {
  maxLogReadMb: 256,
  logReadTimeoutS: 120,
  maxPipelineDepth: 3,
  maxDownstreamPipelines: 20,
  maxFailedJobs: 20,
  fetchBaseline: true,
  maxBaselineJobs: 3,
  maxArtifactFileBytes: 1024 * 1024,
  maxCiConfigBytes: 512 * 1024,
  maxTestFailures: 50,
  maxStackTraceChars: 4000,
} as const;

/** The GITLAB_* settings as parsed by @cia/config (structural, so this package does not depend on it). */
export type TGitLabEnv = {
  GITLAB_AUTO_FETCH_LOGS: boolean;
  GITLAB_FETCH_FULL_PIPELINE: boolean;
  GITLAB_FETCH_TEST_REPORTS: boolean;
  GITLAB_FETCH_ARTIFACTS: boolean;
  GITLAB_MAX_LOG_SIZE_MB: number;
  GITLAB_MAX_LOG_READ_MB: number;
  GITLAB_LOG_READ_TIMEOUT_S: number;
  GITLAB_LOG_LINES_LIMIT: number;
};

export function pickFetchSettings(env: TGitLabEnv): TFetchSettings {
  return {
    autoFetchLogs: env.GITLAB_AUTO_FETCH_LOGS,
    fetchFullPipeline: env.GITLAB_FETCH_FULL_PIPELINE,
    fetchTestReports: env.GITLAB_FETCH_TEST_REPORTS,
    fetchArtifacts: env.GITLAB_FETCH_ARTIFACTS,
    maxLogSizeMb: env.GITLAB_MAX_LOG_SIZE_MB,
    maxLogReadMb: env.GITLAB_MAX_LOG_READ_MB,
    logReadTimeoutS: env.GITLAB_LOG_READ_TIMEOUT_S,
    logLinesLimit: env.GITLAB_LOG_LINES_LIMIT,
  };
}

export function resolveFetchSettings(settings: TFetchSettings): TResolvedFetchSettings {
  // A setting left undefined takes its default.
  const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
  return { ...FETCH_DEFAULTS, ...given } as TResolvedFetchSettings;
}

/** Client options from GITLAB_* settings (and the proxy settings). */
export type TGitLabClientEnv = TProxyEnv & {
  GITLAB_BASE_URL: string;
  GITLAB_API_TOKEN?: string;
  GITLAB_TIMEOUT_MS: number;
  GITLAB_MAX_CONCURRENCY: number;
  GITLAB_REDIRECT_HOSTS?: readonly string[];
};

export function pickClientOptions(env: TGitLabClientEnv): {
  baseUrl: string;
  token?: string;
  timeoutMs: number;
  maxConcurrency: number;
  proxy: TProxyEnv;
  redirectHosts: readonly string[];
} {
  return {
    baseUrl: env.GITLAB_BASE_URL,
    token: env.GITLAB_API_TOKEN,
    timeoutMs: env.GITLAB_TIMEOUT_MS,
    maxConcurrency: env.GITLAB_MAX_CONCURRENCY,
    proxy: { HTTP_PROXY: env.HTTP_PROXY, HTTPS_PROXY: env.HTTPS_PROXY, NO_PROXY: env.NO_PROXY },
    redirectHosts: env.GITLAB_REDIRECT_HOSTS ?? [],
  };
}
