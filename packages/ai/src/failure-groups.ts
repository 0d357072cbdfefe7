import { baseJobName, type TCategory } from '@cia/contracts';
import { fingerprint } from '@cia/log-intel';
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
 * Groups failed jobs, keeping their order (a group sits where its first job was). Only copies of
 * one job can share a group — same base name (`rspec 2/4`, `rspec: [3.2]` → `rspec`), stage,
 * pipeline and failure reason — and only when their excerpts' fingerprints (the failure lines,
 * times, ids and numbers normalised away) and rule categories agree. Two different jobs with the
 * same error are kept apart: their logs may differ where it matters, and a model that sees both
 * can say so. Jobs without log lines are never grouped: nothing shows they failed alike.
 */
export function groupFailedJobs(jobs: TInputFailedJob[], categoryOf: (jobId: number) => TCategory | undefined): TFailureGroup[] {
  // Fingerprints cost a pass over each excerpt: computed only where a job has a possible copy.
  const copyKey = (job: TInputFailedJob) => `${baseJobName(job.name)}\n${job.stage}\n${job.pipeline_id ?? ''}\n${job.failure_reason ?? ''}`;
  const copies = new Map<string, number>();
  for (const job of jobs) if (job.excerpt.length > 0) copies.set(copyKey(job), (copies.get(copyKey(job)) ?? 0) + 1);

  const groups: TFailureGroup[] = [];
  const byKey = new Map<string, TFailureGroup>();
  for (const job of jobs) {
    const key = copyKey(job);
    if (job.excerpt.length === 0 || (copies.get(key) ?? 0) < 2) {
      groups.push({ lead: job, jobs: [job] });
      continue;
    }
    const failureKey = `${key}\n${fingerprint({ jobName: baseJobName(job.name), category: categoryOf(job.id), lines: job.excerpt })}`;
    const group = byKey.get(failureKey);
    if (group) group.jobs.push(job);
    else {
      const created = { lead: job, jobs: [job] };
      byKey.set(failureKey, created);
      groups.push(created);
    }
  }
  return groups;
}

/** Every job alone: the groups of a prompt built without grouping. */
export function ungroupedFailedJobs(jobs: TInputFailedJob[]): TFailureGroup[] {
  return jobs.map((job) => ({ lead: job, jobs: [job] }));
}
