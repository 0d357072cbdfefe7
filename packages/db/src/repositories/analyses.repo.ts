import crypto from 'node:crypto';
import { and, desc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { TFailedJobRef, TMaskedText, TMergeRequestRef, TPipelineRef, TProjectRef, TTrigger } from '@cia/contracts';
import type { TDb } from '../client';
import { preparedFor } from '../prepared';
import { analyses } from '../schema';
import { mergedFetchState, upsertAnalysisJobs, type TAnalysisJob } from './analysis-jobs.repo';
import { decideDedup, dedupKey, generationOf, mergeFailedJobs, mergePipeline, mergeProject } from './dedup-rule';

export type TAnalysisRow = typeof analyses.$inferSelect;

/** A failure as a trigger (webhook, email, manual) describes it. */
export type TFailureReport = {
  trigger: TTrigger;
  project: TProjectRef;
  pipeline: TPipelineRef;
  failedJobs: TFailedJobRef[];
};

/**
 * A failure as it is stored: the free text a trigger carried (commit and merge request titles,
 * job log tails), shown later by the API and the results page, masked (the intake does it).
 */
export type TRegisterFailureInput = Omit<TFailureReport, 'pipeline' | 'failedJobs'> & {
  pipeline: TPipelineRef & { commit_title?: TMaskedText | null; merge_request?: (TMergeRequestRef & { title: TMaskedText | null }) | null };
  failedJobs: Array<TFailedJobRef & { log_tail?: TMaskedText }>;
};

export type TRegisterFailureOutcome = {
  requestId: string;
  analysisId: number;
  /** true when this call created the analysis (the caller enqueues it). */
  created: boolean;
  status: TAnalysisRow['status'];
};

/** A new analysis row for a failure: generation 1 for a pipeline's first failure. */
export function newAnalysis(input: TRegisterFailureInput, generation: number): typeof analyses.$inferInsert & { requestId: string } {
  return {
    requestId: crypto.randomUUID(),
    dedupKey: dedupKey(input.project.id, input.pipeline.id, generation),
    trigger: input.trigger,
    projectId: input.project.id,
    pipelineId: input.pipeline.id,
    project: input.project,
    pipeline: input.pipeline,
    failedJobs: mergeFailedJobs([], input.failedJobs),
  };
}

/**
 * Applies the dedup rule (see dedup-rule.ts) under a row lock on the pipeline's latest analysis:
 * joins it, answers it as a duplicate, or creates the next generation.
 */
export async function registerFailure(db: TDb, input: TRegisterFailureInput): Promise<TRegisterFailureOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction((tx) => registerUnderLock(tx, input));
    } catch (err) {
      // Two deliveries racing for the same new pipeline: the loser retries and joins the winner.
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

async function registerUnderLock(tx: TDb, input: TRegisterFailureInput): Promise<TRegisterFailureOutcome> {
  const [latest] = await tx
    .select()
    .from(analyses)
    .where(and(eq(analyses.projectId, input.project.id), eq(analyses.pipelineId, input.pipeline.id)))
    .orderBy(desc(analyses.id))
    .limit(1)
    .for('update');
  const decision = decideDedup(latest, input.failedJobs);
  if (latest && decision === 'join') {
    await tx
      .update(analyses)
      .set({
        failedJobs: mergeFailedJobs(latest.failedJobs, input.failedJobs),
        pipeline: mergePipeline(latest.pipeline, input.pipeline),
        project: mergeProject(latest.project, input.project),
        updatedAt: new Date(),
      })
      .where(eq(analyses.id, latest.id));
  }
  if (latest && decision !== 'new_generation')
    return { requestId: latest.requestId, analysisId: latest.id, created: false, status: latest.status };
  const generation = latest ? generationOf(latest.dedupKey) + 1 : 1;
  const [row] = await tx
    .insert(analyses)
    .values(newAnalysis(input, generation))
    .returning({ id: analyses.id, requestId: analyses.requestId, status: analyses.status });
  if (!row) throw new Error('insert returned no row');
  return { requestId: row.requestId, analysisId: row.id, created: true, status: row.status };
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

export async function findAnalysisById(db: TDb, analysisId: number): Promise<TAnalysisRow | undefined> {
  const [row] = await db.select().from(analyses).where(eq(analyses.id, analysisId)).limit(1);
  return row;
}

/** Takes an analysis out of the outbox: its job is in Redis. */
export async function markEnqueued(db: TDb, analysisId: number): Promise<void> {
  await db
    .update(analyses)
    .set({ enqueuedAt: new Date() })
    .where(and(eq(analyses.id, analysisId), isNull(analyses.enqueuedAt)));
}

/** Puts analyses back in the outbox: their job could not be added to Redis after all. */
export async function clearEnqueued(db: TDb, analysisIds: number[]): Promise<void> {
  if (analysisIds.length === 0) return;
  await db.update(analyses).set({ enqueuedAt: null }).where(inArray(analyses.id, analysisIds));
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

const RUNNING = {
  status: 'running',
  startedAt: sql`coalesce(${analyses.startedAt}, now())`,
  attempts: sql`${analyses.attempts} + 1`,
  updatedAt: sql`now()`,
} as const;

export async function markRunning(db: TDb, analysisId: number): Promise<void> {
  await db.update(analyses).set(RUNNING).where(eq(analyses.id, analysisId));
}

const claimStatement = preparedFor((db) =>
  db
    .update(analyses)
    .set(RUNNING)
    .where(and(eq(analyses.requestId, sql.placeholder('requestId')), inArray(analyses.status, ['queued', 'running'])))
    .returning()
    .prepare('claim_analysis'),
);

/**
 * The worker's first write for a job: marks the analysis running (one more attempt) unless it is
 * already finished. `claimed` is false for a finished analysis (returned as stored); undefined
 * means there is no such analysis.
 */
export async function claimAnalysis(db: TDb, requestId: string): Promise<{ row: TAnalysisRow; claimed: boolean } | undefined> {
  const [row] = await claimStatement(db).execute({ requestId });
  if (row) return { row, claimed: true };
  const finished = await findAnalysisByRequestId(db, requestId);
  return finished && { row: finished, claimed: false };
}

export type TAnalysisCompletion = Pick<
  TAnalysisRow,
  'result' | 'provider' | 'model' | 'promptVersion' | 'inputTokens' | 'outputTokens' | 'costUsd' | 'cacheHit' | 'timings'
>;

/** The columns a completed analysis sets (its result and what it cost). */
export function completedValues(done: TAnalysisCompletion) {
  return {
    ...done,
    status: 'completed',
    category: done.result?.category ?? null,
    severity: done.result?.severity ?? null,
    fingerprint: done.result?.fingerprint ?? null,
    error: null,
    completedAt: new Date(),
    updatedAt: new Date(),
  } as const;
}

export async function completeAnalysis(db: TDb, analysisId: number, done: TAnalysisCompletion): Promise<void> {
  await db.update(analyses).set(completedValues(done)).where(eq(analyses.id, analysisId));
}

/**
 * The worker's last write, in one transaction: the result, the fetch steps (merged into
 * fetch_state), the failed jobs with their excerpts and what `also` writes (the jobs'
 * occurrences); what `also` returns replaces those fields of `done` (the result naming the
 * incidents). The worker takes it when an incident is new; otherwise completeAnalysisAtOnce.
 */
export async function completeAnalysisWithJobs(
  db: TDb,
  analysisId: number,
  done: TAnalysisCompletion,
  steps: Record<string, unknown>,
  jobs: readonly TAnalysisJob[],
  also?: (tx: TDb) => Promise<Partial<TAnalysisCompletion> | void>,
): Promise<void> {
  await db.transaction(async (tx) => {
    await upsertAnalysisJobs(tx, analysisId, jobs);
    const patch = (await also?.(tx)) ?? {};
    await tx
      .update(analyses)
      .set({ ...completedValues({ ...done, ...patch }), fetchState: mergedFetchState(steps) })
      .where(eq(analyses.id, analysisId));
  });
}

export async function failAnalysis(db: TDb, analysisId: number, error: { code: string; message: string }): Promise<void> {
  await db
    .update(analyses)
    .set({ status: 'failed', error, completedAt: new Date(), updatedAt: new Date() })
    .where(eq(analyses.id, analysisId));
}

export async function updateAnalysis(db: TDb, analysisId: number, patch: Partial<Omit<TAnalysisRow, 'id'>>): Promise<void> {
  await db
    .update(analyses)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(analyses.id, analysisId));
}
