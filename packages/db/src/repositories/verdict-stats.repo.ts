import { eq, sql, type SQL } from 'drizzle-orm';
import type { TVerdictStats, TVerdictKind } from '@cia/contracts';
import type { TDb } from '../client';
import { analyses, incidentOccurrences } from '../schema';

/** Verdicts that are a flaky suspicion whether or not the job was retried (`flaky_confirmed` only comes from a passing retry). */
const FLAKY_KINDS: readonly string[] = ['likely_flaky', 'flaky_confirmed'] satisfies TVerdictKind[];
/** A retry of an infrastructure failure tests the platform, not a flaky suspicion. */
const NOT_A_SUSPICION: readonly string[] = ['infrastructure'] satisfies TVerdictKind[];

type TKindCounts = { kind: string; jobs: number; retried: number; pending: number; passed: number; failed: number };

/**
 * The verdicts of the failed jobs of the analyses `where` selects (the summary's filters), and how
 * flaky suspicions fared when retried (the retry columns the retry flow fills). One grouped query;
 * a suspicion whose failed retry changed its verdict (e.g. to `caused_by_change`) is still counted,
 * through its retry.
 */
export async function summarizeVerdicts(db: TDb, where: SQL | undefined): Promise<TVerdictStats> {
  const o = incidentOccurrences;
  const count = (condition?: SQL) =>
    (condition ? sql<number>`count(*) filter (where ${condition})` : sql<number>`count(*)`).mapWith(Number);
  const rows: TKindCounts[] = await db
    .select({
      kind: o.verdictKind,
      jobs: count(),
      retried: count(sql`${o.retryJobId} is not null`),
      pending: count(sql`${o.retryStatus} = 'pending'`),
      passed: count(sql`${o.retryStatus} = 'passed'`),
      failed: count(sql`${o.retryStatus} = 'failed'`),
    })
    .from(o)
    .innerJoin(analyses, eq(analyses.id, o.analysisId))
    .where(where)
    .groupBy(o.verdictKind);
  const suspicions = rows.filter((r) => !NOT_A_SUSPICION.includes(r.kind));
  const sum = (pick: (r: TKindCounts) => number) => suspicions.reduce((n, r) => n + pick(r), 0);
  const confirmed = sum((r) => r.passed);
  const refuted = sum((r) => r.failed);
  return {
    jobs: rows.reduce((n, r) => n + r.jobs, 0),
    by_kind: Object.fromEntries(rows.map((r) => [r.kind, r.jobs])),
    flaky: {
      suspected: sum((r) => (FLAKY_KINDS.includes(r.kind) ? r.jobs : r.retried)),
      retried: sum((r) => r.retried),
      pending: sum((r) => r.pending),
      confirmed,
      refuted,
      confirmed_share: confirmed + refuted > 0 ? confirmed / (confirmed + refuted) : null,
    },
  };
}
