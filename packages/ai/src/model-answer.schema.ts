import { z } from 'zod';
import { ZAnalysisResult } from '@cia/contracts';

/**
 * What a model is asked to produce: the analysis result without the parts we already know
 * (excerpts, fingerprint, source). Asking the model to echo excerpts would cost output tokens and
 * let it alter the evidence, so `buildResult` joins them back in.
 */
export const ZModelAnswer = ZAnalysisResult.pick({
  summary: true,
  root_cause: true,
  category: true,
  severity: true,
  confidence: true,
  solutions: true,
  prevention: true,
  flaky_suspected: true,
  documentation_links: true,
}).extend({
  failed_jobs: z
    .array(
      z.object({
        job_id: z.number().int().describe('id of the failed job, as the closing request lists it'),
        findings: z.array(z.string()).describe("what this job's excerpt shows, most important first, citing line numbers"),
      }),
    )
    .describe('one entry per job_id the closing request lists'),
});
export type TModelAnswer = z.infer<typeof ZModelAnswer>;

export const ANSWER_SCHEMA_NAME = 'pipeline_failure_analysis';

/** JSON Schema of the answer for structured outputs / tool input (draft-07: widest support). */
export function buildAnswerJsonSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(ZModelAnswer, { target: 'draft-7' }) as Record<string, unknown>;
  return schema;
}
