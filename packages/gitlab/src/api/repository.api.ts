import type { TBoundedTextLimits } from '../bounded-text';
import { orNullIfMissing, type GitLabHttp } from '../gitlab.http';
import { encodeProject, type TProjectKey } from '../gitlab.options';
import { ZGlCommit, ZGlMergeRequest } from '../gitlab.types';

export function repositoryApi(http: GitLabHttp) {
  const repository = (project: TProjectKey) => `/projects/${encodeProject(project)}/repository`;
  return {
    /** Raw file at a ref; null when missing. */
    readRepositoryFile: (project: TProjectKey, filePath: string, ref: string, limits: TBoundedTextLimits) =>
      orNullIfMissing(() => http.readText(`${repository(project)}/files/${encodeURIComponent(filePath)}/raw`, limits, { ref })),

    getCommit: (project: TProjectKey, sha: string) =>
      http.request('get', `${repository(project)}/commits/${encodeURIComponent(sha)}`, ZGlCommit),

    listCommitMergeRequests: (project: TProjectKey, sha: string) =>
      http.paginate(`${repository(project)}/commits/${encodeURIComponent(sha)}/merge_requests`, ZGlMergeRequest, {}, { maxItems: 20 }),

    getMergeRequest: (project: TProjectKey, iid: number) =>
      http.request('get', `/projects/${encodeProject(project)}/merge_requests/${iid}`, ZGlMergeRequest),
  };
}
