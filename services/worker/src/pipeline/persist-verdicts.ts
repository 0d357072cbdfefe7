import type { TAnalysisResult, TJobVerdict } from '@cia/contracts';
import { findIncidentIds, insertOccurrence, type TDb, type TIncidentSighting, type TKnownOccurrence } from '@cia/db';
import type { TDecidedVerdicts } from './decide-verdicts';

/** Each failed job of the result with its verdict; jobs without one are left as they are. */
export function withVerdicts(result: TAnalysisResult, verdicts: Map<number, TJobVerdict>): TAnalysisResult {
  if (verdicts.size === 0) return result;
  return {
    ...result,
    failed_jobs: result.failed_jobs.map((j) => (verdicts.has(j.job_id) ? { ...j, verdict: verdicts.get(j.job_id) } : j)),
  };
}

/** The order occurrences are written in by every analysis (by fingerprint), so two never wait on each other. */
function inWriteOrder(decided: TDecidedVerdicts): TDecidedVerdicts['records'] {
  return [...decided.records].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.jobId - b.jobId));
}

/**
 * The verdicts' occurrences with their incidents' ids and the result naming them, when every
 * incident they need exists already (one lookup), so the analysis completes in one statement
 * (completeAnalysisAtOnce). Undefined when an incident is new: recordVerdicts creates it in the
 * analysis's transaction. Incidents are never deleted, so an id found here is still valid.
 */
export async function withKnownIncidents(
  db: TDb,
  analysisId: number,
  decided: TDecidedVerdicts,
  result: TAnalysisResult,
): Promise<{ occurrences: TKnownOccurrence[]; result: TAnalysisResult } | undefined> {
  const wanted = decided.records.flatMap((r) => (r.incident ? [r.incident.fingerprint] : []));
  const ids = await findIncidentIds(db, wanted);
  if (wanted.some((fingerprint) => !ids.has(fingerprint))) return undefined;
  const occurrences = inWriteOrder(decided).map((r) => ({
    input: { ...r, analysisId },
    incidentId: r.incident ? (ids.get(r.incident.fingerprint) as number) : null,
  }));
  const verdicts = new Map(occurrences.map(({ input, incidentId }) => [input.jobId, { ...input.verdict, incident_id: incidentId }]));
  return { occurrences, result: withVerdicts(result, verdicts) };
}

/**
 * The persist step's part for verdicts, inside the analysis's transaction: each job's occurrence
 * stored (its incident created when new) and the result returned with each job's verdict naming
 * its incident, with the sightings that update the incidents at the transaction's end
 * (applySightings).
 */
export async function recordVerdicts(
  tx: TDb,
  analysisId: number,
  decided: TDecidedVerdicts,
  result: TAnalysisResult,
): Promise<{ result: TAnalysisResult; sightings: TIncidentSighting[] }> {
  const verdicts = new Map<number, TJobVerdict>();
  const sightings: TIncidentSighting[] = [];
  // New incidents are created in one order (by fingerprint) by every analysis: two never wait on each other.
  for (const occurrence of inWriteOrder(decided)) {
    const { incidentId, sighting } = await insertOccurrence(tx, { ...occurrence, analysisId });
    verdicts.set(occurrence.jobId, { ...occurrence.verdict, incident_id: incidentId });
    if (sighting) sightings.push(sighting);
  }
  return { result: withVerdicts(result, verdicts), sightings };
}
