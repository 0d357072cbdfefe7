import { z } from 'zod';
import { ZTrigger } from './analysis.schema';

/**
 * Payload of `pipeline.analyze`. Ids and small facts only: the delivery body and everything
 * fetched later live in the database. Fields are only ever added, as optional, so queued jobs
 * survive a deploy.
 */
export const ZAnalyzePipelinePayload = z.object({
  request_id: z.string().min(1),
  trigger: ZTrigger,
  project_id: z.number().int(),
  pipeline_id: z.number().int(),
});
export type TAnalyzePipelinePayload = z.infer<typeof ZAnalyzePipelinePayload>;
