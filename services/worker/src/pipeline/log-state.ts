import type { TLogMissingReason, TLogState } from '@cia/ai';
import type { TContextJob, TPipelineContext } from '@cia/gitlab';

/** How this worker gets job logs: from the API, or not at all (only what the trigger carried). */
export type TLogSource = 'api' | 'no_token' | 'auto_fetch_disabled';

/** GitLab's answers that say why a log will not come, as the analysis input names them. */
const REFUSALS: Partial<Record<string, TLogMissingReason>> = {
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
};

/**
 * Whether the job's log reached the analysis and, when it did not, why: the settings that kept
 * the worker from asking, or GitLab's answer to the trace request (or to the project request,
 * after which nothing else was asked).
 */
export function logStateOf(job: TContextJob, ctx: TPipelineContext, source: TLogSource): TLogState {
  if (job.log) return { state: job.log.total_bytes > 0 || job.log.text.length > 0 ? 'read' : 'empty' };
  if (source !== 'api') return { state: 'missing', reason: source };
  const failed = ctx.steps.find((s) => s.step === `trace:${job.id}` && !s.ok) ?? ctx.steps.find((s) => s.step === 'project' && !s.ok);
  return { state: 'missing', reason: REFUSALS[failed?.error_code ?? ''] ?? 'error' };
}
