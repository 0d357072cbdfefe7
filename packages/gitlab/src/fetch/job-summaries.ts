import type { TFailedJobRef, TMergeRequestRef } from '@cia/contracts';
import type { TBoundedText } from '../bounded-text';
import type { TResolvedFetchSettings } from '../gitlab.settings';
import type { TGlJob, TGlTestReport } from '../gitlab.types';
import type { TJobSummary, TLogText, TPipelineContext, TTestReportSummary } from './pipeline-context.types';

/** Maps GitLab answers to the small JSON kept in the context and in the fetch state. */

export function toLogText(text: TBoundedText): TLogText {
  return {
    source: 'api',
    text: text.text,
    total_bytes: text.totalBytes,
    total_lines: text.totalLines,
    kept_bytes: text.keptBytes,
    kept_lines: text.keptLines,
    truncated: text.truncated,
    omitted_lines: text.omittedLines,
    ...(text.stoppedBy ? { read_stop: text.stoppedBy, read_bytes: text.readBytes, size_known: text.sizeKnown } : {}),
  };
}

export function logFromTrigger(tail: string | undefined): TLogText | null {
  if (!tail) return null;
  const lines = tail.split('\n').length;
  const bytes = Buffer.byteLength(tail);
  return { source: 'trigger', text: tail, total_bytes: bytes, total_lines: lines, kept_bytes: bytes, kept_lines: lines, truncated: false, omitted_lines: 0 };
}

export function summarizeJob(job: TGlJob, fallbackProjectId: number, fallbackPipelineId: number): TJobSummary {
  return {
    id: job.id,
    name: job.name,
    stage: job.stage,
    status: job.status,
    failure_reason: job.failure_reason ?? null,
    allow_failure: job.allow_failure ?? false,
    web_url: job.web_url ?? null,
    duration: job.duration ?? null,
    pipeline_id: job.pipeline?.id ?? fallbackPipelineId,
    project_id: job.pipeline?.project_id ?? fallbackProjectId,
    artifacts: (job.artifacts ?? []).map((a) => ({ file_type: a.file_type, filename: a.filename ?? null, size: a.size ?? null })),
  };
}

/** A job as a trigger described it: a failed job it named, or any job of a Pipeline Hook's list. */
type TTriggerJob = Pick<TFailedJobRef, 'id' | 'name' | 'stage' | 'status' | 'failure_reason' | 'allow_failure' | 'web_url'> & { duration?: number | null };

/**
 * A job the trigger described. A hook does not say which artifacts a job uploaded (the CI config
 * decides, see config-scope.ts); without its URL, GitLab's job page is under the project's web URL.
 */
export function summarizeKnownJob(job: TTriggerJob, projectId: number, pipelineId: number, projectWebUrl: string | null = null): TJobSummary {
  return {
    id: job.id,
    name: job.name,
    stage: job.stage,
    status: job.status,
    failure_reason: job.failure_reason ?? null,
    allow_failure: job.allow_failure ?? false,
    web_url: job.web_url ?? (projectWebUrl ? `${projectWebUrl}/-/jobs/${job.id}` : null),
    duration: job.duration ?? null,
    pipeline_id: pipelineId,
    project_id: projectId,
    artifacts: [],
  };
}

export function summarizeTestReport(report: TGlTestReport, pipelineId: number, settings: TResolvedFetchSettings): TTestReportSummary {
  const failures: TTestReportSummary['failures'] = [];
  for (const suite of report.test_suites ?? []) {
    for (const c of suite.test_cases ?? []) {
      if (c.status !== 'failed' && c.status !== 'error') continue;
      if (failures.length >= settings.maxTestFailures) break;
      const output = Array.isArray(c.system_output) ? c.system_output.join('\n') : (c.system_output ?? null);
      failures.push({
        pipeline_id: pipelineId,
        suite: suite.name,
        name: c.name,
        classname: c.classname ?? null,
        file: c.file ?? null,
        status: c.status,
        stack_trace: c.stack_trace ? c.stack_trace.slice(0, settings.maxStackTraceChars) : null,
        system_output: output ? output.slice(0, settings.maxStackTraceChars) : null,
      });
    }
  }
  return {
    total: report.total_count ?? 0,
    failed: report.failed_count ?? 0,
    errors: report.error_count ?? 0,
    skipped: report.skipped_count ?? 0,
    failures,
  };
}

export function mergeTestReports(reports: TTestReportSummary[], limit: number): TTestReportSummary | null {
  if (reports.length === 0) return null;
  return {
    total: reports.reduce((n, r) => n + r.total, 0),
    failed: reports.reduce((n, r) => n + r.failed, 0),
    errors: reports.reduce((n, r) => n + r.errors, 0),
    skipped: reports.reduce((n, r) => n + r.skipped, 0),
    failures: reports.flatMap((r) => r.failures).slice(0, limit),
  };
}

/** The merge request as the trigger described it (a hook does not name its author); null when it said too little. */
export function mergeRequestFromTrigger(mr: TMergeRequestRef | null | undefined): NonNullable<TPipelineContext['merge_request']> | null {
  if (!mr?.title || !mr.state) return null;
  return { iid: mr.iid, title: mr.title, state: mr.state, web_url: mr.url, source_branch: mr.source_branch, target_branch: mr.target_branch, author: null };
}
