import { and, eq, gte, inArray, isNull, ne, notInArray, or, sql } from 'drizzle-orm';
import type { TDb } from '../client';
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

/** Other failed jobs with this fingerprint on this very commit (re-runs, other pipelines of the commit). */
export async function countSameCommitFailures(db: TDb, q: { fingerprint: string; sha: string; exceptJobId: number }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(incidentOccurrences)
    .where(
      and(
        eq(incidentOccurrences.fingerprint, q.fingerprint),
        eq(incidentOccurrences.sha, q.sha),
        ne(incidentOccurrences.jobId, q.exceptJobId),
      ),
    );
  return Number(row?.n ?? 0);
}

/** Verdicts that say the target branch explained the failure: such a change is no evidence of flakiness. */
const EXPLAINED_BY_TARGET = ['already_failing', 'fixed_on_target'];

/**
 * Other changes (merge requests, else branches) off the default branch where this fingerprint
 * failed since `since` while the target branch did not fail with it: the same failure coming and
 * going on unrelated work. The change itself (its merge request or its branch) is not counted.
 */
export async function countIntermittentChanges(
  db: TDb,
  q: { fingerprint: string; ref: string | null; mergeRequestIid: number | null; since: Date },
): Promise<number> {
  const o = incidentOccurrences;
  // Neither this merge request nor its source branch (whose branch pipelines are the same change).
  const otherChange = and(
    q.mergeRequestIid === null ? undefined : or(isNull(o.mergeRequestIid), ne(o.mergeRequestIid, q.mergeRequestIid)),
    q.ref === null ? undefined : or(isNull(o.ref), ne(o.ref, q.ref)),
  );
  const [row] = await db
    .select({ n: sql<number>`count(distinct coalesce('mr:' || ${o.mergeRequestIid}::text, 'ref:' || ${o.ref}))::int` })
    .from(o)
    .where(
      and(
        eq(o.fingerprint, q.fingerprint),
        eq(o.onDefaultBranch, false),
        notInArray(o.verdictKind, EXPLAINED_BY_TARGET),
        gte(o.createdAt, q.since),
        otherChange,
      ),
    );
  return Number(row?.n ?? 0);
}
