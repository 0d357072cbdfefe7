import crypto from 'node:crypto';
import type { TAnalysisResult, TCategory, TFailedJobRef } from '@cia/contracts';

/** GitLab's job failure_reason values and what they usually mean. */
const FAILURE_REASONS: Record<string, { category: TCategory; cause: string; fix: string }> = {
  script_failure: { category: 'unknown', cause: 'A command in the job script exited with a non-zero status.', fix: 'Open the job log at the first error and run the failing command locally.' },
  job_execution_timeout: { category: 'timeout', cause: 'The job ran longer than its timeout.', fix: 'Find the slow or hanging step; raise the job timeout only if the work is legitimately long.' },
  runner_system_failure: { category: 'infrastructure', cause: 'The runner failed outside the job script.', fix: 'Retry the job; if it repeats, check the runner host.' },
  stuck_or_timeout_failure: { category: 'infrastructure', cause: 'No runner picked the job up in time.', fix: 'Check that a runner with matching tags is online.' },
  out_of_memory: { category: 'out_of_memory', cause: 'The job ran out of memory.', fix: 'Lower memory use or give the job a larger runner.' },
  api_failure: { category: 'infrastructure', cause: 'The runner could not talk to GitLab.', fix: 'Retry the job; check GitLab and runner connectivity.' },
  unknown_failure: { category: 'unknown', cause: 'GitLab did not say why the job failed.', fix: 'Read the job log.' },
};

/**
 * The fallback used until log intelligence and providers run: it reads only what the trigger
 * said (failure reasons) and says honestly how little it knows.
 */
export function basicOfflineAnalysis(jobs: TFailedJobRef[]): TAnalysisResult {
  const reasons = jobs.map((j) => j.failure_reason ?? 'unknown_failure');
  const first = FAILURE_REASONS[reasons[0] ?? 'unknown_failure'] ?? FAILURE_REASONS.unknown_failure!;
  const fingerprint = crypto.createHash('sha256').update(jobs.map((j) => `${j.name}|${j.failure_reason ?? ''}`).sort().join('\n')).digest('hex').slice(0, 16);
  return {
    summary: jobs.length > 0 ? `${jobs.length} job(s) failed: ${jobs.map((j) => j.name).join(', ')}` : 'The pipeline failed; no failed job was reported.',
    root_cause: first.cause,
    category: first.category,
    severity: 'medium',
    confidence: 0.2,
    failed_jobs: jobs.map((j) => ({ job_id: j.id, name: j.name, stage: j.stage, excerpt: [], findings: [`failure_reason: ${j.failure_reason ?? 'unknown'}`] })),
    solutions: [{ title: 'Inspect the failing job', steps: [first.fix] }],
    prevention: [],
    flaky_suspected: { suspected: false, reason: 'not enough information' },
    fingerprint,
    documentation_links: [],
    source: { kind: 'rules', detail: 'failure_reason only' },
  };
}
