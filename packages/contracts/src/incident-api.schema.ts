import { z } from 'zod';
import { ZIncidentOccurrenceView, ZIncidentView } from './verdict.schema';

/**
 * What GET /incidents and GET /incidents/:id answer, and the verdict figures of the stats summary.
 * Built on ZIncidentView / ZIncidentOccurrenceView: one shape per concept, extended where the API
 * joins more in.
 */

/** An incident in a list: its view and the project path GitLab gave with its newest occurrence. */
export const ZIncidentListItem = ZIncidentView.extend({
  project_path: z.string().nullable().describe('path of the project (from its newest analysis); null when unknown'),
});
export type TIncidentListItem = z.infer<typeof ZIncidentListItem>;

export const ZIncidentPage = z.object({
  items: z.array(ZIncidentListItem),
  next_cursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});
export type TIncidentPage = z.infer<typeof ZIncidentPage>;

/** An occurrence with the analysis it belongs to: follow `request_id` to GET /analysis/{request_id}. */
export const ZIncidentOccurrenceDetail = ZIncidentOccurrenceView.extend({
  request_id: z.string().describe('the analysis of the pipeline this job failed in'),
  project_path: z.string().nullable(),
});
export type TIncidentOccurrenceDetail = z.infer<typeof ZIncidentOccurrenceDetail>;

/** Where an incident was seen: a ref (branch or tag) or a merge request, how often, how lately. */
export const ZIncidentRefSeen = z.object({
  ref: z.string().nullable(),
  on_default_branch: z.boolean(),
  occurrences: z.number().int(),
  last_seen_at: z.string(),
});
export const ZIncidentMergeRequestSeen = z.object({
  iid: z.number().int(),
  occurrences: z.number().int(),
  last_seen_at: z.string(),
});

export const INCIDENT_DETAIL_LIMITS = { occurrences: 50, refs: 20, mergeRequests: 20, sameSignature: 20 } as const;

export const ZIncidentDetail = ZIncidentListItem.extend({
  verdicts: z.record(z.string(), z.number().int()).describe('occurrences by verdict kind'),
  refs: z.array(ZIncidentRefSeen).describe(`refs it failed on, most recent first (at most ${INCIDENT_DETAIL_LIMITS.refs})`),
  merge_requests: z
    .array(ZIncidentMergeRequestSeen)
    .describe(`merge requests it failed in, most recent first (at most ${INCIDENT_DETAIL_LIMITS.mergeRequests})`),
  recent_occurrences: z
    .array(ZIncidentOccurrenceDetail)
    .describe(`the newest occurrences with their verdicts (at most ${INCIDENT_DETAIL_LIMITS.occurrences}; \`occurrences\` is the total)`),
  same_signature: z
    .array(ZIncidentListItem)
    .describe(
      `other incidents with the same failure lines: other projects or jobs (at most ${INCIDENT_DETAIL_LIMITS.sameSignature}, newest first)`,
    ),
});
export type TIncidentDetail = z.infer<typeof ZIncidentDetail>;

/**
 * Verdicts given to failed jobs and how flaky suspicions fared when retried. A suspicion is a job
 * judged `likely_flaky` (or `flaky_confirmed`, which only a passing retry gives), or one retried
 * whose verdict changed after its retry failed; retries of infrastructure failures are no flaky
 * suspicion and are not counted.
 */
export const ZVerdictStats = z.object({
  jobs: z.number().int().describe('failed jobs with a verdict'),
  by_kind: z.record(z.string(), z.number().int()),
  flaky: z.object({
    suspected: z.number().int(),
    retried: z.number().int().describe('suspicions whose job was retried'),
    pending: z.number().int().describe('retries not finished yet'),
    confirmed: z.number().int().describe('the retry passed'),
    refuted: z.number().int().describe('the retry failed too'),
    confirmed_share: z.number().min(0).max(1).nullable().describe('confirmed / (confirmed + refuted); null before any retry finished'),
  }),
});
export type TVerdictStats = z.infer<typeof ZVerdictStats>;
