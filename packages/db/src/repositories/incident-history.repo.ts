import { and, eq, gte, inArray, isNull, ne, notInArray, or, sql } from 'drizzle-orm';
import type { TDb } from '../client';
import { preparedFor } from '../prepared';
import { incidentOccurrences } from '../schema';

/**
 * What our own history says about a failure, for its verdict: each lookup one indexed query
 * (incident_occurrences by fingerprint and commit, or by job).
 */

/** The fingerprints our analyses gave these jobs (a failed job of the compared pipeline, analysed earlier): no trace fetched again. */
export async function fingerprintsOfJobs(db: TDb, projectId: number, jobIds: number[]): Promise<Map<number, string>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({ jobId: incidentOccurrences.jobId, fingerprint: incidentOccurrences.fingerprint })
    .from(incidentOccurrences)
    .where(and(eq(incidentOccurrences.projectId, projectId), inArray(incidentOccurrences.jobId, jobIds)));
  return new Map(rows.map((r) => [r.jobId, r.fingerprint]));
}

const sameCommitFailures = preparedFor((db) =>
  db
    .select({ n: sql<number>`count(*)::int` })
    .from(incidentOccurrences)
    .where(
      and(
        eq(incidentOccurrences.fingerprint, sql.placeholder('fingerprint')),
        eq(incidentOccurrences.sha, sql.placeholder('sha')),
        ne(incidentOccurrences.jobId, sql.placeholder('exceptJobId')),
      ),
    )
    .prepare('count_same_commit_failures'),
);

/** Other failed jobs with this fingerprint on this very commit (re-runs, other pipelines of the commit). */
export async function countSameCommitFailures(db: TDb, q: { fingerprint: string; sha: string; exceptJobId: number }): Promise<number> {
  const [row] = await sameCommitFailures(db).execute(q);
  return Number(row?.n ?? 0);
}

/** Verdicts that say the target branch explained the failure: such a change is no evidence of flakiness. */
const EXPLAINED_BY_TARGET = ['already_failing', 'fixed_on_target'];

/** One prepared statement per shape: the change's merge request and its branch, each known or not. */
function intermittentChangesQuery(shape: { byMergeRequest: boolean; byRef: boolean }) {
  const o = incidentOccurrences;
  const name = `count_intermittent_changes${shape.byMergeRequest ? '_mr' : ''}${shape.byRef ? '_ref' : ''}`;
  return preparedFor((db) =>
    db
      .select({ n: sql<number>`count(distinct coalesce('mr:' || ${o.mergeRequestIid}::text, 'ref:' || ${o.ref}))::int` })
      .from(o)
      .where(
        and(
          eq(o.fingerprint, sql.placeholder('fingerprint')),
          eq(o.onDefaultBranch, false),
          notInArray(o.verdictKind, EXPLAINED_BY_TARGET),
          gte(o.createdAt, sql.placeholder('since')),
          // Neither this merge request nor its source branch (whose branch pipelines are the same change).
          shape.byMergeRequest ? or(isNull(o.mergeRequestIid), ne(o.mergeRequestIid, sql.placeholder('mergeRequestIid'))) : undefined,
          shape.byRef ? or(isNull(o.ref), ne(o.ref, sql.placeholder('ref'))) : undefined,
        ),
      )
      .prepare(name),
  );
}

const intermittentChanges = {
  none: intermittentChangesQuery({ byMergeRequest: false, byRef: false }),
  mr: intermittentChangesQuery({ byMergeRequest: true, byRef: false }),
  ref: intermittentChangesQuery({ byMergeRequest: false, byRef: true }),
  both: intermittentChangesQuery({ byMergeRequest: true, byRef: true }),
};

/**
 * Other changes (merge requests, else branches) off the default branch where this fingerprint
 * failed since `since` while the target branch did not fail with it: the same failure coming and
 * going on unrelated work. The change itself (its merge request or its branch) is not counted.
 */
export async function countIntermittentChanges(
  db: TDb,
  q: { fingerprint: string; ref: string | null; mergeRequestIid: number | null; since: Date },
): Promise<number> {
  const byMergeRequest = q.mergeRequestIid !== null;
  const byRef = q.ref !== null;
  const query = byMergeRequest
    ? byRef
      ? intermittentChanges.both
      : intermittentChanges.mr
    : byRef
      ? intermittentChanges.ref
      : intermittentChanges.none;
  // A placeholder's value reaches the driver as it is: the time as text, as the column's own mapping would send it.
  const [row] = await query(db).execute({
    fingerprint: q.fingerprint,
    since: q.since.toISOString(),
    ...(byMergeRequest ? { mergeRequestIid: q.mergeRequestIid } : {}),
    ...(byRef ? { ref: q.ref } : {}),
  });
  return Number(row?.n ?? 0);
}
