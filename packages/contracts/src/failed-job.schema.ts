import { z } from 'zod';

/**
 * A failed job: the one shape of the concept. What the trigger said, what the fetch adds, what the
 * analyzer reads, what an analysis stores and what a note shows are this shape, picked from or
 * extended; GitLab's REST answer (`ZGlJob` in @cia/gitlab) and the `analysis_jobs` row (@cia/db)
 * are the only other shapes, each mapped in one place. Names are GitLab's, as in the API.
 */
export const ZFailedJob = z.object({
  id: z.number().int(),
  name: z.string(),
  stage: z.string(),
  status: z.string(),
  failure_reason: z.string().nullable(),
  allow_failure: z.boolean(),
  web_url: z.string().nullable(),
  /** Seconds the job ran. */
  duration: z.number().nullable(),
  pipeline_id: z.number().int(),
  project_id: z.number().int(),
});
export type TFailedJob = z.infer<typeof ZFailedJob>;

/** One job of the pipeline as its Pipeline Hook lists it (every job, not only failed ones). */
export const ZJobRef = ZFailedJob.pick({
  id: true,
  name: true,
  stage: true,
  status: true,
  failure_reason: true,
  allow_failure: true,
  duration: true,
});
export type TJobRef = z.infer<typeof ZJobRef>;

/** What the trigger told us about one failed job (before any fetching). */
export const ZFailedJobRef = ZFailedJob.pick({
  id: true,
  name: true,
  stage: true,
  status: true,
  failure_reason: true,
  allow_failure: true,
  web_url: true,
})
  .partial({ failure_reason: true, allow_failure: true, web_url: true })
  .extend({
    /** Lines of the log tail when the trigger carried them (GitLab's failure email does). */
    log_tail: z.string().optional(),
  });
export type TFailedJobRef = z.infer<typeof ZFailedJobRef>;

/** Facts about a job from a source that may leave some out (a trigger, GitLab's loosely typed answer). */
export type TJobFacts = Pick<TFailedJob, 'id' | 'name' | 'stage' | 'status'> & {
  [K in 'failure_reason' | 'allow_failure' | 'web_url' | 'duration']?: TFailedJob[K] | null | undefined;
};

/** A failed job from what a source said about it; what it left out is null (no reason, no URL...). */
export function toFailedJob(job: TJobFacts, where: Pick<TFailedJob, 'pipeline_id' | 'project_id'>): TFailedJob {
  return {
    id: job.id,
    name: job.name,
    stage: job.stage,
    status: job.status,
    failure_reason: job.failure_reason ?? null,
    allow_failure: job.allow_failure ?? false,
    web_url: job.web_url ?? null,
    duration: job.duration ?? null,
    pipeline_id: where.pipeline_id,
    project_id: where.project_id,
  };
}

/** Only the failed-job fields of a richer shape: a fetched job carries its log, which must not travel on. */
export function pickFailedJob(job: TFailedJob): TFailedJob {
  const { id, name, stage, status, failure_reason, allow_failure, web_url, duration, pipeline_id, project_id } = job;
  return { id, name, stage, status, failure_reason, allow_failure, web_url, duration, pipeline_id, project_id };
}
