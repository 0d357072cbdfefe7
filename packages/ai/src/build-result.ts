import type { TAnalysisResult, TExcerptLine } from '@cia/contracts';
import type { TAnalysisInput, TInputFailedJob } from './analysis-input';
import type { TFailureGroup } from './failure-groups';
import type { TModelAnswer } from './model-answer.schema';

/**
 * Joins an answer with what we know for certain (jobs, the excerpts sent, the fingerprint) into
 * the stored result. Findings for job ids the input does not have are dropped; a job the answer
 * forgot keeps its excerpt with no findings rather than failing a paid answer. A job that was sent
 * as a copy of another (`groups`) and not answered itself gets that job's findings, saying so:
 * its own excerpt is stored, and the line numbers cited are the other job's.
 *
 * Not parsed again with ZAnalysisResult: the answer's fields were validated by ZModelAnswer, which
 * is the same schema's fields, and the rest is ours and typed. A second parse copied the whole
 * result, excerpts included, for about 1 % of a busy worker's CPU; the tests parse every result.
 */
export function buildResult(
  input: TAnalysisInput,
  answer: TModelAnswer,
  extra: {
    excerpts: Map<number, TExcerptLine[]>;
    fingerprint: string;
    source: NonNullable<TAnalysisResult['source']>;
    groups?: TFailureGroup[];
  },
): TAnalysisResult {
  const findingsOf = new Map<number, string[]>();
  for (const j of answer.failed_jobs) findingsOf.set(j.job_id, [...(findingsOf.get(j.job_id) ?? []), ...j.findings]);
  const leadOf = new Map<number, TInputFailedJob>();
  for (const group of extra.groups ?? []) for (const job of group.jobs) if (job !== group.lead) leadOf.set(job.id, group.lead);
  const findingsFor = (job: TInputFailedJob): string[] => {
    const own = findingsOf.get(job.id);
    const lead = leadOf.get(job.id);
    if (own || !lead) return own ?? [];
    const shared = findingsOf.get(lead.id) ?? [];
    // By name, not id: a cached result is reused for other pipelines, whose jobs keep their names.
    return [`Failed the same way as job "${lead.name}" (same failure lines); the findings below cite that job's log lines.`, ...shared];
  };
  return {
    summary: answer.summary,
    root_cause: answer.root_cause,
    category: answer.category,
    severity: answer.severity,
    confidence: answer.confidence,
    failed_jobs: input.failed_jobs.map((job) => ({
      job_id: job.id,
      name: job.name,
      stage: job.stage,
      excerpt: extra.excerpts.get(job.id) ?? job.excerpt,
      findings: findingsFor(job),
    })),
    solutions: answer.solutions,
    prevention: answer.prevention,
    flaky_suspected: answer.flaky_suspected,
    fingerprint: extra.fingerprint,
    documentation_links: answer.documentation_links,
    source: extra.source,
  };
}
