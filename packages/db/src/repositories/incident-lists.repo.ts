import { and, desc, eq, gte, sql, type SQL } from 'drizzle-orm';
import { INCIDENT_DETAIL_LIMITS, type TIncidentDetail, type TIncidentListItem, type TIncidentStatus } from '@cia/contracts';
import type { TDb } from '../client';
import { analyses, incidentOccurrences, incidents } from '../schema';
import { toIncidentView, toOccurrenceView } from './incident-views.repo';

/**
 * The incidents people and scripts read: lists with filters and keyset paging (GET /incidents, the
 * incidents page) and one incident with where it was seen, its occurrences and their verdicts.
 */

export type TIncidentFilters = {
  projectId?: number;
  status?: TIncidentStatus;
  category?: string;
  /** Seen (last) at or after. */
  since?: Date;
  /** true: failed on the default branch at least once; false: never there. */
  onDefaultBranch?: boolean;
  signature?: string;
  /** The job's base name. */
  jobName?: string;
};

/** Position after the last row of a page: last_seen_at as PostgreSQL's text (microseconds), then id. */
export type TIncidentCursor = { lastSeenAt: string; id: number };

export type TIncidentListPage = { items: TIncidentListItem[]; nextCursor: TIncidentCursor | null };

const o = incidentOccurrences;

function whereIncidents(filters: TIncidentFilters): SQL | undefined {
  const onDefault = sql.raw(`exists (select 1 from incident_occurrences io where io.incident_id = incidents.id and io.on_default_branch)`);
  return and(
    filters.projectId !== undefined ? eq(incidents.projectId, filters.projectId) : undefined,
    filters.status ? eq(incidents.status, filters.status) : undefined,
    filters.category ? eq(incidents.category, filters.category) : undefined,
    filters.since ? gte(incidents.lastSeenAt, filters.since) : undefined,
    filters.onDefaultBranch === undefined ? undefined : filters.onDefaultBranch ? onDefault : sql`not ${onDefault}`,
    filters.signature ? eq(incidents.signature, filters.signature) : undefined,
    filters.jobName ? eq(incidents.jobName, filters.jobName) : undefined,
  );
}

const CURSOR_TEXT = sql<string>`to_char(${incidents.lastSeenAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The path GitLab gave the project with the incident's newest occurrence (incidents keep the id
 * only). Spelled out: drizzle leaves columns unqualified in a one-table select, and `id` would
 * name the subquery's own rows.
 */
export const PROJECT_PATH = sql<string | null>`${sql.raw(`(
  select a.project ->> 'path' from incident_occurrences io join analyses a on a.id = io.analysis_id
  where io.incident_id = incidents.id order by io.created_at desc, io.id desc limit 1)`)}`;

/**
 * Last seen first, keyset-paginated on (last_seen_at, id). An incident seen again while a client
 * pages moves to the top: it is on the first page of the next walk, never twice in one.
 */
export async function listIncidents(
  db: TDb,
  filters: TIncidentFilters,
  page: { limit: number; cursor?: TIncidentCursor },
): Promise<TIncidentListPage> {
  const after = page.cursor
    ? sql`(${incidents.lastSeenAt}, ${incidents.id}) < (${page.cursor.lastSeenAt}::timestamptz, ${page.cursor.id})`
    : undefined;
  const found = await db
    .select({ row: incidents, cursorAt: CURSOR_TEXT, projectPath: PROJECT_PATH })
    .from(incidents)
    .where(and(whereIncidents(filters), after))
    .orderBy(desc(incidents.lastSeenAt), desc(incidents.id))
    .limit(page.limit + 1);
  const rows = found.slice(0, page.limit);
  const last = found.length > page.limit ? rows[rows.length - 1] : undefined;
  return {
    items: rows.map((r) => ({ ...toIncidentView(r.row), project_path: r.projectPath })),
    nextCursor: last ? { lastSeenAt: last.cursorAt, id: last.row.id } : null,
  };
}

/** Occurrences by verdict kind, and the refs and merge requests it failed on, most recent first. */
async function whereSeen(db: TDb, incidentId: number): Promise<Pick<TIncidentDetail, 'verdicts' | 'refs' | 'merge_requests'>> {
  const mine = eq(o.incidentId, incidentId);
  const lastSeen = sql<Date>`max(${o.createdAt})`.mapWith(o.createdAt);
  const count = sql<number>`count(*)`.mapWith(Number);
  const [kinds, refs, mergeRequests] = await Promise.all([
    db.select({ kind: o.verdictKind, n: count }).from(o).where(mine).groupBy(o.verdictKind),
    db
      .select({ ref: o.ref, onDefault: sql<boolean>`bool_or(${o.onDefaultBranch})`, n: count, last: lastSeen })
      .from(o)
      .where(mine)
      .groupBy(o.ref)
      .orderBy(desc(lastSeen), o.ref)
      .limit(INCIDENT_DETAIL_LIMITS.refs),
    db
      .select({ iid: sql<number>`${o.mergeRequestIid}`.mapWith(Number), n: count, last: lastSeen })
      .from(o)
      .where(and(mine, sql`${o.mergeRequestIid} is not null`))
      .groupBy(o.mergeRequestIid)
      .orderBy(desc(lastSeen), o.mergeRequestIid)
      .limit(INCIDENT_DETAIL_LIMITS.mergeRequests),
  ]);
  return {
    verdicts: Object.fromEntries(kinds.map((k) => [k.kind, k.n])),
    refs: refs.map((r) => ({ ref: r.ref, on_default_branch: Boolean(r.onDefault), occurrences: r.n, last_seen_at: r.last.toISOString() })),
    merge_requests: mergeRequests.map((m) => ({ iid: m.iid, occurrences: m.n, last_seen_at: m.last.toISOString() })),
  };
}

/** The newest occurrences with the analysis each belongs to. */
async function recentOccurrences(db: TDb, incidentId: number): Promise<TIncidentDetail['recent_occurrences']> {
  const rows = await db
    .select({ row: o, requestId: analyses.requestId, projectPath: sql<string | null>`${analyses.project} ->> 'path'` })
    .from(o)
    .innerJoin(analyses, eq(analyses.id, o.analysisId))
    .where(eq(o.incidentId, incidentId))
    .orderBy(desc(o.createdAt), desc(o.id))
    .limit(INCIDENT_DETAIL_LIMITS.occurrences);
  return rows.map((r) => ({ ...toOccurrenceView(r.row), request_id: r.requestId, project_path: r.projectPath }));
}

/** One incident's row with its project's path (from its newest analysis); undefined when there is none with this id. */
export async function findIncidentWithPath(db: TDb, incidentId: number) {
  const [found] = await db
    .select({ row: incidents, projectPath: PROJECT_PATH })
    .from(incidents)
    .where(eq(incidents.id, incidentId))
    .limit(1);
  return found;
}

/** One incident as GET /incidents/:id answers it; undefined when there is none with this id. */
export async function readIncidentDetail(db: TDb, incidentId: number): Promise<TIncidentDetail | undefined> {
  const found = await findIncidentWithPath(db, incidentId);
  if (!found) return undefined;
  const [seen, occurrences, sameSignature] = await Promise.all([
    whereSeen(db, incidentId),
    recentOccurrences(db, incidentId),
    // One more than shown: the incident itself is among them.
    listIncidents(db, { signature: found.row.signature }, { limit: INCIDENT_DETAIL_LIMITS.sameSignature + 1 }),
  ]);
  return {
    ...toIncidentView(found.row),
    project_path: found.projectPath,
    ...seen,
    recent_occurrences: occurrences,
    same_signature: sameSignature.items.filter((i) => i.id !== incidentId).slice(0, INCIDENT_DETAIL_LIMITS.sameSignature),
  };
}
