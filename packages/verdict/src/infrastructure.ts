import type { TEvidence, TInfraSignal, TJobFacts } from './verdict.types';

/**
 * GitLab failure reasons that say the platform failed rather than the job's script: the script
 * did not run, or was cut off by the runner. They count whatever the log shows.
 */
export const PLATFORM_FAILURE_REASONS: Readonly<Record<string, string>> = {
  runner_system_failure: 'runner system failure',
  stuck_or_timeout_failure: 'no runner took the job in time',
  scheduler_failure: 'the job could not be scheduled',
  api_failure: 'GitLab API failure',
  data_integrity_failure: 'GitLab data integrity failure',
  runner_unsupported: 'the runner does not support this job',
  no_matching_runner: 'no runner matches this job',
  unmet_prerequisites: 'the runner could not prepare the job',
};

/** GitLab's reason for a job stopped by its own time limit: infrastructure only without a code error. */
const TIMEOUT_REASON = 'job_execution_timeout';

const SIGNAL_LABEL: Record<TInfraSignal['kind'], (s: TInfraSignal) => string> = {
  runner_system: () => 'runner system failure',
  network: (s) => `network failure${s.host === undefined ? '' : ` reaching ${s.host}`}`,
  registry: (s) => `registry unreachable${s.host === undefined ? '' : ` (${s.host})`}`,
  out_of_memory: () => 'out of memory',
  timeout: () => 'timed out without a test or compile error',
  disk_full: () => 'no space left on device',
};

export type TInfraFinding = { label: string; evidence: TEvidence[] };

/**
 * Infrastructure: a platform failure reason from GitLab, or a runner, network, registry, memory,
 * disk or time-limit signal in the excerpt with no test, compile or lint error beside it. A code
 * error next to the signal means the code may be the cause (a test that leaks memory, a test
 * that hangs): that is never called infrastructure.
 */
export function findInfrastructure(facts: TJobFacts): TInfraFinding | undefined {
  const reason = facts.job.failureReason ?? undefined;
  const platform = reason === undefined ? undefined : PLATFORM_FAILURE_REASONS[reason];
  if (platform !== undefined && reason !== undefined) return { label: platform, evidence: [{ kind: 'failure_reason', reason }] };
  if (facts.excerpt.codeErrors.length > 0) return undefined;
  const signals = [...facts.excerpt.infraSignals];
  if (reason === TIMEOUT_REASON && !signals.some((s) => s.kind === 'timeout')) signals.unshift({ kind: 'timeout' });
  const first = signals[0];
  if (first === undefined) return undefined;
  const evidence: TEvidence[] = signals.map((signal) => ({ kind: 'infra_signal', signal }));
  if (reason !== undefined) evidence.unshift({ kind: 'failure_reason', reason });
  return { label: SIGNAL_LABEL[first.kind](first), evidence };
}
