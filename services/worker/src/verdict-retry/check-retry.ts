import { DelayedError, type Job } from 'bullmq';
import type { TVerdictRetryCheckPayload } from '@cia/contracts';
import { findAnalysisById, findOccurrenceByJob, replaceJobVerdict, setOccurrenceRetry, type TOccurrenceRow } from '@cia/db';
import { isGitLabError } from '@cia/gitlab';
import { pickChannels } from '@cia/postback';
import { enqueue, type TJobHandler } from '@cia/queue';
import { decideVerdict, toJobVerdict, type TJobFacts } from '@cia/verdict';
import type { TRetryDeps } from './retry-deps';

/** The longest wait between two looks at a retried job. */
const MAX_POLL_MS = 15 * 60_000;

type TRetryOutcome = 'passed' | 'failed';

/** GitLab's finished job statuses, as a retry's outcome; anything else is still on its way. */
function outcomeOf(status: string): TRetryOutcome | undefined {
  if (status === 'success') return 'passed';
  if (status === 'failed' || status === 'canceled') return 'failed';
  return undefined;
}

/**
 * `verdict.retry-check`: looks at the retried job (GET /projects/:id/jobs/:id). Still running: the
 * same job is delayed again (BullMQ's moveToDelayed + DelayedError), each wait twice the last, until
 * VERDICT_RETRY_WAIT_MINUTES. Finished: the verdict is decided again with the retry as a fact,
 * stored on the occurrence and in the analysis's result, and the note posted again (edited in place).
 */
export function checkFlakyRetry(deps: TRetryDeps): TJobHandler<'verdict.retry-check'> {
  return async (payload, job, token) => {
    const occurrence = await findOccurrenceByJob(deps.db, payload.project_id, payload.job_id);
    if (!occurrence || occurrence.retryJobId !== payload.retry_job_id) return { skipped: 'this retry is not recorded' };
    if (occurrence.retryStatus !== 'pending') return { skipped: `retry already ${occurrence.retryStatus}` };
    if (!deps.gitlab) return { skipped: 'no GITLAB_API_TOKEN' };
    let status: string;
    try {
      status = (await deps.gitlab.getJob(payload.project_id, payload.retry_job_id)).status;
    } catch (err) {
      // Gone or forbidden will not change: the retry stays pending. Anything else: BullMQ tries again.
      if (isGitLabError(err) && !err.transient) return { gave_up: err.message };
      throw err;
    }
    const outcome = outcomeOf(status);
    if (outcome === undefined) return waitLonger(deps, payload, job, token, status);
    return settleRetry(deps, occurrence, { jobId: payload.retry_job_id, status: outcome });
  };
}

async function waitLonger(
  deps: TRetryDeps,
  payload: TVerdictRetryCheckPayload,
  job: Job,
  token: string | undefined,
  status: string,
): Promise<{ gave_up: string }> {
  const checks = (payload.checks ?? 0) + 1;
  const delay = Math.min(deps.config.VERDICT_RETRY_POLL_SECONDS * 1000 * 2 ** checks, MAX_POLL_MS);
  const waited = Date.now() - job.timestamp;
  if (waited + delay > deps.config.VERDICT_RETRY_WAIT_MINUTES * 60_000 || token === undefined)
    return { gave_up: `retried job ${payload.retry_job_id} still ${status} after ${Math.round(waited / 60_000)} min` };
  await job.updateData({ ...payload, checks });
  await job.moveToDelayed(Date.now() + delay, token);
  throw new DelayedError();
}

/**
 * The verdict decided again from the stored facts plus the retry, written where the API, the page
 * and the note read it; the retry's status last, so a crash before it looks again and repeats this.
 */
async function settleRetry(
  deps: TRetryDeps,
  occurrence: TOccurrenceRow,
  retry: { jobId: number; status: TRetryOutcome },
): Promise<{ retry: TRetryOutcome; verdict?: string }> {
  let kind: string | undefined;
  if (occurrence.facts !== null) {
    const facts = { ...(occurrence.facts as unknown as TJobFacts), retry };
    const verdict = toJobVerdict(decideVerdict(facts), { fingerprint: occurrence.fingerprint, incidentId: occurrence.incidentId });
    await replaceJobVerdict(deps.db, occurrence, verdict);
    kind = verdict.kind;
    await postAgain(deps, occurrence.analysisId, retry.jobId);
  }
  await setOccurrenceRetry(deps.db, occurrence.id, retry);
  deps.logger.info('flaky retry settled', { job_id: occurrence.jobId, retry_job_id: retry.jobId, retry: retry.status, verdict: kind });
  return { retry: retry.status, ...(kind === undefined ? {} : { verdict: kind }) };
}

/** The MR note edited in place from the stored (updated) result; a revision of its own, so it is not a duplicate post. */
async function postAgain(deps: TRetryDeps, analysisId: number, retryJobId: number): Promise<void> {
  const row = await findAnalysisById(deps.db, analysisId);
  if (!row || !pickChannels(deps.postback, row.project).includes('gitlab')) return;
  await enqueue(deps.queues, {
    job: 'analysis.post',
    payload: { request_id: row.requestId, channel: 'gitlab', revision: `retry-${retryJobId}` },
  });
}
