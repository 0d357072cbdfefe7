import type { TIncidentDigest, TIncidentNoticeChannel, TPostIncidentDigestPayload, TPostNewIncidentPayload } from '@cia/contracts';
import {
  digestTotals,
  incidentsOpenedOnDefaultBranch,
  projectsWithIncidents,
  readIncidentNotice,
  topIncidentsOfPeriod,
  type TDb,
  type TDigestWindow,
} from '@cia/db';
import type { GitLabClient } from '@cia/gitlab';
import { enqueueMany, type TQueuesFor } from '@cia/queue';
import {
  buildDigestPayload,
  buildNewIncidentPayload,
  buildSlackDigest,
  buildSlackNewIncident,
  sendSlackNotice,
  sendWebhookNotice,
  toIncidentNotice,
} from './incident-notice';
import type { TNoteOutcome } from './post-note';
import { linkPolicyOf, pickIncidentNoticeChannels, type TPostbackSettings } from './postback.settings';
import { checkPostPermission } from './project-lookup';

export type TIncidentNoticeDeps = { db: TDb; gitlab?: GitLabClient; settings: TPostbackSettings; now?: () => Date };

type TPeriod = { start: Date; end: Date };

/** With POSTBACK_PROJECTS set, the projects of the period it allows (as GitLab names them, like every post); otherwise all. */
async function allowedProjects(deps: TIncidentNoticeDeps, period: TPeriod): Promise<number[] | undefined> {
  if (deps.settings.projects.length === 0) return undefined;
  const allowed: number[] = [];
  for (const projectId of await projectsWithIncidents(deps.db, period))
    if ((await checkPostPermission(deps.settings, deps.gitlab, projectId)).allowed) allowed.push(projectId);
  return allowed;
}

/** The digest of one period: the top incidents and the totals, of the projects post-back may talk about. */
export async function gatherDigest(
  deps: TIncidentNoticeDeps,
  period: TPeriod,
): Promise<Omit<TIncidentDigest, 'event' | 'delivery_id' | 'sent_at'>> {
  const window: TDigestWindow = { ...period, projectIds: await allowedProjects(deps, period) };
  const [top, totals] = await Promise.all([
    topIncidentsOfPeriod(deps.db, window, deps.settings.digest?.topIncidents ?? 10),
    digestTotals(deps.db, window),
  ]);
  return {
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    totals: {
      incidents: totals.incidents,
      occurrences: totals.occurrences,
      new_incidents: totals.newIncidents,
      red_on_default_branch: totals.redOnDefaultBranch,
    },
    incidents: top.map((found) => toIncidentNotice(deps.settings, found)),
  };
}

/** The channel's settings checked again at send time: a channel turned off since the enqueue is left alone. */
function channelOff(settings: TPostbackSettings, channel: TIncidentNoticeChannel): TNoteOutcome | undefined {
  return pickIncidentNoticeChannels(settings).includes(channel)
    ? undefined
    : { action: 'skipped', reason: `${channel === 'slack' ? 'SLACK_WEBHOOK_URL' : 'NOTIFY_WEBHOOK_URL or SECRET_KEY'} is not set` };
}

/** `incidents.digest.post`: one period's digest to one channel; a period without open incidents sends nothing. */
export async function deliverIncidentDigest(
  deps: TIncidentNoticeDeps,
  payload: TPostIncidentDigestPayload,
  deliveryId: string,
): Promise<TNoteOutcome> {
  const { settings } = deps;
  const off = channelOff(settings, payload.channel);
  if (off) return off;
  const digest = buildDigestPayload(
    await gatherDigest(deps, { start: new Date(payload.period_start), end: new Date(payload.period_end) }),
    {
      deliveryId,
      sentAt: deps.now?.() ?? new Date(),
    },
  );
  if (digest.totals.incidents === 0) return { action: 'skipped', reason: 'no open incident failed in the period', target: 'digest' };
  if (payload.channel === 'slack')
    await sendSlackNotice(settings.slackWebhookUrl!, buildSlackDigest(linkPolicyOf(settings), digest), settings);
  else await sendWebhookNotice(settings.notifyWebhookUrl!, digest, { ...settings, secretKey: settings.secretKey! });
  return { action: 'created', target: `digest:${payload.channel}` };
}

/** `incident.new`: an incident first seen on the default branch, announced on one channel. */
export async function deliverNewIncident(
  deps: TIncidentNoticeDeps,
  payload: TPostNewIncidentPayload,
  deliveryId: string,
): Promise<TNoteOutcome> {
  const { settings } = deps;
  const off = channelOff(settings, payload.channel) ?? (settings.digest?.newIncidents === false ? offNewIncidents : undefined);
  if (off) return off;
  const found = await readIncidentNotice(deps.db, payload.incident_id);
  if (!found) return { action: 'skipped', reason: `incident ${payload.incident_id} does not exist` };
  const permission = await checkPostPermission(settings, deps.gitlab, found.row.projectId);
  if (!permission.allowed) return { action: 'skipped', reason: permission.reason };
  const notice = buildNewIncidentPayload(toIncidentNotice(settings, found), { deliveryId, sentAt: deps.now?.() ?? new Date() });
  if (payload.channel === 'slack')
    await sendSlackNotice(settings.slackWebhookUrl!, buildSlackNewIncident(linkPolicyOf(settings), notice), settings);
  else await sendWebhookNotice(settings.notifyWebhookUrl!, notice, { ...settings, secretKey: settings.secretKey! });
  return { action: 'created', target: `incident-new:${payload.channel}` };
}

const offNewIncidents: TNoteOutcome = { action: 'skipped', reason: 'DIGEST_NEW_INCIDENTS is off' };

/** The digest job's part: one post of this period per channel (job ids make a second enqueue a no-op). */
export async function enqueueDigestPosts(
  queues: TQueuesFor<'incidents.digest.post'>,
  settings: TPostbackSettings,
  period: TPeriod,
): Promise<TIncidentNoticeChannel[]> {
  const channels = pickIncidentNoticeChannels(settings);
  const range = { period_start: period.start.toISOString(), period_end: period.end.toISOString() };
  await enqueueMany(
    queues,
    channels.map((channel) => ({ job: 'incidents.digest.post' as const, payload: { channel, ...range } })),
  );
  return channels;
}

/**
 * After an analysis is stored: one `incident.new` per channel for each incident it opened on the
 * default branch (never for one first seen in a merge request or on another branch). Read from the
 * database, so a retried analysis job enqueues the same jobs again, which their ids make no-ops.
 */
export async function enqueueNewIncidentNotices(
  queues: TQueuesFor<'incident.new'>,
  settings: TPostbackSettings,
  db: TDb,
  analysisId: number,
): Promise<number[]> {
  const channels = pickIncidentNoticeChannels(settings);
  if (!settings.digest?.newIncidents || channels.length === 0) return [];
  const incidentIds = await incidentsOpenedOnDefaultBranch(db, analysisId);
  await enqueueMany(
    queues,
    incidentIds.flatMap((incident_id) => channels.map((channel) => ({ job: 'incident.new' as const, payload: { incident_id, channel } }))),
  );
  return incidentIds;
}
