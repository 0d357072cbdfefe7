import type { TBoundedTextLimits } from '../bounded-text';
import type { GitLabClient, TProjectKey } from '../gitlab.client';
import type { TGlCompare } from '../api/history.api';
import { FETCH_CACHE_TTL, type TFetchCache } from './fetch-cache';

/**
 * What verdicts ask GitLab about a failed job's history: the newest finished pipelines of the
 * target branch and of the job's commit, a finished pipeline's jobs, a job's log, the commits
 * between two shas with the files they changed. Every answer goes through the process's fetch
 * cache first; what is not cached spends one request of the analysis's budget, and once the
 * budget is spent the answer is `undefined` (unknown), never a guess. A failed request is unknown
 * too: a verdict never fails an analysis.
 */

/** How many pipelines one list asks for: the newest finished ones are all a verdict compares with. */
const PIPELINES_PER_LIST = 5;

export type TPipelineRun = {
  id: number;
  sha: string;
  status: string;
  ref: string | null;
  webUrl: string | null;
  finishedAt: string | null;
};
export type TJobRun = { id: number; name: string; status: string; failureReason: string | null };
/** A commit between the last green and the failing sha, with the files it changed (empty when not asked for). */
export type THistoryCommit = { sha: string; title: string; author: string; changedFiles: string[] };

/** Requests one analysis's verdicts made, answers the cache gave, and what the budget refused or GitLab failed. */
export type THistoryBudget = { limit: number; spent: number; cached: number; refused: number; failed: number };

export type THistoryFetchOptions = {
  project: TProjectKey;
  projectId: number;
  cache?: TFetchCache;
  /** The most requests this analysis may make (VERDICT_MAX_GITLAB_REQUESTS). */
  maxRequests: number;
  /**
   * How long a branch's (or commit's) newest finished pipelines are reused by other analyses
   * (VERDICT_BRANCH_CACHE_SECONDS): they change as pipelines finish; 0 asks every time.
   */
  pipelineListTtlMs: number;
  logLimits: TBoundedTextLimits;
  /** Masks what GitLab's answers put into a verdict (commit titles and authors, file paths) before it is used or cached. */
  mask?: (text: string) => string;
  onError?: (what: string, err: unknown) => void;
};

export type THistoryFetch = ReturnType<typeof createHistoryFetch>;

export function createHistoryFetch(client: GitLabClient, options: THistoryFetchOptions) {
  const { project, projectId } = options;
  const mask = options.mask ?? ((text: string) => text);
  const budget: THistoryBudget = { limit: options.maxRequests, spent: 0, cached: 0, refused: 0, failed: 0 };

  const ask = budgetedAsk(budget, options.cache, options.onError);

  const pipelines = (filter: { ref?: string; sha?: string }, key: string) =>
    ask(`history:pipelines:${projectId}:${key}`, options.pipelineListTtlMs, async () =>
      (await client.listPipelinesOf(project, { ...filter, scope: 'finished' }, PIPELINES_PER_LIST)).map((p): TPipelineRun => ({
        id: p.id,
        sha: p.sha ?? '',
        status: p.status,
        ref: p.ref ?? null,
        webUrl: p.web_url ?? null,
        finishedAt: p.finished_at ?? null,
      })),
    );

  const compare = (from: string, to: string): Promise<TGlCompare | undefined> =>
    ask(`history:compare:${projectId}:${from}:${to}`, FETCH_CACHE_TTL.finished, async () => {
      const answer = await client.compareCommits(project, from, to);
      return {
        ...answer,
        commits: answer.commits.map((c) => ({
          ...c,
          title: c.title == null ? c.title : mask(c.title),
          author_name: c.author_name == null ? c.author_name : mask(c.author_name),
        })),
        diffs: answer.diffs?.map((d) => ({ ...d, old_path: mask(d.old_path), new_path: mask(d.new_path) })),
      };
    });

  const commitFiles = (sha: string) =>
    ask(`history:diff:${projectId}:${sha}`, FETCH_CACHE_TTL.finished, async () =>
      (await client.listCommitDiffs(project, sha)).map((d) => mask(d.new_path || d.old_path)),
    );

  return {
    budget,
    /** The newest finished pipelines of a branch, newest first. */
    finishedPipelinesOf: (ref: string) => pipelines({ ref }, `ref:${ref}`),
    /** The newest finished pipelines that ran this commit, newest first. */
    finishedPipelinesAt: (sha: string) => pipelines({ sha }, `sha:${sha}`),
    /** A finished pipeline's jobs (latest attempts): it cannot change any more. */
    pipelineJobs: (pipelineId: number) =>
      ask(`history:jobs:${projectId}:${pipelineId}`, FETCH_CACHE_TTL.finished, async () =>
        (await client.listPipelineJobs(project, pipelineId)).map((j): TJobRun => ({
          id: j.id,
          name: j.name,
          status: j.status,
          failureReason: j.failure_reason ?? null,
        })),
      ),
    /** A finished job's log, cut to the log limits. */
    jobLog: (jobId: number) =>
      ask(
        `history:trace:${projectId}:${jobId}`,
        FETCH_CACHE_TTL.finished,
        async () => (await client.readJobTrace(project, jobId, options.logLimits)).text,
        (text) => text.length,
      ),
    /** Whether the commit `sha` contains `ancestor` (GitLab lists no commit of `ancestor` missing from `sha`). */
    contains: async (sha: string, ancestor: string): Promise<boolean | undefined> => {
      const answer = await compare(sha, ancestor);
      return answer === undefined || answer.compare_timeout ? undefined : answer.commits.length === 0;
    },
    /**
     * The commits from `from` (excluded) to `to`, oldest first, with the files each changed: from
     * the compare answer when it holds one commit, else one request per commit for the newest
     * `maxDiffs` (older ones are listed with no files: they still count as candidates).
     */
    commitsBetween: async (from: string, to: string, maxDiffs: number): Promise<THistoryCommit[] | undefined> => {
      const answer = await compare(from, to);
      if (answer === undefined || answer.compare_timeout) return undefined;
      const single = answer.commits.length === 1 ? (answer.diffs ?? []).map((d) => d.new_path || d.old_path) : undefined;
      const firstWithFiles = answer.commits.length - maxDiffs;
      return Promise.all(
        answer.commits.map(async (c, i): Promise<THistoryCommit> => ({
          sha: c.id,
          title: c.title ?? c.short_id ?? c.id,
          author: c.author_name ?? 'unknown',
          changedFiles: single ?? (i >= firstWithFiles ? ((await commitFiles(c.id)) ?? []) : []),
        })),
      );
    },
  };
}

/** One GitLab request within the analysis's budget: a cached answer is free; past the limit, or on an error, the answer is unknown. */
function budgetedAsk(budget: THistoryBudget, cache: THistoryFetchOptions['cache'], onError: THistoryFetchOptions['onError']) {
  return async function ask<T>(key: string, ttlMs: number, load: () => Promise<T>, bytes?: (value: T) => number): Promise<T | undefined> {
    const hit = cache?.get<{ value: T }>(key);
    if (hit !== undefined) {
      budget.cached++;
      return hit.value;
    }
    if (budget.spent >= budget.limit) {
      budget.refused++;
      return undefined;
    }
    budget.spent++;
    try {
      const value = await load();
      // A TTL of 0 would keep the answer for ever: not cached at all.
      if (ttlMs > 0) cache?.set(key, { value }, ttlMs, bytes?.(value));
      return value;
    } catch (err) {
      budget.failed++;
      onError?.(key, err);
      return undefined;
    }
  };
}
