import { sql } from 'drizzle-orm';
import type { TDb } from '../client';
import { rowsOf } from '../migrate';
import type { webhookDeliveries } from '../schema';
import { newAnalysis, type TRegisterFailureInput } from './analyses.repo';

/** What to record about the delivery that carried the failure, written with the analysis. */
export type TDeliveryRecord = Omit<typeof webhookDeliveries.$inferInsert, 'outcome' | 'requestId' | 'reason' | 'id'>;

export type TFirstFailure = { input: TRegisterFailureInput; delivery?: TDeliveryRecord };
export type TFirstAnalysis = { analysisId: number; requestId: string };

export type TInsertOptions = {
  /**
   * Write the analyses already marked enqueued: the caller adds the jobs to Redis right after the
   * commit and puts the analyses back in the outbox (clearEnqueued) when that fails. Redis nearly
   * always takes the job, so this spares a second write of every row.
   */
  presumeEnqueued?: boolean;
};

/**
 * The common case of intake: the first failure of each pipeline (generation 1), with the delivery
 * that carried it, for a whole batch in ONE statement (one commit). An item gets undefined when
 * its pipeline already has an analysis (or an earlier item of the batch took it): the caller then
 * applies the full dedup rule (registerFailure) and records that delivery itself.
 *
 * Plain SQL rather than Drizzle's insert builder: the batch travels as one jsonb parameter read
 * by jsonb_to_recordset, and both inserts run in one statement. Building the same two multi-row
 * inserts (every column of every row) with the query builder, in a transaction, cost ingest
 * several times the CPU of this statement per webhook.
 */
export async function insertFirstAnalyses(
  db: TDb,
  items: TFirstFailure[],
  options: TInsertOptions = {},
): Promise<(TFirstAnalysis | undefined)[]> {
  if (items.length === 0) return [];
  const batch = items.map(({ input, delivery }) => {
    const a = newAnalysis(input, 1);
    return {
      request_id: a.requestId,
      dedup_key: a.dedupKey,
      trigger: a.trigger,
      project_id: a.projectId,
      pipeline_id: a.pipelineId,
      project: a.project,
      pipeline: a.pipeline,
      failed_jobs: a.failedJobs,
      has_delivery: delivery !== undefined,
      idempotency_key: delivery?.idempotencyKey ?? null,
      event_type: delivery?.eventType ?? null,
      object_kind: delivery?.objectKind ?? null,
      d_project_id: delivery?.projectId ?? null,
      d_pipeline_id: delivery?.pipelineId ?? null,
      headers: delivery?.headers ?? null,
      body: delivery?.body ?? null,
    };
  });
  const enqueuedAt = options.presumeEnqueued ? sql`now()` : sql`null`;
  const result = await db.execute(sql`
    with batch as (
      select * from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as t(
        request_id text, dedup_key text, trigger text, project_id bigint, pipeline_id bigint,
        project jsonb, pipeline jsonb, failed_jobs jsonb, has_delivery boolean, idempotency_key text, event_type text,
        object_kind text, d_project_id bigint, d_pipeline_id bigint, headers jsonb, body text)
    ),
    created as (
      insert into analyses (request_id, dedup_key, trigger, project_id, pipeline_id, project, pipeline, failed_jobs, enqueued_at)
      select request_id, dedup_key, trigger, project_id, pipeline_id, project, pipeline, failed_jobs, ${enqueuedAt} from batch
      on conflict (dedup_key) do nothing
      returning id, request_id
    ),
    recorded as (
      insert into webhook_deliveries (idempotency_key, event_type, object_kind, project_id, pipeline_id, headers, body, outcome, request_id)
      select b.idempotency_key, b.event_type, b.object_kind, b.d_project_id, b.d_pipeline_id, b.headers, b.body, 'accepted', c.request_id
      from batch b join created c using (request_id)
      where b.has_delivery
      on conflict (idempotency_key) do nothing
    )
    select id, request_id from created`);
  const created = new Map(rowsOf<{ id: number | string; request_id: string }>(result).map((r) => [r.request_id, Number(r.id)]));
  return batch.map(({ request_id: requestId }) => {
    const analysisId = created.get(requestId);
    return analysisId === undefined ? undefined : { analysisId, requestId };
  });
}
