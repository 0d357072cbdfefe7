import { AnalysisFailedError, analyzePipeline, type TAnalysisOutcome, type TProviderAttempt, type TProviderName } from '@cia/ai';
import type { TConfig } from '@cia/config';
import { completeAnalysis, markRunning, saveFetchStep, saveFetchSteps, upsertAnalysisJob, type TAnalysisRow, type TDb } from '@cia/db';
import { contextFromTrigger, gatherPipelineContext, pickFetchSettings, type GitLabClient, type TFetchState, type TFetchStateEntry, type TPipelineContext } from '@cia/gitlab';
import { excerptLog, type TExcerpt } from '@cia/log-intel';
import type { TLogger } from '@cia/logger';
import { buildAnalysisInput } from './build-analysis-input';

export type TRunDeps = {
  db: TDb;
  logger: TLogger;
  config: TConfig;
  /** Absent when no GITLAB_API_TOKEN is set: the analysis uses what the trigger carried. */
  gitlab?: GitLabClient;
  /** SDK clients built once per worker process and reused. */
  providers?: Parameters<typeof analyzePipeline>[1]['providers'];
};

export type TRunOutcome = { provider: TProviderName | 'cache'; category: string; cacheHit: boolean };

const LOG_STEP = /^(baseline_)?trace/;

/** Failed provider calls, kept on the analysis for the provider-error metrics. */
async function recordProviderErrors(deps: TRunDeps, analysisId: number, attempts: TProviderAttempt[]): Promise<void> {
  const failed = attempts.filter((a) => !a.ok).map((a) => ({ provider: a.provider, code: a.reason ?? 'unknown' }));
  if (failed.length === 0) return;
  deps.logger.warn('provider attempts failed', { attempts: failed });
  await saveFetchStep(deps.db, analysisId, 'provider_errors', failed);
}

async function gather(deps: TRunDeps, row: TAnalysisRow): Promise<TPipelineContext> {
  const { config } = deps;
  const input = { project: { id: row.projectId, path: row.project.path }, pipelineId: row.pipelineId, known: { project: row.project, pipeline: row.pipeline, failedJobs: row.failedJobs } };
  if (!deps.gitlab || !config.GITLAB_AUTO_FETCH_LOGS) return contextFromTrigger(input, config.GITLAB_LOG_CONTEXT_LINES);
  // Steps are saved together once the fetch ends (or fails), one write instead of one per step;
  // a retry then skips them. Logs are too big for a jsonb column: a retry reads them again.
  const steps: Record<string, TFetchStateEntry> = {};
  try {
    return await gatherPipelineContext(deps.gitlab, input, pickFetchSettings(config), {
      previous: row.fetchState as TFetchState,
      onStep: (key, entry) => {
        steps[key] = LOG_STEP.test(key) ? { record: entry.record } : entry;
      },
    });
  } finally {
    await saveFetchSteps(deps.db, row.id, steps);
  }
}

async function excerptJobs(deps: TRunDeps, row: TAnalysisRow, ctx: TPipelineContext): Promise<Map<number, TExcerpt>> {
  const excerpts = new Map<number, TExcerpt>();
  for (const job of ctx.failed_jobs) {
    const excerpt = job.log
      ? await excerptLog(job.log.text, {
          maxLines: deps.config.EXCERPT_MAX_LINES,
          maxChars: deps.config.EXCERPT_MAX_CHARS,
          contextLines: ctx.log_context_lines,
          baseline: job.baseline?.log.text,
        })
      : undefined;
    if (excerpt) excerpts.set(job.id, excerpt);
    await upsertAnalysisJob(deps.db, {
      analysisId: row.id,
      jobId: job.id,
      name: job.name,
      stage: job.stage,
      status: job.status,
      failureReason: job.failure_reason,
      allowFailure: job.allow_failure,
      webUrl: job.web_url,
      excerpt: excerpt?.lines ?? [],
      logBytes: job.log?.total_bytes ?? null,
      logTruncated: job.log?.truncated ?? false,
    });
  }
  return excerpts;
}

/** fetch → excerpt + mask → analyze (rules, cache or AI) → persist, for one analysis row. */
export async function runAnalysis(deps: TRunDeps, row: TAnalysisRow): Promise<TRunOutcome> {
  const started = Date.now();
  await markRunning(deps.db, row.id);
  const ctx = await gather(deps, row);
  const fetched = Date.now();
  const excerpts = await excerptJobs(deps, row, ctx);
  const excerpted = Date.now();
  let outcome: TAnalysisOutcome;
  try {
    outcome = await analyzePipeline(buildAnalysisInput(row, ctx, excerpts), {
      settings: deps.config,
      db: deps.db,
      analysisId: row.id,
      secretValues: deps.config.GITLAB_API_TOKEN ? [deps.config.GITLAB_API_TOKEN] : [],
      providers: deps.providers,
    });
  } catch (err) {
    if (err instanceof AnalysisFailedError) await recordProviderErrors(deps, row.id, err.attempts);
    throw err;
  }
  const analyzed = Date.now();
  await recordProviderErrors(deps, row.id, outcome.attempts);
  await completeAnalysis(deps.db, row.id, {
    result: outcome.result,
    provider: outcome.provider,
    model: outcome.model,
    promptVersion: outcome.promptVersion,
    inputTokens: outcome.usage.inputTokens,
    outputTokens: outcome.usage.outputTokens,
    costUsd: outcome.usage.costUsd,
    cacheHit: outcome.cacheHit,
    timings: {
      queue_wait_ms: Math.max(0, started - row.createdAt.getTime()),
      fetch_ms: fetched - started,
      excerpt_ms: excerpted - fetched,
      analyze_ms: analyzed - excerpted,
      total_ms: Date.now() - started,
      end_to_end_ms: Date.now() - row.createdAt.getTime(),
    },
  });
  return { provider: outcome.provider, category: outcome.result.category, cacheHit: outcome.cacheHit };
}
