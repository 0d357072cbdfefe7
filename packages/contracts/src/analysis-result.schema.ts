import { z } from 'zod';
import { ZFailedJob } from './failed-job.schema';
import { ZJobVerdict } from './verdict.schema';

/** Failure categories (SPEC §3). Renaming one breaks stored analyses and filters. */
export const CATEGORIES = [
  'build',
  'test',
  'dependency',
  'lint',
  'configuration',
  'deployment',
  'infrastructure',
  'timeout',
  'out_of_memory',
  'network',
  'security',
  'unknown',
] as const;
export const ZCategory = z.enum(CATEGORIES);
export type TCategory = z.infer<typeof ZCategory>;

export const ZSeverity = z.enum(['critical', 'high', 'medium', 'low']);
export type TSeverity = z.infer<typeof ZSeverity>;

/** One line of a masked excerpt, with its number in the original log (1-based). */
export const ZExcerptLine = z.object({ line: z.number().int().min(1), text: z.string() });
export type TExcerptLine = z.infer<typeof ZExcerptLine>;

/** What the analysis found in one failed job: the job (by id, name and stage), its excerpt, the findings. */
export const ZJobFinding = z.object({
  job_id: ZFailedJob.shape.id,
  ...ZFailedJob.pick({ name: true, stage: true }).shape,
  excerpt: z.array(ZExcerptLine),
  findings: z.array(z.string()),
  /** Whose failure it is, with the evidence (absent from results stored before verdicts existed). */
  verdict: ZJobVerdict.optional(),
});
export type TJobFinding = z.infer<typeof ZJobFinding>;

export const ZSolution = z.object({
  title: z.string().min(1),
  steps: z.array(z.string()).min(1),
  commands: z.array(z.string()).optional(),
  code: z.string().optional(),
});
export type TSolution = z.infer<typeof ZSolution>;

export const ZAnalysisResult = z.object({
  summary: z.string().min(1),
  root_cause: z.string().min(1),
  category: ZCategory,
  severity: ZSeverity,
  confidence: z.number().min(0).max(1),
  failed_jobs: z.array(ZJobFinding),
  solutions: z.array(ZSolution),
  prevention: z.array(z.string()),
  flaky_suspected: z.object({ suspected: z.boolean(), reason: z.string() }),
  fingerprint: z.string().min(1),
  documentation_links: z.array(z.string()),
  /** Which knowledge-base rule (offline) or provider produced this result, for honesty. */
  source: z.object({ kind: z.enum(['rules', 'ai', 'cache']), detail: z.string() }).optional(),
});
export type TAnalysisResult = z.infer<typeof ZAnalysisResult>;
