import { secretValuesOf } from '@cia/config';
import type { TAnalysisRow } from '@cia/db';
import { createHistoryFetch, type THistoryFetch, type TPipelineContext } from '@cia/gitlab';
import { maskerFor } from '@cia/log-intel';
import type { TPipelineDeps } from './pipeline-deps';

const MB = 1024 * 1024;

/** Where a failed pipeline ran and what its jobs are compared with; shared by its jobs' verdicts. */
export type TVerdictScope = {
  projectId: number;
  pipelineId: number;
  /** The branch the pipeline ran on (a merge request's source branch, never `refs/merge-requests/…`). */
  ref: string | null;
  sha: string | null;
  mergeRequestIid: number | null;
  defaultBranch: string | null;
  /** A merge request's target branch, else the default branch. */
  targetBranch: string | null;
  onDefaultBranch: boolean;
  /** Absent without a GitLab token or log fetching: verdicts then rest on our own history. */
  history?: THistoryFetch;
};

/**
 * The scope of one analysis's verdicts, from the stored trigger (its canonical ref and merge
 * request) and what the fetch step learned (default branch, target branch, commit).
 */
export function verdictScopeOf(
  deps: Pick<TPipelineDeps, 'config' | 'gitlab' | 'gitlabCache' | 'logger'>,
  row: TAnalysisRow,
  ctx: TPipelineContext,
): TVerdictScope {
  const projectId = ctx.project.id ?? row.projectId;
  const mergeRequestIid = row.pipeline.merge_request_iid ?? ctx.merge_request?.iid ?? null;
  const defaultBranch = ctx.project.default_branch ?? row.project.default_branch ?? null;
  const ref = row.pipeline.ref ?? ctx.merge_request?.source_branch ?? ctx.pipeline.ref;
  const targetBranch =
    mergeRequestIid !== null
      ? (ctx.merge_request?.target_branch ?? row.pipeline.merge_request?.target_branch ?? defaultBranch)
      : defaultBranch;
  const { config } = deps;
  const history =
    deps.gitlab && config.GITLAB_AUTO_FETCH_LOGS && config.VERDICT_MAX_GITLAB_REQUESTS > 0
      ? createHistoryFetch(deps.gitlab, {
          project: projectId,
          projectId,
          cache: deps.gitlabCache,
          maxRequests: config.VERDICT_MAX_GITLAB_REQUESTS,
          pipelineListTtlMs: config.VERDICT_BRANCH_CACHE_SECONDS * 1000,
          // Commit titles end up in headlines, notes and the API: masked like every text the fetch step reads.
          mask: maskerFor(secretValuesOf(config)),
          logLimits: {
            maxBytes: config.GITLAB_MAX_LOG_SIZE_MB * MB,
            maxLines: config.GITLAB_LOG_LINES_LIMIT,
            maxReadBytes: config.GITLAB_MAX_LOG_READ_MB * MB,
            maxReadMs: config.GITLAB_LOG_READ_TIMEOUT_S * 1000,
          },
          onError: (what, err) => deps.logger.warn('verdict history request failed', { what, err: (err as Error).message }),
        })
      : undefined;
  return {
    projectId,
    pipelineId: row.pipelineId,
    ref,
    sha: ctx.pipeline.sha ?? row.pipeline.sha,
    mergeRequestIid,
    defaultBranch,
    targetBranch,
    onDefaultBranch: mergeRequestIid === null && ref !== null && ref === defaultBranch,
    history,
  };
}
