import { logFromTrigger, summarizeKnownJob } from './job-summaries';
import type { TFetchInput, TPipelineContext } from './pipeline-context.types';

/**
 * The context when GitLab is not asked (no API token, or auto-fetch off): only what the trigger
 * carried — the webhook's job list, or the log tails of a failure email — in the same shape
 * fetchPipelineContext returns, so everything after it runs unchanged.
 */
export function contextFromTrigger(input: TFetchInput): TPipelineContext {
  const project = input.known?.project ?? {};
  const pipeline = input.known?.pipeline ?? {};
  const failedJobs = input.known?.failedJobs ?? [];
  const projectId = input.project.id ?? project.id ?? 0;
  const projectUrl = project.web_url ?? null;
  return {
    project: {
      id: projectId,
      path: input.project.path ?? project.path ?? null,
      name: project.name ?? null,
      web_url: projectUrl,
      default_branch: project.default_branch ?? null,
      ci_config_path: project.ci_config_path ?? null,
      languages: null,
    },
    pipeline: {
      id: input.pipelineId,
      iid: pipeline.iid ?? null,
      ref: pipeline.ref ?? null,
      sha: pipeline.sha ?? null,
      status: pipeline.status ?? 'failed',
      source: pipeline.source ?? null,
      web_url: pipeline.url ?? null,
    },
    commit: pipeline.sha
      ? {
          sha: pipeline.sha,
          title: pipeline.commit_title ?? null,
          message: null,
          author_name: pipeline.commit_author ?? null,
          author_email: null,
        }
      : null,
    merge_request: null,
    ci_config: null,
    failed_jobs: failedJobs.map((job) => ({
      ...summarizeKnownJob(job, projectId, input.pipelineId, projectUrl),
      depth: 0,
      via_bridge: null,
      log: logFromTrigger(job.log_tail),
      definition: null,
      baseline: null,
      report_files: [],
    })),
    skipped_failed_jobs: [],
    all_jobs: null,
    downstream_pipelines: [],
    test_report: null,
    steps: [{ step: 'trigger', ok: true, bytes: 0, count: failedJobs.length, ms: 0, source: 'trigger' }],
    state: {},
  };
}
