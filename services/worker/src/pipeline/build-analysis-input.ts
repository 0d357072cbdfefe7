import type { TAnalysisInput, TInputFailedJob, TTestFailure } from '@cia/ai';
import { pickFailedJob } from '@cia/contracts';
import type { TAnalysisRow } from '@cia/db';
import { extractGlobalKeywords, parseCiConfig, type TContextJob, type TPipelineContext } from '@cia/gitlab';
import type { TExcerpt } from '@cia/log-intel';
import { logStateOf, type TLogSource } from './log-state';

function testFailuresFor(job: TContextJob, ctx: TPipelineContext, isFirst: boolean): TTestFailure[] | undefined {
  const failures = ctx.test_report?.failures ?? [];
  // GitLab names a test suite after the job that produced it; unclaimed failures go to the first job.
  const suiteNames = new Set(ctx.failed_jobs.map((j) => j.name));
  const mine = failures.filter((f) => f.suite === job.name || (isFirst && !suiteNames.has(f.suite)));
  if (mine.length === 0) return undefined;
  return mine.map((f) => ({
    suite: f.suite,
    name: f.name,
    classname: f.classname,
    status: f.status,
    file: f.file,
    trace: f.stack_trace ?? f.system_output,
  }));
}

/**
 * Maps what the fetch and excerpt steps produced onto the analyzer's input; `logSource` says how
 * logs were read, so a job without one says why.
 */
export function buildAnalysisInput(
  row: TAnalysisRow,
  ctx: TPipelineContext,
  excerpts: Map<number, TExcerpt>,
  logSource: TLogSource = 'api',
): TAnalysisInput {
  const failedJobs: TInputFailedJob[] = ctx.failed_jobs.map((job, i) => ({
    ...pickFailedJob(job),
    definition: job.definition,
    excerpt: excerpts.get(job.id)?.lines ?? [],
    log_truncated: job.log?.truncated ?? false,
    log_state: logStateOf(job, ctx, logSource),
    test_failures: testFailuresFor(job, ctx, i === 0),
  }));
  const failedIds = new Set(ctx.failed_jobs.map((j) => j.id));
  // The fetch step parsed this text already (parses are cached by text): the prompt then sends
  // the job-wide keywords and each failed job's definition instead of the whole file.
  const parsedCi = ctx.ci_config && !ctx.ci_config.truncated ? parseCiConfig(ctx.ci_config.text) : null;
  return {
    project: {
      ...row.project,
      path: ctx.project.path ?? row.project.path,
      name: ctx.project.name ?? row.project.name ?? null,
      web_url: ctx.project.web_url ?? row.project.web_url ?? null,
      default_branch: ctx.project.default_branch ?? row.project.default_branch ?? null,
      languages: ctx.project.languages ?? undefined,
    },
    // Named fields only: the trigger's job list (row.pipeline.jobs) is already in failed_jobs and other_jobs.
    pipeline: {
      id: row.pipeline.id,
      iid: row.pipeline.iid,
      ref: ctx.pipeline.ref ?? row.pipeline.ref,
      sha: ctx.pipeline.sha ?? row.pipeline.sha,
      url: ctx.pipeline.web_url ?? row.pipeline.url,
      status: row.pipeline.status,
      source: ctx.pipeline.source ?? row.pipeline.source ?? null,
      merge_request_iid: row.pipeline.merge_request_iid,
      commit_title: row.pipeline.commit_title,
      commit_author: row.pipeline.commit_author,
    },
    commit: ctx.commit
      ? { sha: ctx.commit.sha, title: ctx.commit.title, message: ctx.commit.message, author_name: ctx.commit.author_name }
      : undefined,
    merge_request: ctx.merge_request
      ? {
          iid: ctx.merge_request.iid,
          title: ctx.merge_request.title,
          source_branch: ctx.merge_request.source_branch,
          target_branch: ctx.merge_request.target_branch,
          web_url: ctx.merge_request.web_url,
        }
      : undefined,
    ci_config: ctx.ci_config?.text,
    ci_config_globals: parsedCi ? extractGlobalKeywords(parsedCi) : undefined,
    failed_jobs: failedJobs,
    other_jobs: ctx.all_jobs?.filter((j) => !failedIds.has(j.id)).map((j) => ({ name: j.name, stage: j.stage, status: j.status })),
    test_summary: ctx.test_report
      ? { total: ctx.test_report.total, failed: ctx.test_report.failed, skipped: ctx.test_report.skipped, errored: ctx.test_report.errors }
      : undefined,
  };
}
