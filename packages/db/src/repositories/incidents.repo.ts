import { and, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { TDb } from '../client';
import { preparedFor } from '../prepared';
import { incidentOccurrences, incidents } from '../schema';
import { nextIncidentState, type TIncidentChange, type TIncidentRow } from './incident-state';
import { INSERTED, occurrenceRow, occurrenceUpsert, sightingOf, type TIncidentSighting, type TOccurrenceInput } from './occurrence-upsert';

export type { TIncidentRow } from './incident-state';
export type TOccurrenceRow = typeof incidentOccurrences.$inferSelect;

/** What an incident is made of, from the first failure that opens it. */
export type TIncidentIdentity = {
  fingerprint: string;
  signature: string;
  projectId: number;
  /** The job's base name. */
  jobName: string;
  failureReason: string | null;
  category: string | null;
  title: string;
  identityLines: string[];
  defaultBranch: string | null;
};

export type { TIncidentSighting, TOccurrenceInput } from './occurrence-upsert';

/**
 * Records one failed job: its occurrence stored and its incident opened or updated (last seen,
 * count, the default branch's red streak, reopened after a fix; see nextIncidentState), or, for a
 * job analysed again, replaced without counting it twice. The worker's persist step does the same
 * in two parts: insertOccurrence for each job in the analysis's transaction, applySightings after it.
 */
export async function recordOccurrence(
  db: TDb,
  input: TOccurrenceInput,
  at: Date = new Date(),
): Promise<{ occurrenceId: number; incidentId: number | null }> {
  const { occurrenceId, incidentId, sighting } = await insertOccurrence(db, input, at);
  if (sighting) await applySightings(db, [sighting]);
  return { occurrenceId, incidentId };
}

/**
 * The occurrence of one failed job, with its incident's id (the incident created when new), and
 * the sighting that applySightings later counts. Takes no lock on the incident.
 */
export async function insertOccurrence(
  db: TDb,
  input: TOccurrenceInput,
  at: Date = new Date(),
): Promise<{ occurrenceId: number; incidentId: number | null; sighting?: TIncidentSighting }> {
  const incidentId = input.incident === undefined ? null : await incidentIdFor(db, input.incident, at);
  const [row] = await occurrenceUpsert(db, [occurrenceRow(input, incidentId)], at).returning({
    id: incidentOccurrences.id,
    inserted: INSERTED,
  });
  if (!row) throw new Error('occurrence upsert returned no row');
  return { occurrenceId: row.id, incidentId, ...sightingOf(input, incidentId, row.inserted, at) };
}

/**
 * The incidents after an analysis's sightings, run once its transaction has committed: a
 * widespread failure has every analysis update the same incident row, and a row lock held to the
 * end of each analysis's transaction made those analyses wait on each other (two worker processes
 * did no more than one). Off the default branch a sighting moves only the count and the last-seen
 * time: one statement that adds to the row as it is. On the default branch the red streak and a
 * reopening are decided from the row locked in a transaction of their own (nextIncidentState).
 * Incidents go in fingerprint order, so two analyses never wait on each other. A worker killed
 * between the commit and this leaves the count one short; the occurrence itself is stored.
 */
export async function applySightings(db: TDb, sightings: readonly TIncidentSighting[]): Promise<void> {
  const byIncident = new Map<number, TIncidentSighting[]>();
  for (const s of sightings) byIncident.set(s.incidentId, [...(byIncident.get(s.incidentId) ?? []), s]);
  const groups = [...byIncident.values()].sort((a, b) => ((a[0]?.fingerprint ?? '') < (b[0]?.fingerprint ?? '') ? -1 : 1));
  for (const group of groups) {
    const incidentId = (group[0] as TIncidentSighting).incidentId;
    const added = group.filter((s) => s.newOccurrence).length;
    if (group.some((s) => s.seen.onDefaultBranch)) {
      await db.transaction((tx) => applyDefaultBranchSightings(tx, incidentId, group, added));
      continue;
    }
    const lastSeen = group.reduce((max, s) => (s.seen.at > max ? s.seen.at : max), (group[0] as TIncidentSighting).seen.at);
    await db
      .update(incidents)
      .set({
        occurrences: sql`${incidents.occurrences} + ${added}`,
        lastSeenAt: sql`greatest(${incidents.lastSeenAt}, ${lastSeen.toISOString()}::timestamptz)`,
      })
      .where(eq(incidents.id, incidentId));
  }
}

async function applyDefaultBranchSightings(db: TDb, incidentId: number, group: TIncidentSighting[], added: number): Promise<void> {
  // NO KEY UPDATE, as an UPDATE itself locks: it does not wait for transactions still inserting occurrences of the incident (their foreign key's KEY SHARE).
  const [locked] = await db.select(LOCKED_COLUMNS).from(incidents).where(eq(incidents.id, incidentId)).for('no key update');
  if (!locked) throw new Error(`incident ${incidentId} vanished`);
  const after = group.reduce((state, s) => nextIncidentState(state, s.seen), locked as TIncidentChange);
  const changed = changedColumns(locked, after);
  if (added > 0) changed.occurrences = locked.occurrences + added;
  if (Object.keys(changed).length > 0) await db.update(incidents).set(changed).where(eq(incidents.id, incidentId));
}

/** What a default-branch sighting reads of its incident: the id, the count and the state it may change, not the identity. */
const LOCKED_COLUMNS = {
  id: incidents.id,
  occurrences: incidents.occurrences,
  status: incidents.status,
  lastSeenAt: incidents.lastSeenAt,
  failingSincePipelineId: incidents.failingSincePipelineId,
  failingSinceSha: incidents.failingSinceSha,
  failingSinceAt: incidents.failingSinceAt,
  lastDefaultPipelineId: incidents.lastDefaultPipelineId,
  fixedPipelineId: incidents.fixedPipelineId,
  fixedSha: incidents.fixedSha,
  fixedAt: incidents.fixedAt,
} satisfies Record<keyof TLockedIncident, unknown>;
type TLockedIncident = Pick<TIncidentRow, 'id' | 'occurrences'> & TIncidentChange;

/**
 * Only the columns a sighting changed: the update neither rewrites the incident's identity nor
 * costs the building and sending of columns that stay as they are.
 */
function changedColumns(before: TLockedIncident, after: TIncidentChange): Partial<TIncidentRow> {
  const changed: Partial<Record<keyof TIncidentChange, unknown>> = {};
  for (const key of Object.keys(after) as Array<keyof TIncidentChange>) {
    const [was, now] = [before[key], after[key]];
    const same = was instanceof Date && now instanceof Date ? was.getTime() === now.getTime() : was === now;
    if (!same) changed[key] = now;
  }
  return changed as Partial<TIncidentRow>;
}

/**
 * The id of a fingerprint's incident, created when new (its counts come with the sightings).
 * Most failures are seen again: the lookup is tried first, one statement for a known incident.
 */
async function incidentIdFor(db: TDb, identity: TIncidentIdentity, at: Date): Promise<number> {
  // A plain query: it runs in the analysis's transaction, where a statement prepared on the pool cannot.
  const lookup = () => db.select({ id: incidents.id }).from(incidents).where(eq(incidents.fingerprint, identity.fingerprint));
  const [existing] = await lookup();
  if (existing) return existing.id;
  const [created] = await db
    .insert(incidents)
    .values({ ...identity, firstSeenAt: at, lastSeenAt: at })
    .onConflictDoNothing({ target: incidents.fingerprint })
    .returning({ id: incidents.id });
  if (created) return created.id;
  // Another analysis created it since our select: it is committed now (the insert waited for it).
  const [raced] = await lookup();
  if (!raced) throw new Error(`incident ${identity.fingerprint} vanished`);
  return raced.id;
}

export async function findIncident(db: TDb, incidentId: number): Promise<TIncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.id, incidentId)).limit(1);
  return row;
}

const incidentByFingerprint = preparedFor((db) =>
  db
    .select()
    .from(incidents)
    .where(eq(incidents.fingerprint, sql.placeholder('fingerprint')))
    .limit(1)
    .prepare('incident_by_fingerprint'),
);

export async function findIncidentByFingerprint(db: TDb, fingerprint: string): Promise<TIncidentRow | undefined> {
  const [row] = await incidentByFingerprint(db).execute({ fingerprint });
  return row;
}

const incidentIdsByFingerprint = preparedFor((db) =>
  db
    .select({ id: incidents.id, fingerprint: incidents.fingerprint })
    .from(incidents)
    .where(sql`${incidents.fingerprint} = any(${sql.placeholder('fingerprints')})`)
    .prepare('incident_ids_by_fingerprint'),
);

/** The ids of the incidents these fingerprints already have (a fingerprint without one is absent). */
export async function findIncidentIds(db: TDb, fingerprints: readonly string[]): Promise<Map<string, number>> {
  if (fingerprints.length === 0) return new Map();
  const rows = await incidentIdsByFingerprint(db).execute({ fingerprints: [...new Set(fingerprints)] });
  return new Map(rows.map((r) => [r.fingerprint, r.id]));
}

/** The webhook path's cheap check (a partial index): does the default branch of this project fail with an open incident? */
export async function hasOpenDefaultBranchIncidents(db: TDb, projectId: number): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(incidents)
    .where(and(eq(incidents.projectId, projectId), eq(incidents.status, 'open'), isNotNull(incidents.failingSincePipelineId)))
    .limit(1);
  return row !== undefined;
}

/**
 * A default-branch pipeline passed these jobs (base names): their incidents failing there are
 * fixed by it, unless a newer default-branch pipeline failed with them. Returns the fixed ones.
 */
export async function markIncidentsFixed(
  db: TDb,
  fix: { projectId: number; pipelineId: number; sha: string | null; passedJobNames: string[]; at?: Date },
): Promise<TIncidentRow[]> {
  if (fix.passedJobNames.length === 0) return [];
  return db
    .update(incidents)
    .set({
      status: 'fixed',
      fixedPipelineId: fix.pipelineId,
      fixedSha: fix.sha,
      fixedAt: fix.at ?? new Date(),
      failingSincePipelineId: null,
      failingSinceSha: null,
      failingSinceAt: null,
    })
    .where(
      and(
        eq(incidents.projectId, fix.projectId),
        eq(incidents.status, 'open'),
        isNotNull(incidents.failingSincePipelineId),
        inArray(incidents.jobName, fix.passedJobNames),
        lt(incidents.lastDefaultPipelineId, fix.pipelineId),
      ),
    )
    .returning();
}
