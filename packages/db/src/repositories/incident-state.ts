import type { incidents } from '../schema';

export type TIncidentRow = typeof incidents.$inferSelect;

/** Where one failed job was seen: the pipeline, its commit and whether it ran on the default branch. */
export type TSighting = { pipelineId: number; sha: string | null; onDefaultBranch: boolean; at: Date };

/** The columns of an incident that one sighting may change. */
export type TIncidentChange = Pick<
  TIncidentRow,
  | 'status'
  | 'lastSeenAt'
  | 'failingSincePipelineId'
  | 'failingSinceSha'
  | 'failingSinceAt'
  | 'lastDefaultPipelineId'
  | 'fixedPipelineId'
  | 'fixedSha'
  | 'fixedAt'
>;

/**
 * An incident after one more sighting. Off the default branch only `last_seen_at` moves: a merge
 * request failing with a fixed incident has not rebased onto the fix, which is no regression. On
 * the default branch the red streak begins (or goes back to an older pipeline analysed late), and
 * a fixed incident reopens, but only for a pipeline newer than the one that fixed it: an older
 * failing pipeline analysed after the fix changes nothing.
 */
export function nextIncidentState(row: TIncidentChange, seen: TSighting): TIncidentChange {
  const next: TIncidentChange = { ...row, lastSeenAt: row.lastSeenAt > seen.at ? row.lastSeenAt : seen.at };
  if (!seen.onDefaultBranch) return next;
  next.lastDefaultPipelineId = Math.max(row.lastDefaultPipelineId ?? 0, seen.pipelineId);
  const streakStart = { failingSincePipelineId: seen.pipelineId, failingSinceSha: seen.sha, failingSinceAt: seen.at };
  if (row.status === 'fixed') {
    if (row.fixedPipelineId !== null && seen.pipelineId < row.fixedPipelineId) return next;
    return { ...next, ...streakStart, status: 'open', fixedPipelineId: null, fixedSha: null, fixedAt: null };
  }
  if (row.failingSincePipelineId === null || seen.pipelineId < row.failingSincePipelineId) return { ...next, ...streakStart };
  return next;
}
