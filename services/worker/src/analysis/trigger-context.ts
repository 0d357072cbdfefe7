import type { TAnalysisRow } from '@cia/db';
import type { TPipelineContext } from '@cia/gitlab';

/**
 * The context when GitLab cannot be asked (no API token, or auto-fetch off): only what the
 * trigger carried — the webhook's job list, or the log tails of a failure email.
 */
export function contextFromTrigger(row: TAnalysisRow, contextLines: number): TPipelineContext {
  const projectUrl = row.project.web_url ?? null;
  return {
    project: {
      id: row.project.id,
      path: row.project.path,
      name: row.project.name ?? null,
      web_url: projectUrl,
      default_branch: row.project.default_branch ?? null,
      ci_config_path: null,
      languages: null,
    },
    pipeline: {
      id: row.pipeline.id,
      iid: row.pipeline.iid ?? null,
      ref: row.pipeline.ref,
      sha: row.pipeline.sha,
      status: row.pipeline.status ?? 'failed',
      source: row.pipeline.source ?? null,
      web_url: row.pipeline.url,
    },
    commit: row.pipeline.sha
      ? { sha: row.pipeline.sha, title: row.pipeline.commit_title ?? null, message: null, author_name: row.pipeline.commit_author ?? null, author_email: null }
      : null,
    merge_request: null,
    ci_config: null,
    failed_jobs: row.failedJobs.map((job) => {
      const text = job.log_tail ?? '';
      const lines = text === '' ? 0 : text.split('\n').length;
      const bytes = Buffer.byteLength(text);
      return {
        id: job.id,
        name: job.name,
        stage: job.stage,
        status: job.status,
        failure_reason: job.failure_reason ?? null,
        allow_failure: job.allow_failure ?? false,
        web_url: job.web_url ?? (projectUrl ? `${projectUrl}/-/jobs/${job.id}` : null),
        duration: null,
        pipeline_id: row.pipelineId,
        project_id: row.projectId,
        artifacts: [],
        depth: 0,
        via_bridge: null,
        log: text ? { source: 'trigger', text, total_bytes: bytes, total_lines: lines, kept_bytes: bytes, kept_lines: lines, truncated: false, omitted_lines: 0 } : null,
        definition: null,
        baseline: null,
        report_files: [],
      };
    }),
    skipped_failed_jobs: [],
    all_jobs: null,
    downstream_pipelines: [],
    test_report: null,
    log_context_lines: contextLines,
    steps: [{ step: 'trigger', ok: true, bytes: 0, count: row.failedJobs.length, ms: 0, source: 'trigger' }],
    state: {},
  };
}
