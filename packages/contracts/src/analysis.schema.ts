import { z } from 'zod';
import { ZAnalysisResult } from './analysis-result.schema';
import { ZFailedJobRef, ZJobRef } from './failed-job.schema';

export const ANALYSIS_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export const ZAnalysisStatus = z.enum(ANALYSIS_STATUSES);
export type TAnalysisStatus = z.infer<typeof ZAnalysisStatus>;

export const TRIGGERS = ['webhook', 'email', 'manual'] as const;
export const ZTrigger = z.enum(TRIGGERS);
export type TTrigger = z.infer<typeof ZTrigger>;

export const ZProjectRef = z.object({
  id: z.number().int(),
  path: z.string().nullable(),
  name: z.string().nullable().optional(),
  web_url: z.string().nullable().optional(),
  default_branch: z.string().nullable().optional(),
});
export type TProjectRef = z.infer<typeof ZProjectRef>;

/** The merge request a Pipeline Hook names, with what GitLab documents for it there. */
export const ZMergeRequestRef = z.object({
  iid: z.number().int(),
  title: z.string().nullable(),
  source_branch: z.string().nullable(),
  target_branch: z.string().nullable(),
  state: z.string().nullable(),
  url: z.string().nullable(),
});
export type TMergeRequestRef = z.infer<typeof ZMergeRequestRef>;

export const ZPipelineRef = z.object({
  id: z.number().int(),
  iid: z.number().int().nullable().optional(),
  ref: z.string().nullable(),
  sha: z.string().nullable(),
  url: z.string().nullable(),
  status: z.string().nullable().optional(),
  source: z.string().nullable().optional(),
  merge_request_iid: z.number().int().nullable().optional(),
  commit_title: z.string().nullable().optional(),
  commit_author: z.string().nullable().optional(),
  /** Present when the trigger described the merge request (a Pipeline Hook does): not fetched again. */
  merge_request: ZMergeRequestRef.nullable().optional(),
  /** Every job of the pipeline when the trigger listed them (a Pipeline Hook does): not listed again. */
  jobs: z.array(ZJobRef).optional(),
});
export type TPipelineRef = z.infer<typeof ZPipelineRef>;

export const ZUsage = z.object({
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cost_usd: z.number(),
});

export const ZAnalysisError = z.object({ code: z.string(), message: z.string() });

/** The public view of one analysis: GET /analysis/:request_id (SPEC §2). */
export const ZAnalysisView = z.object({
  request_id: z.string(),
  status: ZAnalysisStatus,
  trigger: ZTrigger,
  project: ZProjectRef,
  pipeline: ZPipelineRef,
  failed_jobs: z.array(ZFailedJobRef),
  result: ZAnalysisResult.nullable(),
  error: ZAnalysisError.nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  usage: ZUsage,
  cache_hit: z.boolean(),
  timings: z.record(z.string(), z.number()),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});
export type TAnalysisView = z.infer<typeof ZAnalysisView>;
