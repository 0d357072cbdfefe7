import crypto from 'node:crypto';
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { TAnalysisView, TFailedJobRef, TPipelineRef, TProjectRef, TTrigger } from '@cia/contracts';
import type { TDb } from '../client';
import { analyses } from '../schema';

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

/**
 * The dedup rule: every trigger about one pipeline joins the pipeline's latest analysis while it
 * is queued or running, and is a duplicate of it once finished unless a job name failed that the
 * finished analysis did not cover; only then a new analysis ("generation") starts.
 */
export async function registerFailure(db: TDb, input: TRegisterFailureInput): Promise<TRegisterFailureOutcome> {
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
  await db.update(analyses).set({ enqueuedAt: new Date() }).where(eq(analyses.id, analysisId));
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
