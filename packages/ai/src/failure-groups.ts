import type { TCategory } from '@cia/contracts';
import { groupSameFailures } from '@cia/log-intel';
import type { TInputFailedJob } from './analysis-input';

/**
 * Failed jobs that failed the same way: copies of one job (parallel shards, parallel:matrix) whose
 * excerpts have the same fingerprint. A prompt sends the first job's excerpt for all of them.
 */
export type TFailureGroup = {
  /** The job whose excerpt is sent and whose id the answer uses; the first of `jobs`. */
  lead: TInputFailedJob;
  jobs: TInputFailedJob[];
};

/**
 * Groups failed jobs, keeping their order (see groupSameFailures): copies of one job whose excerpts
 * have the same fingerprint and rule category share a group. A model that sees two different jobs
 * with the same error can say where their logs differ, so those stay apart.
 */
export function groupFailedJobs(jobs: TInputFailedJob[], categoryOf: (jobId: number) => TCategory | undefined): TFailureGroup[] {
  return groupSameFailures(jobs, (job) => ({ job, lines: job.excerpt, category: categoryOf(job.id) })).map((group) => ({
    lead: group.lead,
    jobs: group.items,
  }));
}

/** Every job alone: the groups of a prompt built without grouping. */
export function ungroupedFailedJobs(jobs: TInputFailedJob[]): TFailureGroup[] {
  return jobs.map((job) => ({ lead: job, jobs: [job] }));
}
