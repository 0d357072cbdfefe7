import { z } from 'zod';
import { ZCategory, ZIncidentStatus } from '@cia/contracts';
import type { TIncidentFilters } from '@cia/db';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, ZSince } from './analysis-api.schema';

/** Filters of GET /incidents and the incidents page; unknown query parameters are ignored. */
export const ZIncidentFilterQuery = z.object({
  project_id: z.coerce.number().int().positive().optional().describe('GitLab project id'),
  status: ZIncidentStatus.optional(),
  category: ZCategory.optional().describe('failure category the incident was opened with'),
  since: ZSince.optional().describe('only incidents last seen at or after this date / date-time'),
  on_default_branch: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: incidents that failed on the default branch at least once; false: only ever off it (merge requests, other branches)'),
  signature: z
    .string()
    .regex(/^[0-9a-f]{1,64}$/, 'a signature is lower-case hex')
    .optional()
    .describe("the failure lines' hash: the same error text across projects and jobs"),
  job_name: z.string().min(1).max(255).optional().describe("the job's base name (without parallel or matrix suffix)"),
});
export type TIncidentFilterQuery = z.infer<typeof ZIncidentFilterQuery>;

export const ZIncidentListQuery = ZIncidentFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT).describe(`page size (max ${LIST_LIMIT_MAX})`),
  cursor: z.string().min(1).optional().describe('next_cursor of the previous page'),
});
export type TIncidentListQuery = z.infer<typeof ZIncidentListQuery>;

/** Incident ids are positive integers: anything else is a 400 naming `id`, never a 404. */
export const ZIncidentIdParams = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, 'an incident id is a positive integer')
    .transform(Number)
    .describe("incident id (`incident_id` of a job's verdict)"),
});

/** The repository's filters from a parsed query. */
export function toIncidentFilters(q: TIncidentFilterQuery): TIncidentFilters {
  return {
    projectId: q.project_id,
    status: q.status,
    category: q.category,
    since: q.since ? new Date(q.since) : undefined,
    onDefaultBranch: q.on_default_branch === undefined ? undefined : q.on_default_branch === 'true',
    signature: q.signature,
    jobName: q.job_name,
  };
}
