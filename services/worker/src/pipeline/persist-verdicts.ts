import type { TAnalysisResult, TJobVerdict } from '@cia/contracts';
import { insertOccurrence, type TDb, type TIncidentSighting } from '@cia/db';
import type { TDecidedVerdicts } from './decide-verdicts';

/** Each failed job of the result with its verdict; jobs without one are left as they are. */
export function withVerdicts(result: TAnalysisResult, verdicts: Map<number, TJobVerdict>): TAnalysisResult {
  if (verdicts.size === 0) return result;
  return {
    ...result,
    failed_jobs: result.failed_jobs.map((j) => (verdicts.has(j.job_id) ? { ...j, verdict: verdicts.get(j.job_id) } : j)),
  };
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
  const byFingerprint = [...decided.records].sort((a, b) =>
    a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.jobId - b.jobId,
  );
  for (const occurrence of byFingerprint) {
    const { incidentId, sighting } = await insertOccurrence(tx, { ...occurrence, analysisId });
    verdicts.set(occurrence.jobId, { ...occurrence.verdict, incident_id: incidentId });
    if (sighting) sightings.push(sighting);
  }
  return { result: withVerdicts(result, verdicts), sightings };
}
