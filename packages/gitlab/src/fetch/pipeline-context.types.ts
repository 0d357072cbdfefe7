import type { TReadStop } from '../bounded-text';
import type { TFetchCache } from './fetch-cache';
import type { TFailedJob, TFailedJobRef, TMasker, TPipelineRef, TProjectRef } from '@cia/contracts';

/** What one fetch step did: stored on the analysis (`fetch_state`) and shown in timings. */
export type TFetchStepRecord = {
  step: string;
  ok: boolean;
  /** Bytes read from GitLab (logs, files) or kept (JSON answers). */
  bytes: number;
  /** Items fetched (jobs, pipelines, test failures...). */
  count: number;
  ms: number;
  error?: string;
  error_code?: string;
  /** Where the data came from: `cache` is another analysis's recent answer (fetch-cache.ts). */
  source?: 'api' | 'trigger' | 'previous' | 'cache';
  truncated?: boolean;
  /** A log whose download a budget stopped (GITLAB_MAX_LOG_READ_MB, GITLAB_LOG_READ_TIMEOUT_S): a retry reuses it. */
  read_stop?: TReadStop;
};

/** A step's record and, once it succeeded (or failed for good), its JSON result, so a retry reuses it. */
export type TFetchStateEntry = { record: TFetchStepRecord; data?: unknown };
export type TFetchState = Record<string, TFetchStateEntry>;

export type TLogText = {
  source: 'api' | 'trigger';
  text: string;
  total_bytes: number;
  total_lines: number;
  kept_bytes: number;
  kept_lines: number;
  truncated: boolean;
  omitted_lines: number;
  /** Set when a read budget stopped the download: `total_bytes` is then the size GitLab announced, else what was read. */
  read_stop?: TReadStop;
  read_bytes?: number;
  size_known?: boolean;
};

/** A job as a pipeline's job list gives it (of any status): the failed-job fields, and the artifacts it uploaded. */
export type TJobSummary = TFailedJob & {
  artifacts: Array<{ file_type: string; filename: string | null; size: number | null }>;
};

/** A failed job with what the fetch adds: where it ran, its log, its definition, a passing run's log, its report files. */
export type TContextJob = TJobSummary & {
  /** 0 for the triggering pipeline, 1 for its children, and so on. */
  depth: number;
  /** Trigger job (bridge) that led to the job's pipeline. */
  via_bridge: string | null;
  log: TLogText | null;
  /** The job's YAML as written in the CI config (depth 0 only), with the templates it extends. */
  definition: string | null;
  baseline: { job_id: number; pipeline_id: number; web_url: string | null; log: TLogText } | null;
  report_files: Array<{ path: string; text: string; truncated: boolean }>;
};

export type TDownstreamPipeline = {
  id: number;
  project_id: number;
  status: string | null;
  web_url: string | null;
  bridge_name: string;
  depth: number;
};

export type TTestFailure = {
  pipeline_id: number;
  suite: string;
  name: string;
  classname: string | null;
  file: string | null;
  status: string;
  stack_trace: string | null;
  system_output: string | null;
};

export type TTestReportSummary = {
  total: number;
  failed: number;
  errors: number;
  skipped: number;
  failures: TTestFailure[];
};

export type TPipelineContext = {
  project: {
    id: number | null;
    path: string | null;
    name: string | null;
    web_url: string | null;
    default_branch: string | null;
    ci_config_path: string | null;
    languages: Record<string, number> | null;
  };
  pipeline: {
    id: number;
    iid: number | null;
    ref: string | null;
    sha: string | null;
    status: string | null;
    source: string | null;
    web_url: string | null;
  };
  commit: { sha: string; title: string | null; message: string | null; author_name: string | null; author_email: string | null } | null;
  merge_request: {
    iid: number;
    title: string;
    state: string;
    web_url: string | null;
    source_branch: string | null;
    target_branch: string | null;
    author: string | null;
  } | null;
  ci_config: { path: string; text: string; truncated: boolean } | null;
  failed_jobs: TContextJob[];
  /** Failed jobs beyond maxFailedJobs, named but not fetched. */
  skipped_failed_jobs: Array<{ id: number; name: string }>;
  /** Every job of the pipeline and its children (GITLAB_FETCH_FULL_PIPELINE); null when not listed. */
  all_jobs: TJobSummary[] | null;
  downstream_pipelines: TDownstreamPipeline[];
  test_report: TTestReportSummary | null;
  steps: TFetchStepRecord[];
  /** Everything to persist so a retried job skips what is done. */
  state: TFetchState;
};

/** Ids are enough (an email trigger); what the trigger said is used instead of fetching when it suffices. */
export type TFetchInput = {
  project: { id?: number | null; path?: string | null };
  pipelineId: number;
  known?: {
    project?: Partial<TProjectRef> & { ci_config_path?: string | null };
    pipeline?: Partial<TPipelineRef>;
    failedJobs?: TFailedJobRef[];
  };
};

export type TFetchOptions = {
  /** State saved by an earlier attempt: its completed steps are not fetched again. */
  previous?: TFetchState;
  /** Called after each step, to persist it before the next one. */
  onStep?: (key: string, entry: TFetchStateEntry) => void | Promise<void>;
  /** Throw transient errors (5xx, 429, network) once the client's retries are spent, so the job is retried (default true). */
  failOnTransient?: boolean;
  /** Answers shared between analyses of this process (project facts, baselines); none when absent. */
  cache?: TFetchCache;
  /** Masks every text a step gets (except job logs) and every step error before it is recorded or used. */
  mask?: TMasker;
};
