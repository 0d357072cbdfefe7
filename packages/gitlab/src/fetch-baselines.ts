import type { TGatherScope } from './gather-scope';
import { MR_REF } from './gather-scope';
import { toLogText } from './context-mappers';
import type { TContextJob } from './pipeline-context.types';
import { listJobsStep } from './walk-pipelines';

/**
 * For each failed job, the log of the same job on the last green pipeline before this one: on the
 * same ref first, then the candidate refs given (MR target, default branch). A few calls at most.
 */
export async function attachBaselines(scope: TGatherScope, failedJobs: TContextJob[], refs: Array<string | null | undefined>): Promise<void> {
  const wanted = failedJobs.filter((j) => j.depth === 0 && !j.allow_failure).slice(0, scope.settings.maxBaselineJobs);
  if (wanted.length === 0) return;
  const candidates = [...new Set(refs.filter((r): r is string => !!r && !MR_REF.test(r)))];
  for (const ref of candidates) {
    const green = await scope.run.step(`baseline_pipeline:${ref}`, async () => {
      const list = await scope.client.listPipelines(scope.project, { ref, status: 'success' }, { maxItems: 5 });
      const hit = list.find((p) => p.id < scope.pipelineId) ?? null;
      return { data: hit && { id: hit.id }, count: hit ? 1 : 0 };
    });
    if (!green) continue;
    const jobs = (await listJobsStep(scope, scope.project, scope.projectId, green.id, { scope: ['success'] })) ?? [];
    await Promise.all(
      wanted.map(async (job) => {
        const match = jobs.find((j) => j.name === job.name && j.status === 'success');
        if (!match) return;
        const log = await scope.run.step(`baseline_trace:${match.id}`, async () => {
          const trace = await scope.client.readJobTrace(scope.project, match.id, scope.logLimits);
          return { data: toLogText(trace), bytes: trace.totalBytes, count: trace.totalLines, truncated: trace.truncated };
        });
        if (log) job.baseline = { job_id: match.id, pipeline_id: green.id, web_url: match.web_url, log };
      }),
    );
    return;
  }
}
