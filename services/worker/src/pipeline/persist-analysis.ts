import type { TAnalysisOutcome, TProviderAttempt } from '@cia/ai';
import type { TAnalysisResult } from '@cia/contracts';
import {
  applySightings,
  completeAnalysisAtOnce,
  completeAnalysisWithJobs,
  saveFetchedJobs,
  type TAnalysisCompletion,
  type TAnalysisJob,
  type TAnalysisRow,
  type TIncidentSighting,
} from '@cia/db';
import type { TFetchStateEntry, THistoryBudget } from '@cia/gitlab';
import type { TLogger } from '@cia/logger';
import type { TDecidedVerdicts } from './decide-verdicts';
import { recordVerdicts, withKnownIncidents } from './persist-verdicts';
import type { TPipelineDeps } from './pipeline-deps';

/** When each step of one run ended (Date.now()), for the stored step timings. */
export type TStepClock = { started: number; fetched: number; excerpted: number; analyzed: number };

/** What goes into analyses.fetch_state: fetch steps, failed provider calls (for the provider-error metrics) and the verdicts' GitLab requests. */
type TStateToSave = Record<string, TFetchStateEntry | Array<{ provider: string; code: string }> | THistoryBudget>;

function withProviderErrors(logger: TLogger, steps: TStateToSave, attempts: TProviderAttempt[]): TStateToSave {
  const failed = attempts.filter((a) => !a.ok).map((a) => ({ provider: a.provider, code: a.reason ?? 'unknown' }));
  if (failed.length === 0) return steps;
  logger.warn('provider attempts failed', { attempts: failed });
  return { ...steps, provider_errors: failed };
}

type TStored = {
  outcome: TAnalysisOutcome;
  steps: Record<string, TFetchStateEntry>;
  jobs: TAnalysisJob[];
  clock: TStepClock;
  verdicts?: TDecidedVerdicts;
};

function completionOf(row: TAnalysisRow, { outcome, clock }: TStored): TAnalysisCompletion & { result: TAnalysisResult } {
  const now = Date.now();
  return {
    result: outcome.result,
    provider: outcome.provider,
    model: outcome.model,
    promptVersion: outcome.promptVersion,
    inputTokens: outcome.usage.inputTokens,
    outputTokens: outcome.usage.outputTokens,
    costUsd: outcome.usage.costUsd,
    cacheHit: outcome.cacheHit,
    timings: {
      queue_wait_ms: Math.max(0, clock.started - row.createdAt.getTime()),
      fetch_ms: clock.fetched - clock.started,
      excerpt_ms: clock.excerpted - clock.fetched,
      analyze_ms: clock.analyzed - clock.excerpted,
      total_ms: now - clock.started,
      end_to_end_ms: now - row.createdAt.getTime(),
    },
  };
}

/**
 * The persist step: result, fetch steps, jobs and the jobs' verdicts (occurrences, incidents),
 * all or nothing. When every incident the verdicts name exists (most failures are seen again), in
 * one statement (completeAnalysisAtOnce); when one is new, in a transaction that creates it. The
 * incidents' counts follow once that is stored (applySightings).
 */
export async function persistAnalysis(deps: Pick<TPipelineDeps, 'db' | 'logger'>, row: TAnalysisRow, stored: TStored): Promise<void> {
  const done = completionOf(row, stored);
  const steps = withVerdictRequests(withProviderErrors(deps.logger, stored.steps, stored.outcome.attempts), stored.verdicts);
  const known = stored.verdicts
    ? await withKnownIncidents(deps.db, row.id, stored.verdicts, done.result)
    : { occurrences: [], result: done.result };
  let sightings: TIncidentSighting[] = [];
  if (known) {
    const write = { done: { ...done, result: known.result }, steps, jobs: stored.jobs, occurrences: known.occurrences };
    sightings = await completeAnalysisAtOnce(deps.db, row.id, write);
  } else {
    await completeAnalysisWithJobs(deps.db, row.id, done, steps, stored.jobs, async (tx) => {
      const recorded = await recordVerdicts(tx, row.id, stored.verdicts as TDecidedVerdicts, done.result);
      sightings = recorded.sightings;
      return { result: recorded.result };
    });
  }
  await applySightings(deps.db, sightings).catch((err: unknown) => {
    // The analysis and its occurrences are stored; only the incidents' counts lag.
    deps.logger.warn('could not update the incidents of an analysis', { analysis_id: row.id, err: (err as Error).message });
  });
}

/** The verdicts' GitLab requests (`verdict_requests`), beside the fetch steps. */
function withVerdictRequests(steps: TStateToSave, verdicts: TDecidedVerdicts | undefined): TStateToSave {
  return verdicts?.budget ? { ...steps, verdict_requests: verdicts.budget } : steps;
}

/**
 * After a failed attempt: the fetch steps (with the failed provider calls) and the jobs read so
 * far, so the retry does not fetch them again. The job's own error matters more than a failed
 * write here: the retry fetches again at worst.
 */
export async function persistForRetry(
  deps: Pick<TPipelineDeps, 'db' | 'logger'>,
  row: TAnalysisRow,
  saved: { steps: Record<string, TFetchStateEntry>; jobs: TAnalysisJob[]; attempts?: TProviderAttempt[] },
): Promise<void> {
  const state = saved.attempts ? withProviderErrors(deps.logger, saved.steps, saved.attempts) : saved.steps;
  await saveFetchedJobs(deps.db, row.id, state, saved.jobs).catch((e: unknown) =>
    deps.logger.warn('could not save fetch steps', { err: (e as Error).message }),
  );
}
