import type { TPipelineRef } from '@cia/contracts';
import type { GitLabClient } from '@cia/gitlab';
import type { TNoteTarget } from './note-marker';

/**
 * The pipeline's merge request when the trigger named it, else an open merge request containing
 * the commit (branch pipelines of an MR), else the commit itself; undefined without a sha.
 */
export async function resolveNoteTarget(gitlab: GitLabClient, projectId: number, pipeline: Pick<TPipelineRef, 'sha' | 'merge_request_iid'>): Promise<TNoteTarget | undefined> {
  if (pipeline.merge_request_iid) return { kind: 'mr', iid: pipeline.merge_request_iid };
  if (!pipeline.sha) return undefined;
  const open = await findOpenMergeRequests(gitlab, projectId, pipeline.sha);
  const first = open[0];
  return first !== undefined ? { kind: 'mr', iid: first } : { kind: 'commit', sha: pipeline.sha };
}

/** Iids of the open merge requests that contain the commit, newest first. */
export async function findOpenMergeRequests(gitlab: GitLabClient, projectId: number, sha: string): Promise<number[]> {
  const mrs = await gitlab.listCommitMergeRequests(projectId, sha);
  return mrs
    .filter((mr) => mr.state === 'opened')
    .map((mr) => mr.iid)
    .sort((a, b) => b - a);
}
