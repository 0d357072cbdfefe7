import { encodeArtifactPath } from '../artifact-path';
import type { TBoundedText, TBoundedTextLimits } from '../bounded-text';
import { GitLabError } from '../gitlab.errors';
import { orNullIfMissing, type GitLabHttp } from '../gitlab.http';
import { encodeProject, type TProjectKey } from '../gitlab.options';
import { ZGlJob } from '../gitlab.types';

export type TTrace = TBoundedText;

export function jobsApi(http: GitLabHttp) {
  const jobs = (project: TProjectKey) => `/projects/${encodeProject(project)}/jobs`;
  return {
    getJob: (project: TProjectKey, jobId: number) => http.request('get', `${jobs(project)}/${jobId}`, ZGlJob),

    /** The raw job log (GitLab sends it whole, no ranges), streamed and cut to the limits and read budget. */
    readJobTrace: (project: TProjectKey, jobId: number, limits: TBoundedTextLimits): Promise<TTrace> =>
      http.readText(`${jobs(project)}/${jobId}/trace`, limits),

    /**
     * One file out of a job's artifacts archive; null when the job has no such file. The path comes
     * from a CI config anyone with push rights writes: `..` or an absolute path is refused, never sent.
     */
    readJobArtifactFile: (project: TProjectKey, jobId: number, artifactPath: string, limits: TBoundedTextLimits) => {
      const base = `${jobs(project)}/${jobId}/artifacts`;
      const encoded = encodeArtifactPath(artifactPath);
      if (encoded === undefined) {
        return Promise.reject(
          new GitLabError({
            code: 'client_error',
            method: 'GET',
            endpoint: `${base}/*`,
            status: null,
            detail: 'artifact path outside the archive (absolute or with ..)',
          }),
        );
      }
      return orNullIfMissing(() => http.readText(`${base}/${encoded}`, limits));
    },
  };
}
