import { z } from 'zod';

/**
 * The verdict on one failed job as stored in the analysis result and returned by the API: whose
 * failure it is, with the evidence. @cia/verdict decides it (camelCase, in memory); this is its
 * wire and storage shape. Kinds, reasons and evidence kinds are permanent: stored results and
 * notes name them.
 */
export const VERDICT_KINDS = [
  'infrastructure',
  'flaky_confirmed',
  'fixed_on_target',
  'already_failing',
  'likely_flaky',
  'caused_by_change',
  'undetermined',
] as const;
export const ZVerdictKind = z.enum(VERDICT_KINDS);
export type TVerdictKind = z.infer<typeof ZVerdictKind>;

/** Why no verdict could be given: said as such rather than guessed. */
export const UNDETERMINED_REASONS = [
  'no_compared_run',
  'job_not_in_compared_run',
  'compared_run_fails_differently',
  'compared_job_not_finished',
  'no_baseline_comparison',
  'failure_lines_not_new',
  'no_log',
] as const;
export const ZUndeterminedReason = z.enum(UNDETERMINED_REASONS);
export type TUndeterminedReason = z.infer<typeof ZUndeterminedReason>;

export const INFRA_SIGNAL_KINDS = ['runner_system', 'network', 'registry', 'out_of_memory', 'timeout', 'disk_full'] as const;
export const JOB_RUN_STATUSES = ['success', 'failed', 'canceled', 'skipped', 'manual', 'running', 'pending', 'created'] as const;
export const RETRY_STATUSES = ['passed', 'failed', 'pending'] as const;
export const ZRetryStatus = z.enum(RETRY_STATUSES);

/** A pipeline named as evidence: which run, of which commit. */
export const ZVerdictPipeline = z.object({
  pipeline_id: z.number().int(),
  sha: z.string(),
  finished_at: z.string().optional(),
  web_url: z.string().optional(),
});
export type TVerdictPipeline = z.infer<typeof ZVerdictPipeline>;

export const ZInfraSignal = z.object({ kind: z.enum(INFRA_SIGNAL_KINDS), line: z.string().optional(), host: z.string().optional() });

export const ZVerdictEvidence = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('failure_reason'), reason: z.string() }),
  z.object({ kind: z.literal('infra_signal'), signal: ZInfraSignal }),
  z.object({ kind: z.literal('code_error'), line: z.string() }),
  z.object({
    kind: z.literal('compared_run'),
    pipeline: ZVerdictPipeline,
    job_status: z.enum([...JOB_RUN_STATUSES, 'absent']),
    same_failure: z.boolean(),
  }),
  z.object({ kind: z.literal('failing_since'), pipeline: ZVerdictPipeline }),
  z.object({ kind: z.literal('baseline_diff'), new_failure_lines: z.number().int(), failure_lines: z.number().int() }),
  z.object({ kind: z.literal('same_commit'), failures: z.number().int(), passes: z.number().int() }),
  z.object({ kind: z.literal('intermittent'), changes: z.number().int() }),
  z.object({ kind: z.literal('retry'), job_id: z.number().int(), status: ZRetryStatus }),
  z.object({ kind: z.literal('fixed_on_target'), pipeline: ZVerdictPipeline }),
  z.object({ kind: z.literal('culprits'), candidates: z.number().int() }),
]);
export type TVerdictEvidence = z.infer<typeof ZVerdictEvidence>;

/** A commit between the last green and the failing sha, ranked by how the files it changes meet the excerpt. */
export const ZCulprit = z.object({
  sha: z.string(),
  title: z.string(),
  /** Named, never @mentioned. */
  author: z.string(),
  score: z.number(),
  matches: z.array(z.object({ name: z.string(), file: z.string(), how: z.enum(['path', 'module', 'file_name', 'test_subject']) })),
});
export type TCulprit = z.infer<typeof ZCulprit>;

export const ZJobVerdict = z.object({
  kind: ZVerdictKind,
  /** The note's first line for this job. */
  headline: z.string(),
  evidence: z.array(ZVerdictEvidence),
  /** Only ever true with a passing retry of this very job as evidence. */
  safe_to_merge: z.boolean(),
  /** A retry would settle it (flaky suspicion, infrastructure). */
  retry_advised: z.boolean(),
  reason: ZUndeterminedReason.optional(),
  culprits: z.array(ZCulprit).optional(),
  /** The failure's identity (see identifyFailure of @cia/log-intel): project, job and failure lines. */
  fingerprint: z.string().optional(),
  /** The incident this failure belongs to; null for a failure without a log (never matched to another). */
  incident_id: z.number().int().nullable().optional(),
});
export type TJobVerdict = z.infer<typeof ZJobVerdict>;

export const INCIDENT_STATUSES = ['open', 'fixed'] as const;
export const ZIncidentStatus = z.enum(INCIDENT_STATUSES);
export type TIncidentStatus = z.infer<typeof ZIncidentStatus>;

/** One failed job of one analysis that belongs to an incident, with the verdict it got. */
export const ZIncidentOccurrenceView = z.object({
  id: z.number().int(),
  incident_id: z.number().int().nullable(),
  analysis_id: z.number().int(),
  project_id: z.number().int(),
  pipeline_id: z.number().int(),
  job_id: z.number().int(),
  job_name: z.string(),
  ref: z.string().nullable(),
  sha: z.string().nullable(),
  merge_request_iid: z.number().int().nullable(),
  on_default_branch: z.boolean(),
  verdict: ZJobVerdict,
  retry: z.object({ job_id: z.number().int(), status: ZRetryStatus }).nullable(),
  created_at: z.string(),
});
export type TIncidentOccurrenceView = z.infer<typeof ZIncidentOccurrenceView>;

/**
 * Failed jobs of one project whose failures share a fingerprint, across pipelines, refs and merge
 * requests. `signature` is the failure lines alone: incidents of several projects with the same
 * signature are the same error text (a registry outage, a shared dependency).
 */
export const ZIncidentView = z.object({
  id: z.number().int(),
  fingerprint: z.string(),
  signature: z.string(),
  project_id: z.number().int(),
  job_name: z.string(),
  failure_reason: z.string().nullable(),
  category: z.string().nullable(),
  title: z.string(),
  identity_lines: z.array(z.string()),
  status: ZIncidentStatus,
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  occurrences: z.number().int(),
  /** Where the current red streak on the default branch began; null when the default branch is not failing with it. */
  failing_since: ZVerdictPipeline.extend({ at: z.string() }).nullable(),
  /** The default-branch pipeline (and commit) that passed the job again. */
  fixed: ZVerdictPipeline.extend({ at: z.string() }).nullable(),
});
export type TIncidentView = z.infer<typeof ZIncidentView>;
