import { isGitLabError, type GitLabClient, type TGlPipeline } from '@cia/gitlab';
import type { TNoteTarget } from './note-marker';

const MR_REF = /^refs\/merge-requests\/(\d+)\/(?:head|merge|train)$/;
/**
 * Sources of pipelines that run for a branch push (or its manual, API or upstream re-runs).
 * Tags, schedules and the rest are not a merge request's business, even when an open merge
 * request contains their commit.
 */
const BRANCH_SOURCES = new Set(['push', 'web', 'api', 'trigger', 'pipeline', 'chat', 'webide']);

/** The pipeline as GitLab knows it; what a trigger said about its ref or merge request is not proof. */
export type TConfirmedPipeline = Pick<TGlPipeline, 'id' | 'ref' | 'sha' | 'source' | 'tag'>;

/**
 * The merge requests a pipeline belongs to: the one a merge request pipeline ran for (its ref
 * names it), or the open merge requests whose source branch a branch pipeline ran on and that
 * contain its commit (newest first). None for tag, scheduled and other pipelines.
 */
export async function pipelineMergeRequests(gitlab: GitLabClient, projectId: number, pipeline: TConfirmedPipeline): Promise<number[]> {
  const fromRef = MR_REF.exec(pipeline.ref ?? '');
  if (fromRef) return [Number(fromRef[1])];
  if (pipeline.tag || !pipeline.ref || !pipeline.sha || !BRANCH_SOURCES.has(pipeline.source ?? 'push')) return [];
  const mrs = await gitlab.listCommitMergeRequests(projectId, pipeline.sha);
  return mrs
    .filter((mr) => mr.state === 'opened' && mr.source_branch === pipeline.ref && (mr.project_id ?? projectId) === projectId)
    .map((mr) => mr.iid)
    .sort((a, b) => b - a);
}

/** The pipeline's merge request, else its commit; undefined when GitLab gives no sha. */
export async function resolveNoteTarget(
  gitlab: GitLabClient,
  projectId: number,
  pipeline: TConfirmedPipeline,
): Promise<TNoteTarget | undefined> {
  const [newest] = await pipelineMergeRequests(gitlab, projectId, pipeline);
  if (newest !== undefined) return { kind: 'mr', iid: newest };
  return pipeline.sha ? { kind: 'commit', sha: pipeline.sha } : undefined;
}

/** The pipeline from the API; null when GitLab does not know it (deleted, or never existed). */
export async function confirmPipeline(gitlab: GitLabClient, projectId: number, pipelineId: number): Promise<TConfirmedPipeline | null> {
  try {
    return await gitlab.getPipeline(projectId, pipelineId);
  } catch (err) {
    if (isGitLabError(err) && err.code === 'not_found') return null;
    throw err;
  }
}
