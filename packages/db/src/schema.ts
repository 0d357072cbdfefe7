import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { TAnalysisResult, TFailedJobRef, TPipelineRef, TProjectRef, TExcerptLine, TJobVerdict } from '@cia/contracts';

const id = (name: string) => bigint(name, { mode: 'number' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * One row per failed pipeline we analyse. `dedup_key` is the identity of the failure (see the
 * README's dedup rule); everything about one pipeline maps to one row and one request_id.
 */
export const analyses = pgTable(
  'analyses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    requestId: text('request_id').notNull(),
    dedupKey: text('dedup_key').notNull(),
    status: text('status', { enum: ['queued', 'running', 'completed', 'failed'] })
      .notNull()
      .default('queued'),
    trigger: text('trigger', { enum: ['webhook', 'email', 'manual'] }).notNull(),
    projectId: id('project_id').notNull(),
    pipelineId: id('pipeline_id').notNull(),
    project: jsonb('project').$type<TProjectRef>().notNull(),
    pipeline: jsonb('pipeline').$type<TPipelineRef>().notNull(),
    failedJobs: jsonb('failed_jobs')
      .$type<TFailedJobRef[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    result: jsonb('result').$type<TAnalysisResult>(),
    category: text('category'),
    severity: text('severity'),
    fingerprint: text('fingerprint'),
    error: jsonb('error').$type<{ code: string; message: string }>(),
    provider: text('provider'),
    model: text('model'),
    promptVersion: text('prompt_version'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: doublePrecision('cost_usd').notNull().default(0),
    cacheHit: boolean('cache_hit').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    timings: jsonb('timings')
      .$type<Record<string, number>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** What each fetch step got (sizes, counts, timings) and what it stored, so retries skip it. */
    fetchState: jsonb('fetch_state')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
    /** Outbox: set once the job is in Redis; rows still NULL are enqueued by the relay. */
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('analyses_request_id_uq').on(t.requestId),
    uniqueIndex('analyses_dedup_key_uq').on(t.dedupKey),
    index('analyses_created_idx').on(t.createdAt, t.id),
    index('analyses_project_idx').on(t.projectId, t.pipelineId),
    // The lost-job sweep reads only unfinished analyses; a partial index keeps the write path lean.
    index('analyses_unfinished_idx')
      .on(t.updatedAt)
      .where(sql`${t.status} in ('queued', 'running')`),
    index('analyses_outbox_idx')
      .on(t.createdAt)
      .where(sql`${t.enqueuedAt} IS NULL`),
  ],
);

/** Failed jobs of an analysis, with the masked excerpt the analysis saw. */
export const analysisJobs = pgTable(
  'analysis_jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    analysisId: id('analysis_id')
      .notNull()
      .references(() => analyses.id, { onDelete: 'cascade' }),
    jobId: id('job_id').notNull(),
    name: text('name').notNull(),
    stage: text('stage').notNull(),
    status: text('status').notNull(),
    failureReason: text('failure_reason'),
    allowFailure: boolean('allow_failure').notNull().default(false),
    webUrl: text('web_url'),
    excerpt: jsonb('excerpt').$type<TExcerptLine[]>(),
    findings: jsonb('findings').$type<string[]>(),
    /** The log's size in bytes: 64-bit, a job log can pass 2 GB. */
    logBytes: bigint('log_bytes', { mode: 'number' }),
    logTruncated: boolean('log_truncated').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('analysis_jobs_job_uq').on(t.analysisId, t.jobId)],
);

/** Every webhook delivery as received: the audit trail and the outbox (enqueued_at IS NULL). */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key'),
    eventType: text('event_type').notNull(),
    objectKind: text('object_kind'),
    projectId: id('project_id'),
    pipelineId: id('pipeline_id'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    body: text('body').notNull(),
    outcome: text('outcome', { enum: ['accepted', 'duplicate', 'ignored'] }).notNull(),
    reason: text('reason'),
    requestId: text('request_id'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('webhook_deliveries_idem_uq').on(t.idempotencyKey)],
);

/** Every email the watcher looked at, accepted or skipped with the reason. */
export const processedEmails = pgTable(
  'processed_emails',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: text('message_id').notNull(),
    folder: text('folder').notNull(),
    uid: id('uid').notNull(),
    uidValidity: text('uid_validity').notNull(),
    sender: text('sender'),
    subject: text('subject'),
    projectId: id('project_id'),
    projectPath: text('project_path'),
    pipelineId: id('pipeline_id'),
    ref: text('ref'),
    outcome: text('outcome', { enum: ['accepted', 'duplicate', 'skipped'] }).notNull(),
    reason: text('reason'),
    requestId: text('request_id'),
    receivedAt: timestamp('received_at', { withTimezone: true }),
    processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('processed_emails_message_id_uq').on(t.messageId),
    index('processed_emails_uid_idx').on(t.folder, t.uidValidity, t.uid),
  ],
);

/** Failure fingerprints: the same failure seen again reuses the stored analysis. */
export const fingerprints = pgTable('fingerprints', {
  fingerprint: text('fingerprint').primaryKey(),
  analysisId: id('analysis_id').references(() => analyses.id, { onDelete: 'set null' }),
  category: text('category'),
  result: jsonb('result').$type<TAnalysisResult>().notNull(),
  hits: integer('hits').notNull().default(0),
  firstSeenAt: createdAt(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
});

/** IMAP watcher position per folder, so a restart catches up without reprocessing. */
export const mailCursors = pgTable(
  'mail_cursors',
  {
    /** `user@host:port`: two mailboxes with the same folder name keep separate positions. */
    account: text('account').notNull().default(''),
    folder: text('folder').notNull(),
    uidValidity: text('uid_validity').notNull(),
    lastUid: id('last_uid').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.account, t.folder] })],
);

/** Notes we posted back to GitLab, found again to edit in place. */
export const postedNotes = pgTable(
  'posted_notes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    projectId: id('project_id').notNull(),
    target: text('target').notNull(),
    noteId: id('note_id').notNull(),
    analysisId: id('analysis_id').references(() => analyses.id, { onDelete: 'set null' }),
    fingerprint: text('fingerprint'),
    state: text('state').notNull(),
    /** The newest pipeline the note shows (the failure, or the pipeline that fixed it): older news never overwrite it. */
    pipelineId: id('pipeline_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('posted_notes_target_uq').on(t.projectId, t.target)],
);

/**
 * Failed jobs of one project whose failures share a fingerprint (identifyFailure of @cia/log-intel):
 * one incident across pipelines, refs and merge requests. `open` until a default-branch pipeline
 * passes the job again (`fixed_*`); a later failure there reopens it. `failing_since_*` is where
 * the current red streak on the default branch began.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    fingerprint: text('fingerprint').notNull(),
    /** The failure lines alone: the same error text in other projects and jobs. */
    signature: text('signature').notNull(),
    projectId: id('project_id').notNull(),
    /** The job's base name (parallel and matrix suffixes dropped). */
    jobName: text('job_name').notNull(),
    failureReason: text('failure_reason'),
    category: text('category'),
    title: text('title').notNull(),
    identityLines: jsonb('identity_lines')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    status: text('status', { enum: ['open', 'fixed'] })
      .notNull()
      .default('open'),
    occurrences: integer('occurrences').notNull().default(0),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    defaultBranch: text('default_branch'),
    failingSincePipelineId: id('failing_since_pipeline_id'),
    failingSinceSha: text('failing_since_sha'),
    failingSinceAt: timestamp('failing_since_at', { withTimezone: true }),
    /** The newest default-branch pipeline that failed with it: an older green pipeline fixes nothing. */
    lastDefaultPipelineId: id('last_default_pipeline_id'),
    fixedPipelineId: id('fixed_pipeline_id'),
    fixedSha: text('fixed_sha'),
    fixedAt: timestamp('fixed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('incidents_fingerprint_uq').on(t.fingerprint),
    index('incidents_signature_idx').on(t.signature),
    index('incidents_project_seen_idx').on(t.projectId, t.lastSeenAt),
    // Ingest asks it for every green default-branch pipeline: only the few open, red-on-default rows are indexed.
    index('incidents_open_default_idx')
      .on(t.projectId)
      .where(sql`${t.status} = 'open' and ${t.failingSincePipelineId} is not null`),
  ],
);

/**
 * One row per failed job of an analysis: the verdict it got, the facts it was decided from (so a
 * retry's outcome can decide it again) and, when the job had a log, the incident it joined.
 */
export const incidentOccurrences = pgTable(
  'incident_occurrences',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: id('incident_id').references(() => incidents.id, { onDelete: 'cascade' }),
    analysisId: id('analysis_id')
      .notNull()
      .references(() => analyses.id, { onDelete: 'cascade' }),
    projectId: id('project_id').notNull(),
    pipelineId: id('pipeline_id').notNull(),
    jobId: id('job_id').notNull(),
    jobName: text('job_name').notNull(),
    ref: text('ref'),
    sha: text('sha'),
    mergeRequestIid: id('merge_request_iid'),
    onDefaultBranch: boolean('on_default_branch').notNull().default(false),
    targetBranch: text('target_branch'),
    fingerprint: text('fingerprint').notNull(),
    verdictKind: text('verdict_kind').notNull(),
    verdict: jsonb('verdict').$type<TJobVerdict>().notNull(),
    safeToMerge: boolean('safe_to_merge').notNull().default(false),
    /** The facts the verdict was decided from (TJobFacts of @cia/verdict). */
    facts: jsonb('facts').$type<Record<string, unknown>>(),
    comparedPipelineId: id('compared_pipeline_id'),
    retryJobId: id('retry_job_id'),
    retryStatus: text('retry_status', { enum: ['passed', 'failed', 'pending'] }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A job analysed again (a later generation of the same pipeline) keeps one row.
    uniqueIndex('incident_occurrences_job_uq').on(t.projectId, t.jobId),
    index('incident_occurrences_commit_idx').on(t.fingerprint, t.sha),
    // The recent failures of a fingerprint off the default branch, read newest first by a backward scan (countIntermittentChanges).
    index('incident_occurrences_off_default_idx')
      .on(t.fingerprint, t.createdAt)
      .where(sql`${t.onDefaultBranch} = false`),
    index('incident_occurrences_incident_idx').on(t.incidentId, t.createdAt),
    index('incident_occurrences_analysis_idx').on(t.analysisId),
    index('incident_occurrences_retry_idx')
      .on(t.retryJobId)
      .where(sql`${t.retryJobId} is not null`),
  ],
);
