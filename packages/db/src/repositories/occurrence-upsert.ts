import { sql, type SQL } from 'drizzle-orm';
import type { TJobVerdict } from '@cia/contracts';
import type { TDb } from '../client';
import { incidentOccurrences } from '../schema';
import type { TSighting } from './incident-state';
import type { TIncidentIdentity } from './incidents.repo';

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

/** One job's sighting of its incident, applied to the incident when the transaction ends (applySightings). */
export type TIncidentSighting = { incidentId: number; fingerprint: string; newOccurrence: boolean; seen: TSighting };

type TOccurrenceInsert = typeof incidentOccurrences.$inferInsert;
type TOccurrenceColumn = keyof TOccurrenceInsert;

/** In an upsert's RETURNING: xmax is 0 only for a row the statement inserted; an update of an existing one is no new occurrence. */
export const INSERTED = sql<boolean>`(xmax = 0)`;

/** The incident_occurrences row of a job's occurrence; its verdict names the incident. */
export function occurrenceRow(input: TOccurrenceInput, incidentId: number | null): TOccurrenceInsert {
  return {
    incidentId,
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
    verdict: { ...input.verdict, incident_id: incidentId },
    safeToMerge: input.verdict.safe_to_merge,
    facts: input.facts,
    comparedPipelineId: input.comparedPipelineId,
  };
}

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

/**
 * The statement storing occurrences (not yet run: the caller adds RETURNING or embeds it in a
 * larger statement). A job's occurrence is one row per (project, job): a job analysed again
 * replaces it, without counting it twice.
 */
export function occurrenceUpsert(db: TDb, rows: TOccurrenceInsert[], at: Date) {
  const replaced = Object.keys(rows[0] ?? {}).filter((k) => k !== 'projectId' && k !== 'jobId') as TOccurrenceColumn[];
  return db
    .insert(incidentOccurrences)
    .values(rows)
    .onConflictDoUpdate({
      target: [incidentOccurrences.projectId, incidentOccurrences.jobId],
      set: { ...replacedWithProposed(replaced), updatedAt: at },
    });
}

/** The sighting an occurrence gives its incident (none without an incident). */
export function sightingOf(
  input: TOccurrenceInput,
  incidentId: number | null,
  inserted: boolean,
  at: Date,
): { sighting?: TIncidentSighting } {
  if (incidentId === null) return {};
  const seen: TSighting = { pipelineId: input.pipelineId, sha: input.sha, onDefaultBranch: input.onDefaultBranch, at };
  return { sighting: { incidentId, fingerprint: input.fingerprint, newOccurrence: inserted, seen } };
}
