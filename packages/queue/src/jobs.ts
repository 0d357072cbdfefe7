import {
  ZAnalyzePipelinePayload,
  ZIncidentDigestPayload,
  ZPipelineFixedPayload,
  ZPostAnalysisPayload,
  ZPostIncidentDigestPayload,
  ZPostNewIncidentPayload,
  ZVerdictRetryCheckPayload,
  ZVerdictRetryPayload,
} from '@cia/contracts';
import type { JobsOptions } from 'bullmq';
import type { z } from 'zod';
import { QUEUE_NAMES, type TQueueName } from './queue-names';

/** What the system knows about one kind of job: where it goes, what it carries, its id and its defaults. */
export type TJobDefinition<
  TQueue extends TQueueName = TQueueName,
  TSchema extends z.ZodType = z.ZodType,
  TOptions extends JobsOptions = JobsOptions,
> = {
  queue: TQueue;
  /** The payload contract (packages/contracts); producers parse before adding, the worker before handling. */
  schema: TSchema;
  /** Deterministic: a second add of the same work is a no-op in BullMQ. */
  jobId: (payload: z.infer<TSchema>) => string;
  options: TOptions;
};

/** Infers each job's payload type from its schema (an object literal alone would not type `jobId`). */
const defineJob = <TQueue extends TQueueName, TSchema extends z.ZodType, TOptions extends JobsOptions>(
  job: TJobDefinition<TQueue, TSchema, TOptions>,
) => job;

const KEEP_FINISHED = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 50_000 },
} as const satisfies JobsOptions;

const POSTBACK_OPTIONS = { attempts: 8, backoff: { type: 'exponential', delay: 5000 }, ...KEEP_FINISHED } as const satisfies JobsOptions;

/**
 * Every job of the system, by name. Names and payload shapes are permanent: jobs queued before a
 * deploy are processed after it, so a name is never renamed and payload fields are only added, as
 * optional. Producers add through `enqueue`, the worker dispatches by name (createJobProcessor).
 */
export const JOBS = {
  /** Analyse one failed pipeline: fetch → excerpt → classify → analyze → persist → post back. */
  'pipeline.analyze': defineJob({
    queue: QUEUE_NAMES.analyze,
    schema: ZAnalyzePipelinePayload,
    /** One job per analysis: the request id is the job id. */
    jobId: (payload) => payload.request_id,
    options: { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, ...KEEP_FINISHED } as const satisfies JobsOptions,
  }),
  /** Post one analysis to one channel (GitLab note or commit comment, Slack, signed webhook). */
  'analysis.post': defineJob({
    queue: QUEUE_NAMES.postback,
    schema: ZPostAnalysisPayload,
    /** One post per analysis and channel ("never spam"), and one per later revision of it (edited in place). */
    jobId: (payload) => `post-${payload.channel}-${payload.request_id}${payload.revision === undefined ? '' : `-${payload.revision}`}`,
    options: POSTBACK_OPTIONS,
  }),
  /** Turn the note of a merge request into "fixed" once one of its pipelines passes. */
  'pipeline.fixed': defineJob({
    queue: QUEUE_NAMES.postback,
    schema: ZPipelineFixedPayload,
    jobId: (payload) => `fixed-${payload.project_id}-${payload.pipeline_id}`,
    options: POSTBACK_OPTIONS,
  }),
  /** Retry one failed job judged likely flaky (opted-in projects), then look at the retry later. */
  'verdict.retry': defineJob({
    queue: QUEUE_NAMES.verdicts,
    schema: ZVerdictRetryPayload,
    /** One per failed job, ever kept: a duplicate or redelivered request never retries the job twice. */
    jobId: (payload) => `retry-${payload.project_id}-${payload.job_id}`,
    // One attempt: a second POST would run the job's CI again. The database claim guards it too.
    options: {
      attempts: 1,
      removeOnComplete: { age: 30 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    } as const satisfies JobsOptions,
  }),
  /** Look at a retried job (delayed); still running: delayed again (moveToDelayed), else its outcome decides the verdict again. */
  'verdict.retry-check': defineJob({
    queue: QUEUE_NAMES.verdicts,
    schema: ZVerdictRetryCheckPayload,
    jobId: (payload) => `retry-check-${payload.project_id}-${payload.retry_job_id}`,
    options: { attempts: 5, backoff: { type: 'exponential', delay: 10_000 }, ...KEEP_FINISHED } as const satisfies JobsOptions,
  }),
  /**
   * Gather one period of the incident digest and queue its post to each channel. The digest job
   * scheduler (digest-scheduler.ts) produces it, with BullMQ's own ids; this id is for one asked
   * for by hand, by the end of its period.
   */
  'incidents.digest': defineJob({
    queue: QUEUE_NAMES.postback,
    schema: ZIncidentDigestPayload,
    jobId: (payload) => `digest-run-${payload.period_end ? Date.parse(payload.period_end) : 'now'}`,
    options: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, ...KEEP_FINISHED } as const satisfies JobsOptions,
  }),
  /** Post one digest period to one channel: once per period and channel, whatever retries or how many workers. */
  'incidents.digest.post': defineJob({
    queue: QUEUE_NAMES.postback,
    schema: ZPostIncidentDigestPayload,
    jobId: (payload) => `digest-${payload.channel}-${Date.parse(payload.period_end)}`,
    options: POSTBACK_OPTIONS,
  }),
  /** Announce an incident first seen on the default branch, once per incident and channel. */
  'incident.new': defineJob({
    queue: QUEUE_NAMES.postback,
    schema: ZPostNewIncidentPayload,
    // BullMQ refuses `:` in custom ids: `incident-new-<channel>-<id>`.
    jobId: (payload) => `incident-new-${payload.channel}-${payload.incident_id}`,
    options: POSTBACK_OPTIONS,
  }),
};

export type TJobs = typeof JOBS;
export type TJobName = keyof TJobs;
export type TJobPayload<TName extends TJobName> = z.infer<TJobs[TName]['schema']>;
/** The queue a job goes to. */
export type TJobQueue<TName extends TJobName> = TJobs[TName]['queue'];
/** The jobs that go to one queue. */
export type TJobsOfQueue<TQueue extends TQueueName> = { [N in TJobName]: TJobs[N]['queue'] extends TQueue ? N : never }[TJobName];

export const isJobName = (name: string): name is TJobName => Object.hasOwn(JOBS, name);
