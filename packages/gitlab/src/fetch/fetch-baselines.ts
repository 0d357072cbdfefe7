import { MERGE_REQUEST_REF } from '@cia/contracts';
import { FETCH_CACHE_TTL } from './fetch-cache';
import { listJobsStep } from './fetch-jobs';
import type { TFetchScope } from './fetch-scope';
import { toLogText } from './job-summaries';
import type { TContextJob } from './pipeline-context.types';

/**
 * For each failed job, the log of the same job on the last green pipeline before this one: on the
 * same ref first, then the candidate refs given (MR target, default branch). A few calls at most,
 * fewer when another analysis of the project looked recently: the green pipelines of a ref are
 * shared for FETCH_CACHE_TTL.greenPipelines, a finished pipeline's jobs and logs for longer.
 * Only when logs are read (GITLAB_AUTO_FETCH_LOGS) and the pipeline's own ref is known.
 */
export async function attachBaselines(
  scope: TFetchScope,
  failedJobs: TContextJob[],
  refs: [string | null, ...Array<string | null | undefined>],
): Promise<void> {
  const { settings } = scope;
  if (!settings.autoFetchLogs || !settings.fetchBaseline || !scope.reachable || !refs[0]) return;
  const wanted = failedJobs.filter((j) => j.depth === 0 && !j.allow_failure).slice(0, settings.maxBaselineJobs);
  if (wanted.length === 0) return;
  const candidates = [...new Set(refs.filter((r): r is string => !!r && !MERGE_REQUEST_REF.test(r)))];
  for (const ref of candidates) {
    const greenIds = await scope.run.cached(
      `baseline_pipelines:${ref}`,
      { store: scope.cache, key: `green:${scope.projectId}:${ref}`, ttlMs: FETCH_CACHE_TTL.greenPipelines },
      async () => {
        const list = await scope.client.listPipelines(scope.project, { ref, status: 'success' }, { maxItems: 5 });
        return { data: list.map((p) => p.id), count: list.length };
      },
    );
    const greenId = greenIds?.find((id) => id < scope.pipelineId);
    if (greenId === undefined) continue;
    const green = { id: greenId };
    const jobs =
      (await listJobsStep(scope, scope.project, scope.projectId, green.id, { scope: ['success'], cacheTtlMs: FETCH_CACHE_TTL.finished })) ??
      [];
    await Promise.all(
      wanted.map(async (job) => {
        const match = jobs.find((j) => j.name === job.name && j.status === 'success');
        if (!match) return;
        const log = await scope.run.cached(
          `baseline_trace:${match.id}`,
          { store: scope.cache, key: `trace:${scope.projectId}:${match.id}`, ttlMs: FETCH_CACHE_TTL.finished, bytes: (l) => l.text.length },
          async () => {
            const trace = await scope.client.readJobTrace(scope.project, match.id, scope.logLimits);
            return {
              data: toLogText(trace),
              bytes: trace.totalBytes,
              count: trace.totalLines,
              truncated: trace.truncated,
              readStop: trace.stoppedBy,
            };
          },
        );
        if (log) job.baseline = { job_id: match.id, pipeline_id: green.id, web_url: match.web_url, log };
      }),
    );
    return;
  }
}
