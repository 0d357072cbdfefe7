import crypto from 'node:crypto';
import { and, eq, gte, sql } from 'drizzle-orm';
import type { TAnalysisResult, TCategory, TExcerptLine } from '@cia/contracts';
import { fingerprints, type TDb } from '@cia/db';
import { fingerprint } from '@cia/log-intel';
import type { TAnalysisInput } from './analysis-input.schema';

/**
 * The identity of a pipeline's failure: each failed job's log-intel fingerprint (job name,
 * category, normalised failure lines) with GitLab's failure reason, order-independent.
 */
export function computePipelineFingerprint(input: TAnalysisInput, categoryOf: (jobId: number) => TCategory | undefined): string {
  const parts = input.failed_jobs
    .map((job) => `${fingerprint({ jobName: job.name, category: categoryOf(job.id), lines: job.excerpt })}|${job.failure_reason ?? ''}`)
    .sort();
  return crypto.createHash('sha256').update(`cia-pipeline-fp/1\n${parts.join('\n')}`).digest('hex').slice(0, 32);
}

/** Without log lines a fingerprint is little more than job names: too weak to reuse an answer for. */
export function isFingerprintReliable(input: TAnalysisInput): boolean {
  return input.failed_jobs.length > 0 && input.failed_jobs.every((j) => j.excerpt.length > 0);
}

export type TCachedResult = { result: TAnalysisResult; storedAt: Date; hits: number; analysisId: number | null };

/**
 * The result stored for a fingerprint within the TTL, counting the hit. `last_seen_at` holds the
 * time the result was stored: hits do not move it, so a popular answer still expires.
 */
export async function findCachedResult(db: TDb, fp: string, ttlHours: number, now: Date = new Date()): Promise<TCachedResult | null> {
  if (ttlHours <= 0) return null;
  const cutoff = new Date(now.getTime() - ttlHours * 3_600_000);
  const [row] = await db
    .update(fingerprints)
    .set({ hits: sql`${fingerprints.hits} + 1` })
    .where(and(eq(fingerprints.fingerprint, fp), gte(fingerprints.lastSeenAt, cutoff)))
    .returning();
  if (!row) return null;
  return { result: row.result, storedAt: row.lastSeenAt, hits: row.hits, analysisId: row.analysisId };
}

/** Stores (or replaces) the result of a fingerprint; call it as soon as a paid answer is valid. */
export async function storeCachedResult(
  db: TDb,
  entry: { fingerprint: string; result: TAnalysisResult; analysisId?: number | null },
  now: Date = new Date(),
): Promise<void> {
  const values = { result: entry.result, category: entry.result.category, analysisId: entry.analysisId ?? null, lastSeenAt: now };
  await db
    .insert(fingerprints)
    .values({ fingerprint: entry.fingerprint, ...values })
    .onConflictDoUpdate({ target: fingerprints.fingerprint, set: values });
}

/**
 * A cached result made to describe this pipeline: its jobs, ids and excerpts, with the findings
 * carried over by job name (the fingerprint includes job names, so they line up).
 */
export function retargetCachedResult(
  cached: TCachedResult,
  input: TAnalysisInput,
  excerpts: Map<number, TExcerptLine[]>,
): TAnalysisResult {
  const findingsByName = new Map(cached.result.failed_jobs.map((j) => [j.name, j.findings]));
  const origin = cached.result.source ? `${cached.result.source.kind}: ${cached.result.source.detail}` : 'unknown source';
  return {
    ...cached.result,
    failed_jobs: input.failed_jobs.map((job) => ({
      job_id: job.id,
      name: job.name,
      stage: job.stage,
      excerpt: excerpts.get(job.id) ?? job.excerpt,
      findings: findingsByName.get(job.name) ?? [],
    })),
    source: {
      kind: 'cache',
      detail: `same failure analysed ${cached.storedAt.toISOString()}${cached.analysisId ? ` (analysis ${cached.analysisId})` : ''}, reused ${cached.hits} time(s); originally ${origin}`,
    },
  };
}
