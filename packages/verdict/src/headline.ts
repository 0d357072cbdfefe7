import type { TRankedCulprit } from './culprits';
import type { TPipelineRef, TUndeterminedReason } from './verdict.types';

/** A commit as people write it in GitLab: the first 8 characters of its id. */
export const shortSha = (sha: string): string => sha.slice(0, 8);

/** `1 pass`, `2 passes`. */
export const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const pipelineAt = (p: TPipelineRef): string => `pipeline #${p.pipelineId} (commit ${shortSha(p.sha)})`;

export const HEADLINES = {
  causedByChange: () => 'Caused by this change',
  newOnDefault: (branch: string, since: TPipelineRef, culprits: TRankedCulprit[] | undefined) => {
    const base = `New failure on ${branch} since ${pipelineAt(since)}`;
    const likely = likelyCulprit(culprits);
    if (likely !== undefined) return `${base}: most likely ${shortSha(likely.sha)} "${likely.title}" by ${likely.author}`;
    return culprits === undefined || culprits.length === 0 ? base : `${base}: ${count(culprits.length, 'commit', 'commits')} to check`;
  },
  alreadyFailing: (branch: string, since: TPipelineRef) =>
    `Already failing on ${branch} since ${pipelineAt(since)}: not caused by this change`,
  stillFailing: (branch: string, since: TPipelineRef) => `Still failing on ${branch} since ${pipelineAt(since)}`,
  fixedOnTarget: (branch: string, fix: TPipelineRef) => `Fixed on ${branch} in ${shortSha(fix.sha)} (pipeline #${fix.pipelineId}); rebase`,
  infrastructure: (label: string, retry: 'passed' | 'failed' | 'pending' | undefined) =>
    `Infrastructure: ${label}${retry === 'passed' ? ' (retry passed)' : retry === 'failed' ? ' (retry failed too)' : ''}`,
  flakyConfirmed: () => 'Flaky (retry passed)',
  likelyFlaky: (why: string, retry: 'failed' | 'pending' | undefined) =>
    `Likely flaky: ${why}${retry === 'pending' ? '; a retry is running' : retry === 'failed' ? '; the retry failed too' : ''}`,
  undetermined: (reason: TUndeterminedReason, branch: string, compared: TPipelineRef | undefined, jobStatus?: string) => {
    const at = compared === undefined ? '' : ` (pipeline #${compared.pipelineId})`;
    switch (reason) {
      case 'no_compared_run':
        return `No finished pipeline on ${branch} to compare with`;
      case 'job_not_in_compared_run':
        return `Not run in ${branch}'s latest pipeline${at}: nothing to compare with`;
      case 'compared_run_fails_differently':
        return `Also failing on ${branch}${at}, with another failure`;
      case 'compared_job_not_finished':
        return `Job ${jobStatus ?? 'not finished'} in ${branch}'s latest pipeline${at}: nothing to compare with`;
      case 'no_baseline_comparison':
        return `Passed on ${branch}${at}; its log could not be compared, so the cause is not settled`;
      case 'failure_lines_not_new':
        return `Passed on ${branch}${at}, yet its log shows the same failure lines: cause unclear`;
      case 'no_log':
        return 'No log to compare: cause unknown';
    }
  },
};

/** The first candidate, when the excerpt points at it and at no other as strongly. */
function likelyCulprit(culprits: TRankedCulprit[] | undefined): TRankedCulprit | undefined {
  const [first, second] = culprits ?? [];
  if (first === undefined || first.score === 0) return undefined;
  return second === undefined || second.score < first.score ? first : undefined;
}
