import { z } from 'zod';
import type { GitLabHttp } from '../gitlab.http';
import { encodeProject, type TProjectKey } from '../gitlab.options';
import { ZGlJob, ZGlPipeline } from '../gitlab.types';

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

export function historyApi(http: GitLabHttp) {
  const project = (key: TProjectKey) => `/projects/${encodeProject(key)}`;
  return {
    /** A project's pipelines, newest first: of a branch (`ref`) or of a commit (`sha`). */
    listPipelinesOf: (key: TProjectKey, filter: { ref?: string; sha?: string; scope?: TPipelineScope }, maxItems: number) =>
      http.paginate(
        `${project(key)}/pipelines`,
        ZGlPipeline,
        { ref: filter.ref, sha: filter.sha, scope: filter.scope, order_by: 'id', sort: 'desc' },
        { maxItems },
      ),

    /** The commits reachable from `to` and not from `from` (their merge base), with the files changed. */
    compareCommits: (key: TProjectKey, from: string, to: string) =>
      http.request('get', `${project(key)}/repository/compare`, ZGlCompare, { params: { from, to, straight: false } }),

    /** The files one commit changed. */
    listCommitDiffs: (key: TProjectKey, sha: string, maxItems = 100) =>
      http.paginate(`${project(key)}/repository/commits/${encodeURIComponent(sha)}/diff`, ZGlDiff, {}, { maxItems }),

    /** Runs a job again (same commit): GitLab answers with the new job, `pending`. */
    retryJob: (key: TProjectKey, jobId: number) => http.request('post', `${project(key)}/jobs/${jobId}/retry`, ZGlJob),
  };
}
