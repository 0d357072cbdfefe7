import crypto from 'node:crypto';
import type { TAnalysisResult, TCategory, TExcerptLine } from '@cia/contracts';
import { fingerprint } from '@cia/log-intel';
import type { TAnalysisInput } from './analysis-input';

/**
 * The identity of a pipeline's failure: each failed job's log-intel fingerprint (job name,
 * category, normalised failure lines) with GitLab's failure reason, order-independent.
 */
export function computePipelineFingerprint(input: TAnalysisInput, categoryOf: (jobId: number) => TCategory | undefined): string {
  const parts = input.failed_jobs
    .map((job) => `${fingerprint({ jobName: job.name, category: categoryOf(job.id), lines: job.excerpt })}|${job.failure_reason ?? ''}`)
    .sort();
  return crypto
    .createHash('sha256')
    .update(`cia-pipeline-fp/1\n${parts.join('\n')}`)
    .digest('hex')
    .slice(0, 32);
}

/** Without log lines a fingerprint is little more than job names: too weak to reuse an answer for. */
export function isFingerprintReliable(input: TAnalysisInput): boolean {
  return input.failed_jobs.length > 0 && input.failed_jobs.every((j) => j.excerpt.length > 0);
}

export type TCachedResult = { result: TAnalysisResult; storedAt: Date; hits: number; analysisId: number | null };

/**
 * Where the analyzer keeps paid answers by pipeline fingerprint, so the same failure again costs
 * nothing. The worker passes one backed by the database (createFingerprintCache of @cia/db).
 */
export type TResultCache = {
  /** The result stored for a fingerprint less than `ttlHours` before `now`, counting the hit; null when none. */
  find(fingerprint: string, ttlHours: number, now: Date): Promise<TCachedResult | null>;
  /** Stores (or replaces) the result of a fingerprint. */
  store(entry: { fingerprint: string; result: TAnalysisResult; analysisId: number | null }, now: Date): Promise<void>;
};

/**
 * A cached result made to describe this pipeline: its jobs, ids and excerpts, with the findings
 * carried over by job name (the fingerprint includes job names, so they line up).
 */
export function retargetCachedResult(cached: TCachedResult, input: TAnalysisInput, excerpts: Map<number, TExcerptLine[]>): TAnalysisResult {
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
