import type { TAnalysisResult, TJobFinding } from '@cia/contracts';
import { groupSameFailures, type TFailureOf } from '@cia/log-intel';
import type { TNoteJob } from './render-note';

/** A failed job as the renderers show it: how GitLab names and links it, and what the analysis found in it. */
export type TShownJob = { job: TNoteJob; finding?: TJobFinding };

/** Failed jobs shown as one entry: copies of one job that failed the same way (one finding, one excerpt). */
export type TJobEntry = { lead: TShownJob; jobs: TShownJob[] };

/** The jobs GitLab lists for the analysis (with links), else the result's own, each with its finding. */
export function shownJobs(input: { jobs: TNoteJob[]; result: TAnalysisResult }): TShownJob[] {
  const byId = new Map(input.result.failed_jobs.map((j) => [j.job_id, j]));
  const jobs: TNoteJob[] =
    input.jobs.length > 0 ? input.jobs : input.result.failed_jobs.map((j) => ({ id: j.job_id, name: j.name, stage: j.stage }));
  return jobs.map((job) => ({ job, finding: byId.get(job.id) }));
}

/**
 * How a job failed, for grouping. With a verdict: its failure's identity (project, base job name,
 * failure lines) and the verdict itself, so one entry never mixes verdicts (a shard whose retry
 * passed stands apart). Without one: its excerpt, as the prompt groups shards.
 */
function failureOf({ job, finding }: TShownJob): TFailureOf {
  const verdict = finding?.verdict;
  if (verdict) return verdict.fingerprint ? { key: `${verdict.kind}\n${verdict.headline}\n${verdict.fingerprint}` } : undefined;
  return finding ? { job, lines: finding.excerpt } : undefined;
}

/** Groups identical failures, keeping the order (an entry sits where its first job was). */
export function jobEntries(jobs: TShownJob[]): TJobEntry[] {
  return groupSameFailures(jobs, failureOf).map((group) => ({ lead: group.lead, jobs: group.items }));
}

/** `test 1/4, test 2/4, test 3/4 (3 jobs)`: the names (at most `max`, already rendered) and the count. */
export function jobListLabel(names: string[], max: number): string {
  const shown = names.slice(0, max).join(', ');
  const more = names.length > max ? ', …' : '';
  return names.length > 1 ? `${shown}${more} (${names.length} jobs)` : shown;
}
