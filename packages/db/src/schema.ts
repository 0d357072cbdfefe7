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
import type {
  TAnalysisResult,
  TFailedJobRef,
  TPipelineRef,
  TProjectRef,
  TExcerptLine,
} from '@cia/contracts';

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
    status: text('status', { enum: ['queued', 'running', 'completed', 'failed'] }).notNull().default('queued'),
    trigger: text('trigger', { enum: ['webhook', 'email', 'manual'] }).notNull(),
    projectId: id('project_id').notNull(),
    pipelineId: id('pipeline_id').notNull(),
    project: jsonb('project').$type<TProjectRef>().notNull(),
    pipeline: jsonb('pipeline').$type<TPipelineRef>().notNull(),
    failedJobs: jsonb('failed_jobs').$type<TFailedJobRef[]>().notNull().default(sql`'[]'::jsonb`),
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
    timings: jsonb('timings').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    /** What each fetch step got (sizes, counts, timings) and what it stored, so retries skip it. */
    fetchState: jsonb('fetch_state').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
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
    index('analyses_unfinished_idx').on(t.updatedAt).where(sql`${t.status} in ('queued', 'running')`),
    index('analyses_outbox_idx').on(t.createdAt).where(sql`${t.enqueuedAt} IS NULL`),
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
  (t) => [uniqueIndex('processed_emails_message_id_uq').on(t.messageId), index('processed_emails_uid_idx').on(t.folder, t.uidValidity, t.uid)],
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
