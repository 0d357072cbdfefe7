import { z } from 'zod';
import { ZExcerptLine, ZFailedJob, ZPipelineRef, ZProjectRef } from '@cia/contracts';

/** One failed test case from the pipeline's test report (JUnit as GitLab parses it). */
export const ZTestFailure = z.object({
  suite: z.string().nullable().optional(),
  name: z.string(),
  classname: z.string().nullable().optional(),
  status: z.string().optional(),
  file: z.string().nullable().optional(),
  message: z.string().nullable().optional(),
  /** Stack trace; cut to the budget before it is sent. */
  trace: z.string().nullable().optional(),
  system_output: z.string().nullable().optional(),
});
export type TTestFailure = z.infer<typeof ZTestFailure>;

/**
 * Whether the job's log reached the analysis: `read`, `empty` (GitLab gave a log without lines),
 * or `missing` with why: no GITLAB_API_TOKEN, GITLAB_AUTO_FETCH_LOGS off, or GitLab's refusal
 * (401, 403, 404: erased, expired or not visible) or another failure.
 */
export const LOG_MISSING_REASONS = ['no_token', 'auto_fetch_disabled', 'unauthorized', 'forbidden', 'not_found', 'error'] as const;
export const ZLogState = z.object({
  state: z.enum(['read', 'empty', 'missing']),
  reason: z.enum(LOG_MISSING_REASONS).optional(),
});
export type TLogState = z.infer<typeof ZLogState>;
export type TLogMissingReason = (typeof LOG_MISSING_REASONS)[number];

/**
 * A failed job as the analyzer reads it: the job's facts (optional beyond id, name and stage, which
 * is all a local log file gives) and what the fetch, excerpt and classify steps add.
 */
export const ZInputFailedJob = ZFailedJob.partial({
  status: true,
  failure_reason: true,
  allow_failure: true,
  web_url: true,
  duration: true,
  pipeline_id: true,
  project_id: true,
}).extend({
  /** GitLab job image, when the fetch step has it. */
  image: z.string().nullable().optional(),
  /** The job's YAML as written in the CI config (with what it extends). */
  definition: z.string().nullable().optional(),
  /** The masked excerpt (log-intel's excerptLog), with original line numbers. */
  excerpt: z.array(ZExcerptLine),
  /** Whether the fetch step cut the log (size limit) before excerpting. */
  log_truncated: z.boolean().optional(),
  /** Whether the log was read at all (absent: not said; an empty excerpt then means an empty log). */
  log_state: ZLogState.optional(),
  test_failures: z.array(ZTestFailure).optional(),
});
export type TInputFailedJob = z.infer<typeof ZInputFailedJob>;

export const ZInputCommit = z.object({
  sha: z.string(),
  title: z.string().nullable().optional(),
  message: z.string().nullable().optional(),
  author_name: z.string().nullable().optional(),
  /** Files the commit changed, when known (paths only). */
  changed_files: z.array(z.string()).optional(),
});
export type TInputCommit = z.infer<typeof ZInputCommit>;

export const ZInputMergeRequest = z.object({
  iid: z.number().int(),
  title: z.string(),
  description: z.string().nullable().optional(),
  source_branch: z.string().nullable().optional(),
  target_branch: z.string().nullable().optional(),
  web_url: z.string().nullable().optional(),
});
export type TInputMergeRequest = z.infer<typeof ZInputMergeRequest>;

/** A job of the pipeline that did not fail, for context (GITLAB_FETCH_FULL_PIPELINE). */
export const ZInputOtherJob = z.object({ name: z.string(), stage: z.string(), status: z.string() });

export const ZTestSummary = z.object({
  total: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int().optional(),
  errored: z.number().int().optional(),
});

/**
 * Everything one pipeline analysis may use. Shapes follow GitLab's REST fields (snake_case) so the
 * fetch step can copy them; only `project`, `pipeline` and `failed_jobs` are required, and every
 * text in here is treated as untrusted and masked again before it leaves.
 */
export const ZAnalysisInput = z.object({
  project: ZProjectRef.extend({
    description: z.string().nullable().optional(),
    /** GitLab's /languages answer: language → percentage. */
    languages: z.record(z.string(), z.number()).nullable().optional(),
  }),
  pipeline: ZPipelineRef.extend({ created_at: z.string().nullable().optional(), duration: z.number().nullable().optional() }),
  commit: ZInputCommit.optional(),
  merge_request: ZInputMergeRequest.optional(),
  /** Raw `.gitlab-ci.yml` at the pipeline's sha. */
  ci_config: z.string().optional(),
  /**
   * The config's keywords that shape every job (default, variables, include, ...), set when the
   * config could be parsed. With it, a prompt sends these and each failed job's `definition`
   * instead of the whole file; null when the parsed config has none.
   */
  ci_config_globals: z.string().nullable().optional(),
  failed_jobs: z.array(ZInputFailedJob),
  other_jobs: z.array(ZInputOtherJob).optional(),
  test_summary: ZTestSummary.optional(),
});
export type TAnalysisInput = z.infer<typeof ZAnalysisInput>;
