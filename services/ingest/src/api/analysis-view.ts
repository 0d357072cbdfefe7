import type { TAnalysisView } from '@cia/contracts';
import type { TAnalysisRow } from '@cia/db';

/** An analysis row in its public shape (SPEC §2): the API's answer and what the results page shows. */
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
