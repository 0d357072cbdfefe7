import type { TFailedJob, TMaskedLine, TPipelineRef, TProjectRef } from '@cia/contracts';

/**
 * What one pipeline analysis may use, built in-process by its caller (the worker's pipeline, the
 * CLI) from typed data. Shapes follow GitLab's REST fields (snake_case); only `project`,
 * `pipeline` and `failed_jobs` are required. Excerpt lines arrive masked (the excerpt step's
 * output, TMaskedLine); every other text is masked with the prompt before it leaves.
 */
export type TAnalysisInput = {
  project: TProjectRef & {
    description?: string | null;
    /** GitLab's /languages answer: language → percentage. */
    languages?: Record<string, number> | null;
  };
  pipeline: TPipelineRef & { created_at?: string | null; duration?: number | null };
  commit?: TInputCommit;
  merge_request?: TInputMergeRequest;
  /** Raw `.gitlab-ci.yml` at the pipeline's sha. */
  ci_config?: string;
  /**
   * The config's keywords that shape every job (default, variables, include, ...), set when the
   * config could be parsed. With it, a prompt sends these and each failed job's `definition`
   * instead of the whole file; null when the parsed config has none.
   */
  ci_config_globals?: string | null;
  failed_jobs: TInputFailedJob[];
  /** Jobs of the pipeline that did not fail, for context (GITLAB_FETCH_FULL_PIPELINE). */
  other_jobs?: Array<Pick<TFailedJob, 'name' | 'stage' | 'status'>>;
  test_summary?: { total: number; failed: number; skipped?: number; errored?: number };
};

/**
 * A failed job as the analyzer reads it: the job's facts (beyond id, name and stage optional: a
 * local log file gives no more) and what the fetch, excerpt and classify steps add.
 */
export type TInputFailedJob = Pick<TFailedJob, 'id' | 'name' | 'stage'> &
  Partial<Omit<TFailedJob, 'id' | 'name' | 'stage'>> & {
    /** GitLab job image, when the fetch step has it. */
    image?: string | null;
    /** The job's YAML as written in the CI config (with what it extends). */
    definition?: string | null;
    /** The masked excerpt (log-intel's excerptLog), with original line numbers. */
    excerpt: TMaskedLine[];
    /** Whether the fetch step cut the log (size limit) before excerpting. */
    log_truncated?: boolean;
    /** Whether the log was read at all (absent: not said; an empty excerpt then means an empty log). */
    log_state?: TLogState;
    test_failures?: TTestFailure[];
  };

/** One failed test case from the pipeline's test report (JUnit as GitLab parses it). */
export type TTestFailure = {
  suite?: string | null;
  name: string;
  classname?: string | null;
  status?: string;
  file?: string | null;
  message?: string | null;
  /** Stack trace; cut to the budget before it is sent. */
  trace?: string | null;
  system_output?: string | null;
};

/**
 * Whether the job's log reached the analysis: `read`, `empty` (GitLab gave a log without lines),
 * or `missing` with why: no GITLAB_API_TOKEN, GITLAB_AUTO_FETCH_LOGS off, or GitLab's refusal
 * (401, 403, 404: erased, expired or not visible) or another failure.
 */
export const LOG_MISSING_REASONS = ['no_token', 'auto_fetch_disabled', 'unauthorized', 'forbidden', 'not_found', 'error'] as const;
export type TLogMissingReason = (typeof LOG_MISSING_REASONS)[number];
export type TLogState = { state: 'read' | 'empty' | 'missing'; reason?: TLogMissingReason };

export type TInputCommit = {
  sha: string;
  title?: string | null;
  message?: string | null;
  author_name?: string | null;
  /** Files the commit changed, when known (paths only). */
  changed_files?: string[];
};

export type TInputMergeRequest = {
  iid: number;
  title: string;
  description?: string | null;
  source_branch?: string | null;
  target_branch?: string | null;
  web_url?: string | null;
};
