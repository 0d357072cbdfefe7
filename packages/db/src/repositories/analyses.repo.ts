import crypto from 'node:crypto';
import { and, desc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { TAnalysisView, TFailedJobRef, TPipelineRef, TProjectRef, TTrigger } from '@cia/contracts';
import type { TDb } from '../client';
import { analyses, webhookDeliveries } from '../schema';
import { rowsOf } from '../migrate';

export type TAnalysisRow = typeof analyses.$inferSelect;

export type TRegisterFailureInput = {
  trigger: TTrigger;
  project: TProjectRef;
  pipeline: TPipelineRef;
  failedJobs: TFailedJobRef[];
};

export type TRegisterFailureOutcome = {
  requestId: string;
  analysisId: number;
  /** true when this call created the analysis (the caller enqueues it). */
  created: boolean;
  status: TAnalysisRow['status'];
};

/** Keeps one entry per job name, the newest job id winning (a retried job gets a new id). */
export function mergeFailedJobs(current: TFailedJobRef[], incoming: TFailedJobRef[]): TFailedJobRef[] {
  const byName = new Map<string, TFailedJobRef>();
  for (const job of [...current, ...incoming]) {
    const seen = byName.get(job.name);
    if (!seen || job.id >= seen.id) byName.set(job.name, { ...seen, ...job, log_tail: job.log_tail ?? seen?.log_tail });
  }
  return [...byName.values()].sort((a, b) => a.id - b.id);
}

function mergePipeline(current: TPipelineRef, incoming: TPipelineRef): TPipelineRef {
  const out: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(incoming)) if (v !== null && v !== undefined) out[k] = v;
  return out as TPipelineRef;
}

/** What to record about the delivery that carried the failure, written with the analysis. */
export type TDeliveryRecord = Omit<typeof webhookDeliveries.$inferInsert, 'outcome' | 'requestId' | 'reason' | 'id'>;

export type TFirstFailure = { input: TRegisterFailureInput; delivery?: TDeliveryRecord };
export type TFirstAnalysis = { analysisId: number; requestId: string };

/**
 * The common case: the first failure of a pipeline creates generation 1 and records its delivery.
 * Many of them go in ONE statement (one commit, one WAL flush), which is what lets ingest accept
 * thousands of webhooks a second. An entry gets undefined when its pipeline already had an
 * analysis (or another entry of the batch won it), leaving the merge rules to registerFailure.
 */
export async function createFirstAnalyses(db: TDb, items: TFirstFailure[]): Promise<(TFirstAnalysis | undefined)[]> {
  if (items.length === 0) return [];
  const requestIds = items.map(() => crypto.randomUUID());
  // The whole batch travels as ONE json parameter: one string to send, one parse in PostgreSQL,
  // and a statement text that never changes.
  const batch = items.map(({ input, delivery: d }, i) => ({
    request_id: requestIds[i],
    dedup_key: `${input.project.id}:${input.pipeline.id}#1`,
    trigger: input.trigger,
    project_id: input.project.id,
    pipeline_id: input.pipeline.id,
    project: input.project,
    pipeline: input.pipeline,
    failed_jobs: mergeFailedJobs([], input.failedJobs),
    has_delivery: d !== undefined,
    idempotency_key: d?.idempotencyKey ?? null,
    event_type: d?.eventType ?? null,
    object_kind: d?.objectKind ?? null,
    d_project_id: d?.projectId ?? null,
    d_pipeline_id: d?.pipelineId ?? null,
    headers: d?.headers ?? null,
    body: d?.body ?? null,
  }));
  const query = sql`with input as (
        select * from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as t(request_id text, dedup_key text, trigger text,
          project_id bigint, pipeline_id bigint, project jsonb, pipeline jsonb, failed_jobs jsonb, has_delivery boolean,
          idempotency_key text, event_type text, object_kind text, d_project_id bigint, d_pipeline_id bigint, headers jsonb, body text)),
      a as (insert into analyses (request_id, dedup_key, trigger, project_id, pipeline_id, project, pipeline, failed_jobs)
        select request_id, dedup_key, trigger, project_id, pipeline_id, project, pipeline, failed_jobs from input
        on conflict (dedup_key) do nothing returning id, request_id),
      d as (insert into webhook_deliveries (idempotency_key, event_type, object_kind, project_id, pipeline_id, headers, body, outcome, request_id)
        select i.idempotency_key, i.event_type, i.object_kind, i.d_project_id, i.d_pipeline_id, i.headers, i.body, 'accepted', a.request_id
        from input i join a on a.request_id = i.request_id where i.has_delivery
        on conflict (idempotency_key) do nothing returning id)
    select a.id, a.request_id, (select count(*) from d)::int as recorded from a`;
  const created = new Map(rowsOf<{ id: number | string; request_id: string }>(await db.execute(query)).map((r) => [r.request_id, Number(r.id)]));
  return requestIds.map((requestId) => {
    const analysisId = created.get(requestId);
    return analysisId === undefined ? undefined : { analysisId, requestId };
  });
}

export async function createFirstAnalysis(db: TDb, input: TRegisterFailureInput, delivery?: TDeliveryRecord): Promise<TFirstAnalysis | undefined> {
  const [first] = await createFirstAnalyses(db, [{ input, delivery }]);
  return first;
}

/**
 * The dedup rule: every trigger about one pipeline joins the pipeline's latest analysis while it
 * is queued or running, and is a duplicate of it once finished unless a job name failed that the
 * finished analysis did not cover; only then a new analysis ("generation") starts.
 */
export async function registerFailure(db: TDb, input: TRegisterFailureInput): Promise<TRegisterFailureOutcome> {
  const first = await createFirstAnalysis(db, input);
  if (first) return { ...first, created: true, status: 'queued' };
  return registerFailureSlow(db, input);
}

/** Joins, deduplicates or starts a new generation under a row lock (pipeline seen before). */
export async function registerFailureSlow(db: TDb, input: TRegisterFailureInput): Promise<TRegisterFailureOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        const [latest] = await tx
          .select()
          .from(analyses)
          .where(and(eq(analyses.projectId, input.project.id), eq(analyses.pipelineId, input.pipeline.id)))
          .orderBy(desc(analyses.id))
          .limit(1)
          .for('update');
        if (latest && (latest.status === 'queued' || latest.status === 'running')) {
          const failedJobs = mergeFailedJobs(latest.failedJobs, input.failedJobs);
          await tx
            .update(analyses)
            .set({ failedJobs, pipeline: mergePipeline(latest.pipeline, input.pipeline), project: { ...latest.project, ...stripNulls(input.project) }, updatedAt: new Date() })
            .where(eq(analyses.id, latest.id));
          return { requestId: latest.requestId, analysisId: latest.id, created: false, status: latest.status };
        }
        if (latest) {
          const covered = new Set(latest.failedJobs.map((j) => j.name));
          const isNew = input.failedJobs.some((j) => !covered.has(j.name));
          if (!isNew) return { requestId: latest.requestId, analysisId: latest.id, created: false, status: latest.status };
        }
        const generation = latest ? Number(latest.dedupKey.split('#')[1] ?? '1') + 1 : 1;
        const [row] = await tx
          .insert(analyses)
          .values({
            requestId: crypto.randomUUID(),
            dedupKey: `${input.project.id}:${input.pipeline.id}#${generation}`,
            trigger: input.trigger,
            projectId: input.project.id,
            pipelineId: input.pipeline.id,
            project: input.project,
            pipeline: input.pipeline,
            failedJobs: mergeFailedJobs([], input.failedJobs),
          })
          .returning({ id: analyses.id, requestId: analyses.requestId, status: analyses.status });
        if (!row) throw new Error('insert returned no row');
        return { requestId: row.requestId, analysisId: row.id, created: true, status: row.status };
      });
    } catch (err) {
      // Two deliveries racing for the same new pipeline: the loser retries and joins the winner.
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

function stripNulls<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

export function isUniqueViolation(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    if ((e as { code?: string }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export async function findAnalysisByRequestId(db: TDb, requestId: string): Promise<TAnalysisRow | undefined> {
  const [row] = await db.select().from(analyses).where(eq(analyses.requestId, requestId)).limit(1);
  return row;
}

export async function markEnqueued(db: TDb, analysisId: number): Promise<void> {
  await markEnqueuedMany(db, [analysisId]);
}

export async function markEnqueuedMany(db: TDb, analysisIds: number[]): Promise<void> {
  if (analysisIds.length === 0) return;
  await db.update(analyses).set({ enqueuedAt: new Date() }).where(and(inArray(analyses.id, analysisIds), isNull(analyses.enqueuedAt)));
}

/** Outbox rows: analyses accepted while Redis was unavailable (or before a crash). */
export async function findUnenqueued(db: TDb, olderThan: Date, limit = 100): Promise<TAnalysisRow[]> {
  return db
    .select()
    .from(analyses)
    .where(and(isNull(analyses.enqueuedAt), lt(analyses.createdAt, olderThan)))
    .orderBy(analyses.createdAt)
    .limit(limit);
}

/** Analyses still queued or running long after they were enqueued: candidates for a lost job. */
export async function findStale(db: TDb, notUpdatedSince: Date, limit = 200): Promise<TAnalysisRow[]> {
  return db
    .select()
    .from(analyses)
    .where(and(inArray(analyses.status, ['queued', 'running']), isNotNull(analyses.enqueuedAt), lt(analyses.updatedAt, notUpdatedSince)))
    .orderBy(analyses.updatedAt)
    .limit(limit);
}

export async function markRunning(db: TDb, analysisId: number): Promise<void> {
  await db
    .update(analyses)
    .set({ status: 'running', startedAt: sql`coalesce(${analyses.startedAt}, now())`, attempts: sql`${analyses.attempts} + 1`, updatedAt: new Date() })
    .where(eq(analyses.id, analysisId));
}

export type TAnalysisCompletion = Pick<
  TAnalysisRow,
  'result' | 'provider' | 'model' | 'promptVersion' | 'inputTokens' | 'outputTokens' | 'costUsd' | 'cacheHit' | 'timings'
>;

export async function completeAnalysis(db: TDb, analysisId: number, done: TAnalysisCompletion): Promise<void> {
  await db
    .update(analyses)
    .set({
      ...done,
      status: 'completed',
      category: done.result?.category ?? null,
      severity: done.result?.severity ?? null,
      fingerprint: done.result?.fingerprint ?? null,
      error: null,
      completedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(eq(analyses.id, analysisId));
}

export async function failAnalysis(db: TDb, analysisId: number, error: { code: string; message: string }): Promise<void> {
  await db
    .update(analyses)
    .set({ status: 'failed', error, completedAt: new Date(), updatedAt: new Date() })
    .where(eq(analyses.id, analysisId));
}

export async function updateAnalysis(db: TDb, analysisId: number, patch: Partial<Omit<TAnalysisRow, 'id'>>): Promise<void> {
  await db.update(analyses).set({ ...patch, updatedAt: new Date() }).where(eq(analyses.id, analysisId));
}

/** The public shape of SPEC §2. */
export function toAnalysisView(row: TAnalysisRow): TAnalysisView {
  return {
    request_id: row.requestId,
    status: row.status,
    trigger: row.trigger,
    project: row.project,
    pipeline: row.pipeline,
    failed_jobs: row.failedJobs.map(({ log_tail: _omit, ...job }) => job),
    result: row.result ?? null,
    error: row.error ?? null,
    provider: row.provider,
    model: row.model,
    usage: { input_tokens: row.inputTokens, output_tokens: row.outputTokens, cost_usd: row.costUsd },
    cache_hit: row.cacheHit,
    timings: row.timings,
    created_at: row.createdAt.toISOString(),
    completed_at: row.completedAt ? row.completedAt.toISOString() : null,
  };
}
