import { orNullIfMissing, type GitLabHttp } from '../gitlab.http';
import { encodeProject, type TProjectKey } from '../gitlab.options';
import { ZGlBridge, ZGlJob, ZGlPipeline, ZGlTestReport } from '../gitlab.types';

export type TPipelineFilter = { ref?: string; status?: string; sha?: string; orderBy?: 'id' | 'updated_at'; sort?: 'asc' | 'desc' };

export function pipelinesApi(http: GitLabHttp) {
  const pipelines = (project: TProjectKey) => `/projects/${encodeProject(project)}/pipelines`;
  return {
    getPipeline: (project: TProjectKey, pipelineId: number) => http.request('get', `${pipelines(project)}/${pipelineId}`, ZGlPipeline),

    listPipelines: (project: TProjectKey, filter: TPipelineFilter, options: { maxItems?: number } = {}) =>
      http.paginate(
        pipelines(project),
        ZGlPipeline,
        { ref: filter.ref, status: filter.status, sha: filter.sha, order_by: filter.orderBy ?? 'id', sort: filter.sort ?? 'desc' },
        options,
      ),

    listPipelineJobs: (project: TProjectKey, pipelineId: number, options: { includeRetried?: boolean; scope?: string[] } = {}) =>
      http.paginate(`${pipelines(project)}/${pipelineId}/jobs`, ZGlJob, {
        include_retried: options.includeRetried ?? false,
        scope: options.scope,
      }),

    listPipelineBridges: (project: TProjectKey, pipelineId: number) =>
      http.paginate(`${pipelines(project)}/${pipelineId}/bridges`, ZGlBridge),

    getPipelineTestReport: (project: TProjectKey, pipelineId: number) =>
      orNullIfMissing(() => http.request('get', `${pipelines(project)}/${pipelineId}/test_report`, ZGlTestReport)),
  };
}
