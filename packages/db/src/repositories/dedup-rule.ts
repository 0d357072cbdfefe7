import type { TFailedJobRef, TPipelineRef, TProjectRef } from '@cia/contracts';

/**
 * The dedup rule of the README ("One analysis per failure"), as pure functions: every trigger
 * about one pipeline joins the pipeline's latest analysis while it is queued or running, and is a
 * duplicate of it once finished unless a job name failed that the finished analysis did not
 * cover; only then a new analysis (the next "generation") starts.
 */
export type TDedupDecision = 'join' | 'duplicate' | 'new_generation';

export type TLatestAnalysis = { status: 'queued' | 'running' | 'completed' | 'failed'; failedJobs: TFailedJobRef[] };

export function decideDedup(latest: TLatestAnalysis | undefined, incoming: TFailedJobRef[]): TDedupDecision {
  if (!latest) return 'new_generation';
  if (latest.status === 'queued' || latest.status === 'running') return 'join';
  const covered = new Set(latest.failedJobs.map((j) => j.name));
  return incoming.some((j) => !covered.has(j.name)) ? 'new_generation' : 'duplicate';
}

/** The identity of one generation of a pipeline's analysis (unique in the database). */
export function dedupKey(projectId: number, pipelineId: number, generation: number): string {
  return `${projectId}:${pipelineId}#${generation}`;
}

export function generationOf(key: string): number {
  return Number(key.split('#')[1] ?? '1');
}

/** Keeps one entry per job name, the newest job id winning (a retried job gets a new id). */
export function mergeFailedJobs(current: TFailedJobRef[], incoming: TFailedJobRef[]): TFailedJobRef[] {
  const byName = new Map<string, TFailedJobRef>();
  for (const job of [...current, ...incoming]) {
    const seen = byName.get(job.name);
    if (!seen || job.id >= seen.id) byName.set(job.name, { ...seen, ...job, log_tail: job.log_tail ?? seen?.log_tail });
  }
  return [...byName.values()].sort((a, b) => a.id - b.id);
}

/** What a joining trigger knows overrides what was stored; what it does not know (null) keeps the stored value. */
export function mergePipeline(current: TPipelineRef, incoming: TPipelineRef): TPipelineRef {
  return { ...current, ...withoutNulls(incoming) };
}

export function mergeProject(current: TProjectRef, incoming: TProjectRef): TProjectRef {
  return { ...current, ...withoutNulls(incoming) };
}

function withoutNulls<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
