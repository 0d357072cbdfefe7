import { secretValuesOf } from '@cia/config';
import type { TAnalysisJob } from '@cia/db';
import type { TPipelineContext } from '@cia/gitlab';
import { excerptLog, type TExcerpt } from '@cia/log-intel';
import type { TPipelineDeps } from './pipeline-deps';

export type TExcerpted = {
  /** Each failed job's excerpt, by job id; a job without a log has none. */
  excerpts: Map<number, TExcerpt>;
  /** The failed jobs as analysis_jobs stores them, their excerpts included. */
  jobs: TAnalysisJob[];
};

/**
 * The excerpt step, masking included: every failed job's log cut to the lines that explain the
 * failure, secrets masked (the patterns and every secret value of the configuration).
 */
export async function excerptJobs(deps: Pick<TPipelineDeps, 'config'>, ctx: TPipelineContext): Promise<TExcerpted> {
  const excerpts = new Map<number, TExcerpt>();
  const jobs: TAnalysisJob[] = [];
  const extraSecrets = secretValuesOf(deps.config);
  for (const job of ctx.failed_jobs) {
    const excerpt = job.log
      ? await excerptLog(job.log.text, {
          maxLines: deps.config.EXCERPT_MAX_LINES,
          maxChars: deps.config.EXCERPT_MAX_CHARS,
          contextLines: deps.config.EXCERPT_CONTEXT_LINES,
          baseline: job.baseline?.log.text,
          extraSecrets,
        })
      : undefined;
    if (excerpt) excerpts.set(job.id, excerpt);
    const { id, name, stage, status, failure_reason, allow_failure, web_url } = job;
    jobs.push({
      id,
      name,
      stage,
      status,
      failure_reason,
      allow_failure,
      web_url,
      excerpt: excerpt?.lines ?? [],
      log_bytes: job.log?.total_bytes ?? null,
      log_truncated: job.log?.truncated ?? false,
    });
  }
  return { excerpts, jobs };
}
