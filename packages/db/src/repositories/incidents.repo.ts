import { and, eq, inArray, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { TJobVerdict } from '@cia/contracts';
import type { TDb } from '../client';
import { preparedFor } from '../prepared';
import { incidentOccurrences, incidents } from '../schema';
import { nextIncidentState, type TIncidentChange, type TIncidentRow, type TSighting } from './incident-state';

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

/** One failed job of an analysis with its verdict; `incident` absent for a failure without a log. */
export type TOccurrenceInput = {
  analysisId: number;
  projectId: number;
  pipelineId: number;
  jobId: number;
  jobName: string;
  ref: string | null;
  sha: string | null;
  mergeRequestIid: number | null;
  onDefaultBranch: boolean;
  targetBranch: string | null;
  fingerprint: string;
  verdict: TJobVerdict;
  facts: Record<string, unknown> | null;
  comparedPipelineId: number | null;
  incident?: TIncidentIdentity;
};

/**
 * Records one failed job: its incident opened or updated (last seen, count, the default branch's
 * red streak, reopened after a fix; see nextIncidentState) and its occurrence stored, the verdict
 * naming the incident, or, for a job analysed again, replaced without counting it twice. Run it
 * inside the analysis's transaction.
 */
export async function recordOccurrence(
  db: TDb,
  input: TOccurrenceInput,
  at: Date = new Date(),
): Promise<{ occurrenceId: number; incidentId: number | null }> {
  const incident = input.incident === undefined ? undefined : await lockIncident(db, input.incident, at);
  const values = {
    incidentId: incident?.id ?? null,
    analysisId: input.analysisId,
    projectId: input.projectId,
    pipelineId: input.pipelineId,
    jobId: input.jobId,
    jobName: input.jobName,
    ref: input.ref,
    sha: input.sha,
    mergeRequestIid: input.mergeRequestIid,
    onDefaultBranch: input.onDefaultBranch,
    targetBranch: input.targetBranch,
    fingerprint: input.fingerprint,
    verdictKind: input.verdict.kind,
    verdict: { ...input.verdict, incident_id: incident?.id ?? null },
    safeToMerge: input.verdict.safe_to_merge,
    facts: input.facts,
    comparedPipelineId: input.comparedPipelineId,
  };
  const { projectId: _p, jobId: _j, ...update } = values;
  const [row] = await db
    .insert(incidentOccurrences)
    .values(values)
    .onConflictDoUpdate({
      target: [incidentOccurrences.projectId, incidentOccurrences.jobId],
      set: { ...replacedWithProposed(Object.keys(update) as TOccurrenceColumn[]), updatedAt: at },
    })
    // xmax is 0 only for a row this statement inserted: an update of an existing one is no new occurrence.
    .returning({ id: incidentOccurrences.id, inserted: sql<boolean>`(xmax = 0)` });
  if (!row) throw new Error('occurrence upsert returned no row');
  if (incident !== undefined) {
    const sighting: TSighting = { pipelineId: input.pipelineId, sha: input.sha, onDefaultBranch: input.onDefaultBranch, at };
    const changed = changedColumns(incident, nextIncidentState(incident, sighting));
    if (row.inserted) changed.occurrences = incident.occurrences + 1;
    if (Object.keys(changed).length > 0) await db.update(incidents).set(changed).where(eq(incidents.id, incident.id));
  }
  return { occurrenceId: row.id, incidentId: incident?.id ?? null };
}

type TOccurrenceColumn = keyof typeof incidentOccurrences.$inferInsert;
const fromExcluded = new Map<TOccurrenceColumn, SQL>();

/**
 * A job analysed again: these columns take the new values, read from the row the insert
 * proposed (excluded) rather than sent a second time as parameters.
 */
function replacedWithProposed(columns: TOccurrenceColumn[]): Partial<Record<TOccurrenceColumn, SQL>> {
  const set: Partial<Record<TOccurrenceColumn, SQL>> = {};
  for (const key of columns) {
    let value = fromExcluded.get(key);
    if (value === undefined) fromExcluded.set(key, (value = sql`excluded.${sql.identifier(incidentOccurrences[key].name)}`));
    set[key] = value;
  }
  return set;
}

/** What recording a sighting reads of its incident: the id, the count and the state it may change, not the identity. */
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
 * The incident of a fingerprint, created when new, locked for this transaction's update. Most
 * failures are seen again: the lock is tried first, one statement for a known incident.
 */
async function lockIncident(db: TDb, identity: TIncidentIdentity, at: Date): Promise<TLockedIncident> {
  const existing = await selectForUpdate(db, identity.fingerprint);
  if (existing) return existing;
  const [created] = await db
    .insert(incidents)
    .values({ ...identity, firstSeenAt: at, lastSeenAt: at })
    .onConflictDoNothing({ target: incidents.fingerprint })
    .returning(LOCKED_COLUMNS);
  if (created) return created;
  // Another analysis created it since our select: it is committed now (the insert waited for it).
  const raced = await selectForUpdate(db, identity.fingerprint);
  if (!raced) throw new Error(`incident ${identity.fingerprint} vanished`);
  return raced;
}

async function selectForUpdate(db: TDb, fingerprint: string): Promise<TLockedIncident | undefined> {
  const [row] = await db.select(LOCKED_COLUMNS).from(incidents).where(eq(incidents.fingerprint, fingerprint)).for('update');
  return row;
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
