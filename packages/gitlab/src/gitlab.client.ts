import { historyApi } from './api/history.api';
import { jobsApi } from './api/jobs.api';
import { notesApi } from './api/notes.api';
import { pipelinesApi } from './api/pipelines.api';
import { projectsApi } from './api/projects.api';
import { repositoryApi } from './api/repository.api';
import { GitLabHttp } from './gitlab.http';
import type { TGitLabClientOptions } from './gitlab.options';

export { resolveApiBase, encodeProject, type TGitLabClientOptions, type TGitLabRetryEvent, type TProjectKey } from './gitlab.options';
export type { TTrace } from './api/jobs.api';

/**
 * The GitLab REST client: the endpoints we call, by API area, over one transport (retries, limits,
 * redirect guard, token). `apiBase` / `webBase` say which instance it talks to.
 */
export function createGitLabClient(options: TGitLabClientOptions) {
  const http = new GitLabHttp(options);
  return {
    apiBase: http.apiBase,
    webBase: http.webBase,
    ...projectsApi(http),
    ...pipelinesApi(http),
    ...jobsApi(http),
    ...repositoryApi(http),
    ...notesApi(http),
    ...historyApi(http),
  };
}

export type GitLabClient = ReturnType<typeof createGitLabClient>;
