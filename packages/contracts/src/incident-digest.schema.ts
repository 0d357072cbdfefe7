import { z } from 'zod';
import { ZIncidentStatus, ZVerdictPipeline } from './verdict.schema';

/**
 * The bodies of the incident notices posted to the generic webhook (NOTIFY_WEBHOOK_URL, signed
 * with SECRET_KEY like `analysis.completed`): the periodic digest of the top incidents and the
 * notice of a new incident on the default branch. Slack gets the same facts as text. Fields are
 * only ever added.
 */
export const INCIDENT_DIGEST_EVENT = 'incidents.digest';
export const INCIDENT_NEW_EVENT = 'incident.new';

/** One incident as a notice shows it. Counts "in the period" are occurrences (failed jobs) first seen in it. */
export const ZIncidentNotice = z.object({
  id: z.number().int(),
  title: z.string().describe('the failure line it is known by (masked)'),
  project_id: z.number().int(),
  project_path: z.string().nullable(),
  job_name: z.string(),
  category: z.string().nullable(),
  status: ZIncidentStatus,
  occurrences_in_period: z.number().int(),
  occurrences_total: z.number().int(),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  red_on_default_branch: z.boolean().describe('the default branch is failing with it now (`failing_since` set)'),
  failing_since: ZVerdictPipeline.extend({ at: z.string() }).nullable(),
  verdicts: z.record(z.string(), z.number().int()).describe('occurrences in the period by verdict kind'),
  url: z.string().nullable().describe('the incident page (`<PUBLIC_URL>/ui/incidents/<id>`); null without PUBLIC_URL'),
});
export type TIncidentNotice = z.infer<typeof ZIncidentNotice>;

const ZNoticeEnvelope = z.object({
  delivery_id: z.string().describe('stable across retries of one delivery'),
  sent_at: z.string().describe('signed with the body: receivers can refuse replays'),
});

/** `incidents.digest`: the open incidents with the most occurrences in the period, most first. */
export const ZIncidentDigest = ZNoticeEnvelope.extend({
  event: z.literal(INCIDENT_DIGEST_EVENT),
  period: z.object({ start: z.string(), end: z.string() }),
  totals: z.object({
    incidents: z.number().int().describe('open incidents with at least one occurrence in the period'),
    occurrences: z.number().int().describe('their occurrences in the period'),
    new_incidents: z.number().int().describe('of them, first seen in the period'),
    red_on_default_branch: z.number().int().describe('of them, failing on the default branch now'),
  }),
  incidents: z.array(ZIncidentNotice).describe('the top DIGEST_TOP_INCIDENTS by occurrences in the period, then in total'),
});
export type TIncidentDigest = z.infer<typeof ZIncidentDigest>;

/** `incident.new`: an incident whose first occurrence is on its project's default branch. */
export const ZNewIncidentNotice = ZNoticeEnvelope.extend({
  event: z.literal(INCIDENT_NEW_EVENT),
  incident: ZIncidentNotice,
});
export type TNewIncidentNotice = z.infer<typeof ZNewIncidentNotice>;
