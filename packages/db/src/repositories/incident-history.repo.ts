import { and, desc, eq, gte, inArray, isNull, ne, notInArray, or, sql } from 'drizzle-orm';
import type { TDb } from '../client';
import { preparedFor } from '../prepared';
import { incidentOccurrences } from '../schema';

/**
 * What our own history says about a failure, for its verdict: each lookup one indexed query
 * (incident_occurrences by fingerprint and commit, by fingerprint newest first, or by job), bounded
 * so that a fingerprint's long history costs no more than a short one.
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

/**
 * History counts stop at this many: enough for any verdict and its wording, and a lookup that
 * costs the same on a fingerprint's ten-thousandth failure as on its first.
 */
export const HISTORY_COUNT_CAP = 100;
/** The recent failures of a fingerprint off the default branch that are read for intermittency. */
export const RECENT_OFF_DEFAULT_FAILURES = 200;

const sameCommitFailures = preparedFor((db) => {
  const o = incidentOccurrences;
  const matches = db
    .select({ one: sql`1`.as('one') })
    .from(o)
    .where(
      and(
        eq(o.fingerprint, sql.placeholder('fingerprint')),
        eq(o.sha, sql.placeholder('sha')),
        ne(o.jobId, sql.placeholder('exceptJobId')),
      ),
    )
    .limit(HISTORY_COUNT_CAP)
    .as('matches');
  return db
    .select({ n: sql<number>`count(*)::int` })
    .from(matches)
    .prepare('count_same_commit_failures');
});

/** Other failed jobs with this fingerprint on this very commit (re-runs, other pipelines of the commit), up to HISTORY_COUNT_CAP. */
export async function countSameCommitFailures(db: TDb, q: { fingerprint: string; sha: string; exceptJobId: number }): Promise<number> {
  const [row] = await sameCommitFailures(db).execute(q);
  return Number(row?.n ?? 0);
}

/** Verdicts that say the target branch explained the failure: such a change is no evidence of flakiness. */
const EXPLAINED_BY_TARGET = ['already_failing', 'fixed_on_target'];

/**
 * One prepared statement per shape: the change's merge request and its branch, each known or not.
 * The newest RECENT_OFF_DEFAULT_FAILURES failures of the fingerprint off the default branch are
 * read (an index range, newest first), then the change's own and the explained ones left out: a
 * change that fails a thousand times costs no more than one that failed once.
 */
function intermittentChangesQuery(shape: { byMergeRequest: boolean; byRef: boolean }) {
  const o = incidentOccurrences;
  const name = `count_intermittent_changes${shape.byMergeRequest ? '_mr' : ''}${shape.byRef ? '_ref' : ''}`;
  return preparedFor((db) => {
    const recent = db
      .select({ mergeRequestIid: o.mergeRequestIid, ref: o.ref, verdictKind: o.verdictKind })
      .from(o)
      // `= false` written out, not a parameter: only then may the planner use the partial index.
      .where(
        and(
          eq(o.fingerprint, sql.placeholder('fingerprint')),
          sql`${o.onDefaultBranch} = false`,
          gte(o.createdAt, sql.placeholder('since')),
        ),
      )
      .orderBy(desc(o.createdAt))
      .limit(RECENT_OFF_DEFAULT_FAILURES)
      .as('recent');
    return db
      .select({ n: sql<number>`count(distinct coalesce('mr:' || ${recent.mergeRequestIid}::text, 'ref:' || ${recent.ref}))::int` })
      .from(recent)
      .where(
        and(
          notInArray(recent.verdictKind, EXPLAINED_BY_TARGET),
          // Neither this merge request nor its source branch (whose branch pipelines are the same change).
          shape.byMergeRequest
            ? or(isNull(recent.mergeRequestIid), ne(recent.mergeRequestIid, sql.placeholder('mergeRequestIid')))
            : undefined,
          shape.byRef ? or(isNull(recent.ref), ne(recent.ref, sql.placeholder('ref'))) : undefined,
        ),
      )
      .prepare(name);
  });
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
 * Read from the fingerprint's newest RECENT_OFF_DEFAULT_FAILURES failures off the default branch.
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
