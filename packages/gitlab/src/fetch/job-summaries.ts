import { toFailedJob, type TJobFacts } from '@cia/contracts';
import type { TBoundedText } from '../bounded-text';
import type { TGlJob } from '../gitlab.types';
import type { TJobSummary, TLogText } from './pipeline-context.types';

/** Jobs and their logs as kept in the context and in the fetch state, from GitLab's answers or the trigger's. */

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
  return {
    source: 'trigger',
    text: tail,
    total_bytes: bytes,
    total_lines: lines,
    kept_bytes: bytes,
    kept_lines: lines,
    truncated: false,
    omitted_lines: 0,
  };
}

/** A job as GitLab's REST API answers it: the one mapping of the wire shape. */
export function summarizeJob(job: TGlJob, fallbackProjectId: number, fallbackPipelineId: number): TJobSummary {
  return {
    ...toFailedJob(job, { pipeline_id: job.pipeline?.id ?? fallbackPipelineId, project_id: job.pipeline?.project_id ?? fallbackProjectId }),
    artifacts: (job.artifacts ?? []).map((a) => ({ file_type: a.file_type, filename: a.filename ?? null, size: a.size ?? null })),
  };
}

/**
 * A job the trigger described (a failed job it named, or any job of a Pipeline Hook's list). A
 * hook does not say which artifacts a job uploaded (the CI config decides, see config-scope.ts);
 * without its URL, GitLab's job page is under the project's web URL.
 */
export function summarizeKnownJob(job: TJobFacts, projectId: number, pipelineId: number, projectWebUrl: string | null = null): TJobSummary {
  const web_url = job.web_url ?? (projectWebUrl ? `${projectWebUrl}/-/jobs/${job.id}` : null);
  return { ...toFailedJob({ ...job, web_url }, { pipeline_id: pipelineId, project_id: projectId }), artifacts: [] };
}
