import { baseJobName, type TCategory, type TExcerptLine } from '@cia/contracts';
import { fingerprint } from './fingerprint';

/** A failed job as far as grouping needs it; the pipeline only when jobs of several pipelines are grouped. */
export type TJobCopy = { name: string; stage: string; failure_reason?: string | null; pipeline_id?: number | null };

/**
 * How an item failed: a job with its excerpt (and rule category), or an identity already known
 * (a stored verdict's fingerprint), or nothing that shows it failed like another.
 */
export type TFailureOf = { job: TJobCopy; lines: TExcerptLine[]; category?: TCategory } | { key: string } | undefined;

export type TSameFailureGroup<T> = { lead: T; items: T[] };

/**
 * Copies of one job share this key: parallel shards and parallel:matrix jobs (`rspec 2/4`,
 * `rspec: [3.2]` → `rspec`) of one stage, pipeline and failure reason.
 */
function jobCopyKey(job: TJobCopy): string {
  return `${baseJobName(job.name)}\n${job.stage}\n${job.pipeline_id ?? ''}\n${job.failure_reason ?? ''}`;
}

/**
 * Groups the items that failed the same way, keeping their order (a group sits where its first
 * item was). Only copies of one job (jobCopyKey) can share a group, and only when their excerpts'
 * fingerprints (the failure lines, times, ids and numbers normalised away) and categories agree.
 * Two different jobs with the same error are kept apart: their logs may differ where it matters.
 * Items without log lines are never grouped: nothing shows they failed alike. The prompt sends one
 * excerpt per group, the merge request note shows one entry.
 */
export function groupSameFailures<T>(items: T[], failureOf: (item: T) => TFailureOf): TSameFailureGroup<T>[] {
  const failures = items.map(failureOf);
  // Fingerprints cost a pass over each excerpt: computed only where a job has a possible copy.
  const copies = new Map<string, number>();
  for (const f of failures)
    if (f && 'job' in f && f.lines.length > 0) copies.set(jobCopyKey(f.job), (copies.get(jobCopyKey(f.job)) ?? 0) + 1);
  const keyOf = (f: TFailureOf): string | undefined => {
    if (!f) return undefined;
    if ('key' in f) return `known\n${f.key}`;
    if (f.lines.length === 0 || (copies.get(jobCopyKey(f.job)) ?? 0) < 2) return undefined;
    return `${jobCopyKey(f.job)}\n${fingerprint({ jobName: baseJobName(f.job.name), category: f.category, lines: f.lines })}`;
  };

  const groups: TSameFailureGroup<T>[] = [];
  const byKey = new Map<string, TSameFailureGroup<T>>();
  items.forEach((item, i) => {
    const key = keyOf(failures[i]);
    const group = key === undefined ? undefined : byKey.get(key);
    if (group) {
      group.items.push(item);
      return;
    }
    const created = { lead: item, items: [item] };
    if (key !== undefined) byKey.set(key, created);
    groups.push(created);
  });
  return groups;
}
