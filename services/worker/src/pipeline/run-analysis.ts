import { AnalysisFailedError, analyzePipeline, type TAnalysisOutcome, type TProviderAttempt, type TProviderName } from '@cia/ai';
import { secretValuesOf, type TConfig } from '@cia/config';
import { completeAnalysisWithJobs, createFingerprintCache, saveFetchedJobs, saveFetchSteps, type TAnalysisRow, type TDb, type TFetchedJob } from '@cia/db';
import { contextFromTrigger, createFetchState, fetchPipelineContext, pickFetchSettings, toStoredStep, type GitLabClient, type TFetchCache, type TFetchState, type TFetchStateEntry, type TPipelineContext } from '@cia/gitlab';
import { excerptLog, type TExcerpt } from '@cia/log-intel';
import type { TLogger } from '@cia/logger';
import { buildAnalysisInput } from './build-analysis-input';
import type { TLogSource } from './log-state';
import { maskerOf } from './secret-masker';

export type TRunDeps = {
  db: TDb;
  logger: TLogger;
  config: TConfig;
  /** Absent when no GITLAB_API_TOKEN is set: the analysis uses what the trigger carried. */
  gitlab?: GitLabClient;
  /** GitLab answers shared by this process's analyses (project facts, baselines). */
  gitlabCache?: TFetchCache;
  /** SDK clients built once per worker process and reused. */
  providers?: Parameters<typeof analyzePipeline>[1]['providers'];
};

export type TRunOutcome = { provider: TProviderName | 'cache'; category: string; cacheHit: boolean };

/** What goes into analyses.fetch_state: fetch steps, and failed provider calls (for the provider-error metrics). */
type TStateToSave = Record<string, TFetchStateEntry | Array<{ provider: string; code: string }>>;

function withProviderErrors(deps: TRunDeps, steps: TStateToSave, attempts: TProviderAttempt[]): TStateToSave {
  const failed = attempts.filter((a) => !a.ok).map((a) => ({ provider: a.provider, code: a.reason ?? 'unknown' }));
  if (failed.length === 0) return steps;
  deps.logger.warn('provider attempts failed', { attempts: failed });
  return { ...steps, provider_errors: failed };
}

/**
 * The context, and its fetch steps to persist. Steps are written once, with the analysis's last
 * write (or here when the fetch fails); a retry then skips them. Logs are too big for a jsonb
 * column: a retry reads them again, unless a read budget stopped them (see toStoredStep).
 */
async function gather(deps: TRunDeps, row: TAnalysisRow): Promise<{ ctx: TPipelineContext; steps: Record<string, TFetchStateEntry> }> {
  const { config } = deps;
  const input = { project: { id: row.projectId, path: row.project.path }, pipelineId: row.pipelineId, known: { project: row.project, pipeline: row.pipeline, failedJobs: row.failedJobs } };
  const steps = createFetchState();
  if (!deps.gitlab || !config.GITLAB_AUTO_FETCH_LOGS) return { ctx: contextFromTrigger(input), steps };
  const mask = maskerOf(config);
  try {
    const ctx = await fetchPipelineContext(deps.gitlab, input, pickFetchSettings(config), {
      previous: row.fetchState as TFetchState,
      cache: deps.gitlabCache,
      mask,
      onStep: (key, entry) => {
        steps[key] = toStoredStep(key, entry, mask);
      },
    });
    return { ctx, steps };
  } catch (err) {
    await saveFetchSteps(deps.db, row.id, steps);
    throw err;
  }
}


/** Every failed job's log excerpted (and masked, the configuration's secret values too), as stored in analysis_jobs. */
async function excerptJobs(deps: TRunDeps, ctx: TPipelineContext): Promise<{ excerpts: Map<number, TExcerpt>; jobs: TFetchedJob[] }> {
  const excerpts = new Map<number, TExcerpt>();
  const jobs: TFetchedJob[] = [];
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
    jobs.push({
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
  return { excerpts, jobs };
}

/**
 * fetch → excerpt + mask → analyze (rules, cache or AI) → persist, for one analysis row that the
 * caller has already marked running (claimAnalysis). Fetch steps, jobs and the result are stored
 * in one transaction at the end; when the analysis fails, steps and jobs are stored for the retry.
 */
export async function runAnalysis(deps: TRunDeps, row: TAnalysisRow): Promise<TRunOutcome> {
  const started = Date.now();
  const { ctx, steps } = await gather(deps, row);
  const fetched = Date.now();
  let jobs: TFetchedJob[] = [];
  let outcome: TAnalysisOutcome;
  let excerpted = fetched;
  try {
    const excerpt = await excerptJobs(deps, ctx);
    jobs = excerpt.jobs;
    excerpted = Date.now();
    const logSource: TLogSource = !deps.gitlab ? 'no_token' : !deps.config.GITLAB_AUTO_FETCH_LOGS ? 'auto_fetch_disabled' : 'api';
    outcome = await analyzePipeline(buildAnalysisInput(row, ctx, excerpt.excerpts, logSource), {
      settings: deps.config,
      cache: createFingerprintCache(deps.db),
      analysisId: row.id,
      secretValues: secretValuesOf(deps.config),
      providers: deps.providers,
    });
  } catch (err) {
    const state = err instanceof AnalysisFailedError ? withProviderErrors(deps, steps, err.attempts) : steps;
    // The job's own error matters more than a failed write here: the retry fetches again at worst.
    await saveFetchedJobs(deps.db, row.id, state, jobs).catch((e: unknown) => deps.logger.warn('could not save fetch steps', { err: (e as Error).message }));
    throw err;
  }
  const analyzed = Date.now();
  await completeAnalysisWithJobs(
    deps.db,
    row.id,
    {
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
    },
    withProviderErrors(deps, steps, outcome.attempts),
    jobs,
  );
  return { provider: outcome.provider, category: outcome.result.category, cacheHit: outcome.cacheHit };
}
