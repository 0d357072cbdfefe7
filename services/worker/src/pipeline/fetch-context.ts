import { secretValuesOf } from '@cia/config';
import { saveFetchSteps, type TAnalysisRow } from '@cia/db';
import { maskerFor } from '@cia/log-intel';
import {
  contextFromTrigger,
  createFetchState,
  fetchPipelineContext,
  pickFetchSettings,
  toStoredStep,
  type TFetchState,
  type TFetchStateEntry,
  type TPipelineContext,
} from '@cia/gitlab';
import type { TLogSource } from './log-state';
import type { TPipelineDeps } from './pipeline-deps';

export type TFetched = { ctx: TPipelineContext; steps: Record<string, TFetchStateEntry>; logSource: TLogSource };

/**
 * The fetch step: the pipeline's context from GitLab (fetchPipelineContext), or what the trigger
 * carried when the worker has no token or may not fetch logs; `logSource` says which, so a job
 * without a log says why. Fetch steps are written once, with the analysis's last write (or here
 * when the fetch fails); a retry then skips them. Logs are too big for a jsonb column: a retry
 * reads them again, unless a read budget stopped them (see toStoredStep).
 */
export async function fetchContext(deps: TPipelineDeps, row: TAnalysisRow): Promise<TFetched> {
  const { config } = deps;
  const input = {
    project: { id: row.projectId, path: row.project.path },
    pipelineId: row.pipelineId,
    known: { project: row.project, pipeline: row.pipeline, failedJobs: row.failedJobs },
  };
  const steps = createFetchState();
  if (!deps.gitlab) return { ctx: contextFromTrigger(input), steps, logSource: 'no_token' };
  if (!config.GITLAB_AUTO_FETCH_LOGS) return { ctx: contextFromTrigger(input), steps, logSource: 'auto_fetch_disabled' };
  const mask = maskerFor(secretValuesOf(config));
  try {
    const ctx = await fetchPipelineContext(deps.gitlab, input, pickFetchSettings(config), {
      previous: row.fetchState as TFetchState,
      cache: deps.gitlabCache,
      mask,
      onStep: (key, entry) => {
        steps[key] = toStoredStep(key, entry, mask);
      },
    });
    return { ctx, steps, logSource: 'api' };
  } catch (err) {
    await saveFetchSteps(deps.db, row.id, steps);
    throw err;
  }
}
