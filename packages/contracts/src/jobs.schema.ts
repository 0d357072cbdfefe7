import { z } from 'zod';
import { ZTrigger } from './analysis.schema';

/**
 * Payload of `pipeline.analyze`. Ids and small facts only: the delivery body and everything
 * fetched later live in the database. Fields are only ever added, as optional, so queued jobs
 * survive a deploy.
 */
export const ZAnalyzePipelinePayload = z.object({
  request_id: z.string().min(1),
  trigger: ZTrigger,
  project_id: z.number().int(),
  pipeline_id: z.number().int(),
});
export type TAnalyzePipelinePayload = z.infer<typeof ZAnalyzePipelinePayload>;

/** Where one finished analysis is posted; each channel is its own job so one failing does not repeat the others. */
export const POSTBACK_CHANNELS = ['gitlab', 'slack', 'webhook'] as const;
export type TPostbackChannel = (typeof POSTBACK_CHANNELS)[number];

/** Payload of `analysis.post`. Fields are only ever added, as optional, so queued jobs survive a deploy. */
export const ZPostAnalysisPayload = z.object({
  request_id: z.string().min(1),
  channel: z.enum(POSTBACK_CHANNELS),
  /** A later version of the same analysis (e.g. `retry-<job id>`: a verdict decided again): posted again, in place. */
  revision: z.string().min(1).max(100).optional(),
});
export type TPostAnalysisPayload = z.infer<typeof ZPostAnalysisPayload>;

/** Payload of `pipeline.fixed`: a pipeline that passed, whose MR note may say "fixed" now. Fields are only ever added, as optional. */
export const ZPipelineFixedPayload = z.object({
  project_id: z.number().int(),
  pipeline_id: z.number().int(),
  ref: z.string().nullish(),
  sha: z.string().nullish(),
  merge_request_iid: z.number().int().nullish(),
  pipeline_url: z.string().nullish(),
  /** The project's default branch as the hook named it: a green pipeline there may fix open incidents. */
  default_branch: z.string().nullish(),
});
export type TPipelineFixedPayload = z.infer<typeof ZPipelineFixedPayload>;

/** Payload of `verdict.retry`: retry one failed job judged likely flaky, once. Fields are only ever added, as optional. */
export const ZVerdictRetryPayload = z.object({
  project_id: z.number().int(),
  /** The failed job (GitLab's id) whose occurrence is verified. */
  job_id: z.number().int(),
});
export type TVerdictRetryPayload = z.infer<typeof ZVerdictRetryPayload>;

/** Payload of `verdict.retry-check`: look at the retried job until it finished. Fields are only ever added, as optional. */
export const ZVerdictRetryCheckPayload = z.object({
  project_id: z.number().int(),
  job_id: z.number().int(),
  /** The new job GitLab's retry created. */
  retry_job_id: z.number().int(),
  /** Looks taken so far (each waits twice as long as the one before). */
  checks: z.number().int().min(0).optional(),
});
export type TVerdictRetryCheckPayload = z.infer<typeof ZVerdictRetryCheckPayload>;

/** Where the incident digest and new-incident notices go: the channels people or tools read, never GitLab notes. */
export const INCIDENT_NOTICE_CHANNELS = ['slack', 'webhook'] as const;
export type TIncidentNoticeChannel = (typeof INCIDENT_NOTICE_CHANNELS)[number];

/**
 * Payload of `incidents.digest`: the job the digest scheduler produces (payload `{}`; the period
 * ends at the time it was due) or one asked for by hand with the end of its period. Fields are only
 * ever added, as optional.
 */
export const ZIncidentDigestPayload = z.object({
  period_end: z.iso.datetime().optional(),
});
export type TIncidentDigestPayload = z.infer<typeof ZIncidentDigestPayload>;

/** Payload of `incidents.digest.post`: one digest period sent to one channel. Fields are only ever added, as optional. */
export const ZPostIncidentDigestPayload = z.object({
  channel: z.enum(INCIDENT_NOTICE_CHANNELS),
  period_start: z.iso.datetime(),
  period_end: z.iso.datetime(),
});
export type TPostIncidentDigestPayload = z.infer<typeof ZPostIncidentDigestPayload>;

/** Payload of `incident.new`: an incident first seen on the default branch, announced at once on one channel. */
export const ZPostNewIncidentPayload = z.object({
  incident_id: z.number().int().positive(),
  channel: z.enum(INCIDENT_NOTICE_CHANNELS),
});
export type TPostNewIncidentPayload = z.infer<typeof ZPostNewIncidentPayload>;
