import crypto from 'node:crypto';
import { and, desc, eq, inArray, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { TAnalysisView, TFailedJobRef, TPipelineRef, TProjectRef, TTrigger } from '@cia/contracts';
import { createAdaptiveBatcher } from '../adaptive-batcher';
import type { TDb } from '../client';
import { analyses, webhookDeliveries } from '../schema';
import { rowsOf } from '../migrate';
import { jobRecord, upsertJobsStatement, type TFetchedJob } from './analysis-jobs.repo';

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

export type TInsertOptions = {
  /**
   * The caller adds the job to Redis right after the commit and calls clearEnqueuedMany when
   * that fails, so the row is written with enqueued_at set: no second write of the row (an
   * update of every index, enqueued_at being in an index predicate) when Redis takes the job.
   */
  presumeEnqueued?: boolean;
};

const dialect = new PgDialect();

/**
 * node-postgres: a named statement, parsed and planned once per pooled connection instead of once
 * per call. Elsewhere (PGlite, a transaction handle) the same text runs as a plain statement.
 */
async function executeNamed<T>(db: TDb, name: string, query: SQL): Promise<T[]> {
  const client = (db as { $client?: { totalCount?: unknown; query(config: object): Promise<{ rows: T[] }> } }).$client;
  if (!client || typeof client.totalCount !== 'number') return rowsOf<T>(await db.execute(query));
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (await client.query({ name, text, values: params })).rows;
}

/**
 * The common case: the first failure of a pipeline creates generation 1 and records its delivery.
 * Many of them go in ONE statement (one commit, one WAL flush), which is what lets ingest accept
 * thousands of webhooks a second. An entry gets undefined when its pipeline already had an
 * analysis (or another entry of the batch won it), leaving the merge rules to registerFailure.
 */
export async function createFirstAnalyses(db: TDb, items: TFirstFailure[], options: TInsertOptions = {}): Promise<(TFirstAnalysis | undefined)[]> {
  if (items.length === 0) return [];
  const requestIds = items.map(() => crypto.randomUUID());
  // Raw bodies travel as ONE bytea parameter (sent as binary: no JSON escaping here, no JSON
  // parsing in PostgreSQL), each item saying where its body is; everything else as ONE json
  // parameter. The statement text never changes, so it is prepared once per connection.
  const bodies: Buffer[] = [];
  let offset = 0;
  const batch = items.map(({ input, delivery: d }, i) => {
    const body = d ? Buffer.from(d.body, 'utf8') : undefined;
    if (body) bodies.push(body);
    const at = offset;
    offset += body?.length ?? 0;
    return {
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
      body_at: at,
      body_bytes: body?.length ?? 0,
    };
  });
  const query = sql`with input as (
        select * from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as t(request_id text, dedup_key text, trigger text,
          project_id bigint, pipeline_id bigint, project jsonb, pipeline jsonb, failed_jobs jsonb, has_delivery boolean,
          idempotency_key text, event_type text, object_kind text, d_project_id bigint, d_pipeline_id bigint, headers jsonb,
          body_at int, body_bytes int)),
      a as (insert into analyses (request_id, dedup_key, trigger, project_id, pipeline_id, project, pipeline, failed_jobs, enqueued_at)
        select request_id, dedup_key, trigger, project_id, pipeline_id, project, pipeline, failed_jobs,
          case when ${options.presumeEnqueued === true}::boolean then now() end from input
        on conflict (dedup_key) do nothing returning id, request_id),
      d as (insert into webhook_deliveries (idempotency_key, event_type, object_kind, project_id, pipeline_id, headers, body, outcome, request_id)
        select i.idempotency_key, i.event_type, i.object_kind, i.d_project_id, i.d_pipeline_id, i.headers,
          convert_from(substring(${Buffer.concat(bodies)}::bytea from i.body_at + 1 for i.body_bytes), 'UTF8'), 'accepted', a.request_id
        from input i join a on a.request_id = i.request_id where i.has_delivery
        on conflict (idempotency_key) do nothing returning id)
    select a.id, a.request_id, (select count(*) from d)::int as recorded from a`;
  const rows = await executeNamed<{ id: number | string; request_id: string }>(db, 'cia_create_first_analyses', query);
  const created = new Map(rows.map((r) => [r.request_id, Number(r.id)]));
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

/** Puts analyses back in the outbox: their job could not be added to Redis after all. */
export async function clearEnqueuedMany(db: TDb, analysisIds: number[]): Promise<void> {
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

export async function markRunning(db: TDb, analysisId: number): Promise<void> {
  await db
    .update(analyses)
    .set({ status: 'running', startedAt: sql`coalesce(${analyses.startedAt}, now())`, attempts: sql`${analyses.attempts} + 1`, updatedAt: new Date() })
    .where(eq(analyses.id, analysisId));
}

/**
 * The worker's first statement for a job: marks the analysis running (one more attempt) unless it
 * is already finished, and returns the row either way. One round trip instead of a read then a
 * write; `claimed` is false for a finished analysis, undefined means no such analysis.
 */
export async function claimAnalysis(db: TDb, requestId: string): Promise<TClaim | undefined> {
  if (!isNodePostgres(db)) return claimOne(db, requestId);
  // Claims asked for in the same turn of the event loop (a worker picking up a burst of jobs) go
  // out as ONE statement: one round trip and one commit instead of one each.
  return perDb(claimBatchers, db, () => createAdaptiveBatcher((ids: string[]) => claimMany(db, ids), EVERY_TURN)).submit(requestId);
}

type TClaim = { row: TAnalysisRow; claimed: boolean };
/** One statement per turn of the event loop, never held back behind statements in flight: the pool bounds connections. */
const EVERY_TURN = { maxInFlight: Infinity, maxBatch: Infinity };
type TBatcher<TItem, TResult> = ReturnType<typeof createAdaptiveBatcher<TItem, TResult>>;
const claimBatchers = new WeakMap<TDb, TBatcher<string, TClaim | undefined>>();

function perDb<T>(cache: WeakMap<TDb, T>, db: TDb, create: () => T): T {
  let value = cache.get(db);
  if (value === undefined) cache.set(db, (value = create()));
  return value;
}

function isNodePostgres(db: TDb): boolean {
  return typeof (db as { $client?: { totalCount?: unknown } }).$client?.totalCount === 'number';
}

async function claimOne(db: TDb, requestId: string): Promise<TClaim | undefined> {
  const [row] = await claimStatement(db).execute({ requestId });
  if (row) return { row, claimed: true };
  const finished = await findAnalysisByRequestId(db, requestId);
  return finished && { row: finished, claimed: false };
}

async function claimMany(db: TDb, requestIds: string[]): Promise<(TClaim | undefined)[]> {
  // The same analysis twice in one batch (two jobs for it): the later claim runs after the batch,
  // so each counts one attempt, as when claimed one after the other.
  const ids = [...new Set(requestIds)];
  const rows = ids.length === 1 ? await claimStatement(db).execute({ requestId: ids[0]! }) : await claimManyStatement(db).execute({ requestIds: ids });
  const claimed = new Map(rows.map((r) => [r.requestId, r]));
  const seen = new Set<string>();
  const results: (TClaim | undefined)[] = [];
  for (const requestId of requestIds) {
    const row = claimed.get(requestId);
    if (seen.has(requestId)) results.push(await claimOne(db, requestId));
    else if (row) results.push({ row, claimed: true });
    else results.push(await findAnalysisByRequestId(db, requestId).then((finished) => finished && { row: finished, claimed: false }));
    seen.add(requestId);
  }
  return results;
}

const claimManyStatements = new WeakMap<TDb, ReturnType<typeof prepareClaimMany>>();
function prepareClaimMany(db: TDb) {
  return db
    .update(analyses)
    .set({ status: 'running', startedAt: sql`coalesce(${analyses.startedAt}, now())`, attempts: sql`${analyses.attempts} + 1`, updatedAt: sql`now()` })
    .where(and(sql`${analyses.requestId} = any(${sql.placeholder('requestIds')}::text[])`, inArray(analyses.status, ['queued', 'running'])))
    .returning()
    .prepare('cia_claim_analyses');
}
function claimManyStatement(db: TDb): ReturnType<typeof prepareClaimMany> {
  let statement = claimManyStatements.get(db);
  if (!statement) claimManyStatements.set(db, (statement = prepareClaimMany(db)));
  return statement;
}

/** Built and prepared once per database handle: it runs once per job, the hottest statement of the worker. */
const claimStatements = new WeakMap<TDb, ReturnType<typeof prepareClaim>>();
function prepareClaim(db: TDb) {
  return db
    .update(analyses)
    .set({ status: 'running', startedAt: sql`coalesce(${analyses.startedAt}, now())`, attempts: sql`${analyses.attempts} + 1`, updatedAt: sql`now()` })
    .where(and(eq(analyses.requestId, sql.placeholder('requestId')), inArray(analyses.status, ['queued', 'running'])))
    .returning()
    .prepare('cia_claim_analysis');
}
function claimStatement(db: TDb): ReturnType<typeof prepareClaim> {
  let statement = claimStatements.get(db);
  if (!statement) claimStatements.set(db, (statement = prepareClaim(db)));
  return statement;
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

/**
 * completeAnalysis together with what the fetch and excerpt steps produced (fetch steps into
 * fetch_state, failed jobs with their excerpts), in ONE statement: the worker's last write.
 */
export async function completeAnalysisWithJobs(db: TDb, analysisId: number, done: TAnalysisCompletion, steps: Record<string, unknown>, jobs: TFetchedJob[]): Promise<void> {
  if (!isNodePostgres(db)) return completeOne(db, analysisId, done, steps, jobs);
  // Completions in the same turn of the event loop (a wave of answers) are stored by ONE statement.
  const error = await perDb(completionBatchers, db, () => createAdaptiveBatcher((items: TCompletionItem[]) => completeMany(db, items), EVERY_TURN)).submit({ analysisId, done, steps, jobs });
  if (error !== undefined) throw error;
}

type TCompletionItem = { analysisId: number; done: TAnalysisCompletion; steps: Record<string, unknown>; jobs: TFetchedJob[] };
/** Each completion's own error (undefined when stored), so one bad entry fails alone. */
const completionBatchers = new WeakMap<TDb, TBatcher<TCompletionItem, unknown>>();

async function completeMany(db: TDb, batch: TCompletionItem[]): Promise<unknown[]> {
  const one = (item: TCompletionItem) => completeOne(db, item.analysisId, item.done, item.steps, item.jobs).then(() => undefined, (err: unknown) => err);
  // The same analysis twice (a job upsert may not touch a row twice in one statement): the later one runs after.
  const seen = new Set<number>();
  const first = batch.filter((item) => !seen.has(item.analysisId) && seen.add(item.analysisId));
  const results = new Map<TCompletionItem, unknown>();
  if (first.length === 1) results.set(first[0]!, await one(first[0]!));
  else {
    try {
      await executeNamed(db, 'cia_complete_analyses', completeManyStatement(first));
      for (const item of first) results.set(item, undefined);
    } catch {
      // The statement is all or nothing: each on its own, so one bad entry fails alone.
      await Promise.all(first.map(async (item) => results.set(item, await one(item))));
    }
  }
  for (const item of batch) if (!results.has(item)) results.set(item, await one(item));
  return batch.map((item) => results.get(item));
}

/** Several completions (analyses, their fetch steps and failed jobs) as one statement of fixed text. */
function completeManyStatement(items: TCompletionItem[]): SQL {
  const analysesInput = items.map(({ analysisId, done, steps }) => ({
    id: analysisId,
    result: done.result ?? null,
    category: done.result?.category ?? null,
    severity: done.result?.severity ?? null,
    fingerprint: done.result?.fingerprint ?? null,
    provider: done.provider,
    model: done.model,
    prompt_version: done.promptVersion,
    input_tokens: done.inputTokens,
    output_tokens: done.outputTokens,
    cost_usd: done.costUsd,
    cache_hit: done.cacheHit,
    timings: done.timings ?? null,
    steps,
  }));
  const jobsInput = items.flatMap(({ analysisId, jobs }) => jobs.map((j) => jobRecord(analysisId, j)));
  return sql`with input as (
      select * from jsonb_to_recordset(${JSON.stringify(analysesInput)}::jsonb) as t(id bigint, result jsonb, category text, severity text,
        fingerprint text, provider text, model text, prompt_version text, input_tokens integer, output_tokens integer,
        cost_usd double precision, cache_hit boolean, timings jsonb, steps jsonb)),
    j as (${upsertJobsStatement(jobsInput)})
    update analyses a set status = 'completed', result = i.result, category = i.category, severity = i.severity,
      fingerprint = i.fingerprint, provider = i.provider, model = i.model, prompt_version = i.prompt_version,
      input_tokens = i.input_tokens, output_tokens = i.output_tokens, cost_usd = i.cost_usd, cache_hit = i.cache_hit,
      timings = i.timings, error = null, fetch_state = a.fetch_state || i.steps, completed_at = now(), updated_at = now()
    from input i where a.id = i.id`;
}

async function completeOne(db: TDb, analysisId: number, done: TAnalysisCompletion, steps: Record<string, unknown>, jobs: TFetchedJob[]): Promise<void> {
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  // Every value is a parameter (the jobs are one jsonb), so the text never changes: prepared once per connection.
  await executeNamed(db, 'cia_complete_analysis', sql`with j as (${upsertJobsStatement(jobs.map((j) => jobRecord(analysisId, j)))})
    update analyses set status = 'completed', result = ${json(done.result)}::jsonb, category = ${done.result?.category ?? null},
      severity = ${done.result?.severity ?? null}, fingerprint = ${done.result?.fingerprint ?? null}, provider = ${done.provider},
      model = ${done.model}, prompt_version = ${done.promptVersion}, input_tokens = ${done.inputTokens}, output_tokens = ${done.outputTokens},
      cost_usd = ${done.costUsd}, cache_hit = ${done.cacheHit}, timings = ${json(done.timings)}::jsonb, error = null,
      fetch_state = fetch_state || ${JSON.stringify(steps)}::jsonb, completed_at = now(), updated_at = now()
    where id = ${analysisId}`);
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
  // The trigger's job list is working data for the fetch (like a job's log tail), not part of the answer.
  const { jobs: _jobs, ...pipeline } = row.pipeline;
  return {
    request_id: row.requestId,
    status: row.status,
    trigger: row.trigger,
    project: row.project,
    pipeline,
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
