import { z } from 'zod';
import { encodeProject, type GitLabClient, type TProjectKey } from './gitlab.client';
import { ZGlJob, ZGlPipeline } from './gitlab.types';

/**
 * The endpoints verdicts need (doc/api/pipelines.md, repository.md, commits.md, jobs.md): a
 * branch's finished pipelines, what changed between two commits, one commit's files, a job retry.
 */

export const ZGlDiff = z.looseObject({
  old_path: z.string(),
  new_path: z.string(),
  new_file: z.boolean().nullish(),
  renamed_file: z.boolean().nullish(),
  deleted_file: z.boolean().nullish(),
});
export type TGlDiff = z.infer<typeof ZGlDiff>;

const ZGlCompareCommit = z.looseObject({
  id: z.string(),
  short_id: z.string().nullish(),
  title: z.string().nullish(),
  author_name: z.string().nullish(),
  created_at: z.string().nullish(),
});

export const ZGlCompare = z.looseObject({
  /** Oldest first, as GitLab lists them. */
  commits: z.array(ZGlCompareCommit),
  diffs: z.array(ZGlDiff).nullish(),
  compare_timeout: z.boolean().nullish(),
  compare_same_ref: z.boolean().nullish(),
});
export type TGlCompare = z.infer<typeof ZGlCompare>;

/** GitLab's pipeline list scopes (`finished`: success, failed, canceled, skipped). */
export type TPipelineScope = 'running' | 'pending' | 'finished' | 'branches' | 'tags';

/** A project's pipelines, newest first: of a branch (`ref`) or of a commit (`sha`). */
export function listPipelinesOf(client: GitLabClient, project: TProjectKey, filter: { ref?: string; sha?: string; scope?: TPipelineScope }, maxItems: number) {
  const params = { ref: filter.ref, sha: filter.sha, scope: filter.scope, order_by: 'id', sort: 'desc' };
  return client.paginate(`/projects/${encodeProject(project)}/pipelines`, ZGlPipeline, params, { maxItems });
}

/** The commits reachable from `to` and not from `from` (their merge base), with the files changed. */
export function compareCommits(client: GitLabClient, project: TProjectKey, from: string, to: string) {
  return client.request('get', `/projects/${encodeProject(project)}/repository/compare`, ZGlCompare, { params: { from, to, straight: false } });
}

/** The files one commit changed. */
export function listCommitDiffs(client: GitLabClient, project: TProjectKey, sha: string, maxItems = 100) {
  return client.paginate(`/projects/${encodeProject(project)}/repository/commits/${encodeURIComponent(sha)}/diff`, ZGlDiff, {}, { maxItems });
}

/** Runs a job again (same commit): GitLab answers with the new job, `pending`. */
export function retryJob(client: GitLabClient, project: TProjectKey, jobId: number) {
  return client.request('post', `/projects/${encodeProject(project)}/jobs/${jobId}/retry`, ZGlJob);
}
