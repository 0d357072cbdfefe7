import { UnrecoverableError } from 'bullmq';
import { AnalysisFailedError, analyzePipeline, type TAnalysisOutcome, type TProviderName } from '@cia/ai';
import { secretValuesOf } from '@cia/config';
import { claimAnalysis, createFingerprintCache, type TAnalysisRow } from '@cia/db';
import { classify, type TExcerpt, type TRuleMatch } from '@cia/log-intel';
import { enqueueNewIncidentNotices, enqueuePostbackJobs } from '@cia/postback';
import { requestFlakyRetries } from '../verdict-retry/request-retries';
import { buildAnalysisInput } from './build-analysis-input';
import { decideVerdicts, type TDecidedVerdicts } from './decide-verdicts';
import { excerptJobs, type TExcerpted } from './excerpt-jobs';
import { fetchContext, type TFetched } from './fetch-context';
import { persistAnalysis, persistForRetry, type TStepClock } from './persist-analysis';
import type { TPipelineDeps } from './pipeline-deps';
import { recordFailedAttempt, type TAttempt } from './record-failure';

export type TRunOutcome = { provider: TProviderName | 'cache'; category: string; cacheHit: boolean };
export type TAnalyzeJobResult = { request_id: string; skipped?: string };

/**
 * What a `pipeline.analyze` job does: claim the analysis, run it, post it back. A finished
 * analysis is not run again (a redelivered or retried job); its post back is queued again, which
 * the post-back job ids make a no-op. The failure is stored once the last attempt failed.
 */
export async function analyzeFailedPipeline(deps: TPipelineDeps, requestId: string, attempt: TAttempt): Promise<TAnalyzeJobResult> {
  // Marks it running in the same statement that reads it.
  const claim = await claimAnalysis(deps.db, requestId);
  if (!claim) throw new UnrecoverableError(`analysis ${requestId} does not exist`);
  const { row } = claim;
  if (!claim.claimed) {
    if (row.status === 'completed') await postBack(deps, row);
    return { request_id: requestId, skipped: `already ${row.status}` };
  }
  try {
    const outcome = await runAnalysis(deps, row);
    deps.logger.info('analysis completed', outcome);
  } catch (err) {
    throw await recordFailedAttempt(deps, row, err, attempt);
  }
  // Outside the try: a failed enqueue must not fail a stored analysis; the retried job finds it completed and enqueues again.
  await postBack(deps, row);
  return { request_id: requestId };
}

/**
 * fetch → excerpt (+ mask) → classify → analyze, and beside it the verdicts (decide-verdicts.ts)
 * → persist, for one analysis row already marked running (claimAnalysis). Fetch steps, jobs and the result are stored in one transaction at the
 * end; when the analysis fails, steps and jobs are stored for the retry.
 */
export async function runAnalysis(deps: TPipelineDeps, row: TAnalysisRow): Promise<TRunOutcome> {
  const clock: TStepClock = { started: Date.now(), fetched: 0, excerpted: 0, analyzed: 0 };
  const fetched = await fetchContext(deps, row);
  clock.fetched = clock.excerpted = Date.now();
  let excerpted: TExcerpted | undefined;
  let outcome: TAnalysisOutcome;
  let verdicts: TDecidedVerdicts;
  try {
    excerpted = await excerptJobs(deps, fetched.ctx);
    clock.excerpted = Date.now();
    const ruleMatches = classifyJobs(excerpted.excerpts);
    // Verdicts ask GitLab and our history while the analyzer works; they never throw.
    [outcome, verdicts] = await Promise.all([
      analyze(deps, row, fetched, excerpted, ruleMatches),
      decideVerdicts(deps, row, fetched.ctx, excerpted.excerpts, ruleMatches),
    ]);
  } catch (err) {
    await persistForRetry(deps, row, {
      steps: fetched.steps,
      jobs: excerpted?.jobs ?? [],
      attempts: err instanceof AnalysisFailedError ? err.attempts : undefined,
    });
    throw err;
  }
  clock.analyzed = Date.now();
  await persistAnalysis(deps, row, { outcome, steps: fetched.steps, jobs: excerpted.jobs, clock, verdicts });
  return { provider: outcome.provider, category: outcome.result.category, cacheHit: outcome.cacheHit };
}

/** The classify step: each job's masked excerpt matched against the knowledge base. */
function classifyJobs(excerpts: Map<number, TExcerpt>): Map<number, TRuleMatch[]> {
  return new Map([...excerpts].map(([jobId, excerpt]) => [jobId, classify(excerpt.lines)]));
}

/** The analyze step: the result cache, the rules or an AI provider (packages/ai). */
function analyze(
  deps: TPipelineDeps,
  row: TAnalysisRow,
  fetched: TFetched,
  excerpted: TExcerpted,
  ruleMatches: Map<number, TRuleMatch[]>,
): Promise<TAnalysisOutcome> {
  return analyzePipeline(buildAnalysisInput(row, fetched.ctx, excerpted.excerpts, fetched.logSource), {
    settings: deps.config,
    cache: createFingerprintCache(deps.db),
    analysisId: row.id,
    secretValues: secretValuesOf(deps.config),
    providers: deps.providers,
    ruleMatches,
  });
}

/**
 * The post back step: one `analysis.post` job per enabled channel, an `incident.new` per channel
 * for each incident it opened on the default branch, and the retries of jobs judged likely flaky
 * in opted-in projects; idempotent (job ids), as a retried job runs it again.
 */
async function postBack(deps: TPipelineDeps, row: TAnalysisRow): Promise<void> {
  if (deps.postback) {
    await enqueuePostbackJobs(deps.postback.queues, deps.postback.settings, row);
    await enqueueNewIncidentNotices(deps.postback.queues, deps.postback.settings, deps.db, row.id);
  }
  if (deps.verdictRetry) await requestFlakyRetries({ ...deps, queues: deps.verdictRetry.queues }, row);
}
