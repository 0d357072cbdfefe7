import { and, asc, desc, eq, gte, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { TDb } from '../client';
import { incidentOccurrences, incidents } from '../schema';
import type { TIncidentRow } from './incident-state';
import { findIncidentWithPath, PROJECT_PATH } from './incident-lists.repo';

/**
 * What the incident digest and the new-incident notice read: the open incidents with the most
 * occurrences (failed jobs) in a period, their verdicts in it, the period's totals.
 */

/** A period [start, end) and, when POSTBACK_PROJECTS narrows it, the projects it may name. */
export type TDigestWindow = { start: Date; end: Date; projectIds?: readonly number[] };

export type TDigestIncident = {
  row: TIncidentRow;
  projectPath: string | null;
  occurrencesInPeriod: number;
  verdicts: Record<string, number>;
};

export type TDigestTotals = { incidents: number; occurrences: number; newIncidents: number; redOnDefaultBranch: number };

const o = incidentOccurrences;
const count = (what: SQL) => sql<number>`${what}`.mapWith(Number);

/** Occurrences recorded in the period: a job analysed again keeps its first time. */
const inWindow = (window: TDigestWindow) =>
  and(eq(o.incidentId, incidents.id), gte(o.createdAt, window.start), lt(o.createdAt, window.end));

function openIncidentsOf(window: TDigestWindow): SQL | undefined {
  return and(eq(incidents.status, 'open'), window.projectIds ? inArray(incidents.projectId, [...window.projectIds]) : undefined);
}

/** Occurrences by verdict kind in the period (without one: all of them), per incident. */
async function verdictsOf(db: TDb, window: TDigestWindow | undefined, incidentIds: number[]): Promise<Map<number, Record<string, number>>> {
  const byIncident = new Map<number, Record<string, number>>(incidentIds.map((id) => [id, {}]));
  if (incidentIds.length === 0) return byIncident;
  const rows = await db
    .select({ incidentId: o.incidentId, kind: o.verdictKind, n: count(sql`count(*)`) })
    .from(o)
    .where(
      and(
        inArray(o.incidentId, incidentIds),
        window ? gte(o.createdAt, window.start) : undefined,
        window ? lt(o.createdAt, window.end) : undefined,
      ),
    )
    .groupBy(o.incidentId, o.verdictKind);
  for (const r of rows) if (r.incidentId !== null) byIncident.get(r.incidentId)![r.kind] = r.n;
  return byIncident;
}

/** The `limit` open incidents with the most occurrences in the period (then the most in total, then the oldest). */
export async function topIncidentsOfPeriod(db: TDb, window: TDigestWindow, limit: number): Promise<TDigestIncident[]> {
  if (window.projectIds?.length === 0) return [];
  const inPeriod = count(sql`count(${o.id})`);
  const rows = await db
    .select({ row: incidents, projectPath: PROJECT_PATH, inPeriod })
    .from(incidents)
    .innerJoin(o, inWindow(window))
    .where(openIncidentsOf(window))
    .groupBy(incidents.id)
    .orderBy(desc(inPeriod), desc(incidents.occurrences), asc(incidents.id))
    .limit(limit);
  const verdicts = await verdictsOf(
    db,
    window,
    rows.map((r) => r.row.id),
  );
  return rows.map((r) => ({ row: r.row, projectPath: r.projectPath, occurrencesInPeriod: r.inPeriod, verdicts: verdicts.get(r.row.id)! }));
}

/** The period's open incidents, their occurrences, how many were new in it and how many keep the default branch red. */
export async function digestTotals(db: TDb, window: TDigestWindow): Promise<TDigestTotals> {
  const none = { incidents: 0, occurrences: 0, newIncidents: 0, redOnDefaultBranch: 0 };
  if (window.projectIds?.length === 0) return none;
  const [row] = await db
    .select({
      incidents: count(sql`count(distinct ${incidents.id})`),
      occurrences: count(sql`count(${o.id})`),
      newIncidents: count(sql`count(distinct ${incidents.id}) filter (where ${incidents.firstSeenAt} >= ${window.start})`),
      redOnDefaultBranch: count(sql`count(distinct ${incidents.id}) filter (where ${incidents.failingSincePipelineId} is not null)`),
    })
    .from(incidents)
    .innerJoin(o, inWindow(window))
    .where(openIncidentsOf(window));
  return row ?? none;
}

/** The projects with open incidents seen in the period (to check each against POSTBACK_PROJECTS). */
export async function projectsWithIncidents(db: TDb, window: Pick<TDigestWindow, 'start' | 'end'>): Promise<number[]> {
  const rows = await db
    .selectDistinct({ projectId: incidents.projectId })
    .from(incidents)
    .innerJoin(o, inWindow(window))
    .where(eq(incidents.status, 'open'));
  return rows.map((r) => r.projectId);
}

/** One incident as a notice shows it, every occurrence counted ("the period" is its whole life). */
export async function readIncidentNotice(db: TDb, incidentId: number): Promise<TDigestIncident | undefined> {
  const found = await findIncidentWithPath(db, incidentId);
  if (!found) return undefined;
  const verdicts = await verdictsOf(db, undefined, [incidentId]);
  return { ...found, occurrencesInPeriod: found.row.occurrences, verdicts: verdicts.get(incidentId)! };
}

/**
 * The incidents this analysis opened on the default branch: their first occurrence (the lowest
 * id; a job analysed again keeps its row) is one of its jobs there. An incident first seen in a
 * merge request or on another branch is not among them, even when the default branch fails later.
 */
export async function incidentsOpenedOnDefaultBranch(db: TDb, analysisId: number): Promise<number[]> {
  const first = sql.raw(`not exists (select 1 from incident_occurrences earlier
    where earlier.incident_id = incident_occurrences.incident_id and earlier.id < incident_occurrences.id)`);
  const rows = await db
    .selectDistinct({ incidentId: o.incidentId })
    .from(o)
    .where(and(eq(o.analysisId, analysisId), eq(o.onDefaultBranch, true), isNotNull(o.incidentId), first));
  return rows.flatMap((r) => (r.incidentId === null ? [] : [r.incidentId])).sort((a, b) => a - b);
}
