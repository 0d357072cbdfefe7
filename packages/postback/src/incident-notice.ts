import {
  INCIDENT_DIGEST_EVENT,
  INCIDENT_NEW_EVENT,
  type TIncidentDigest,
  type TIncidentNotice,
  type TLinkPolicy,
  type TNewIncidentNotice,
} from '@cia/contracts';
import type { TDigestIncident } from '@cia/db';
import { postJson } from './http-post';
import { maskBody, maskNote } from './mask-outgoing';
import { incidentPageUrl, type TPostbackSettings } from './postback.settings';
import { SIGNATURE_HEADER, signBody } from './signature';
import { escapeSlack, slackLink } from './slack.notifier';

/**
 * The incident notices (the digest, a new incident on the default branch) as the Slack message
 * and the generic webhook's body (ZIncidentDigest, ZNewIncidentNotice). Titles are masked here,
 * before Slack escaping changes them, and the whole body again at the egress masking point.
 */

type TNoticeSettings = Pick<TPostbackSettings, 'gitlabBaseUrl' | 'linkHosts' | 'publicUrl' | 'maskValues'>;

/** One incident as a notice shows it: title masked, link only where the link policy allows. */
export function toIncidentNotice(settings: TNoticeSettings, found: TDigestIncident): TIncidentNotice {
  const { row } = found;
  return {
    id: row.id,
    title: maskNote(row.title, settings.maskValues),
    project_id: row.projectId,
    project_path: found.projectPath,
    job_name: row.jobName,
    category: row.category,
    status: row.status,
    occurrences_in_period: found.occurrencesInPeriod,
    occurrences_total: row.occurrences,
    first_seen_at: row.firstSeenAt.toISOString(),
    last_seen_at: row.lastSeenAt.toISOString(),
    red_on_default_branch: row.failingSincePipelineId !== null,
    failing_since:
      row.failingSincePipelineId === null || row.failingSinceAt === null
        ? null
        : { pipeline_id: row.failingSincePipelineId, sha: row.failingSinceSha ?? '', at: row.failingSinceAt.toISOString() },
    verdicts: found.verdicts,
    url: incidentPageUrl(settings, row.id),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One incident in a line of mrkdwn; every text from a log or GitLab escaped. */
function slackIncidentLine(links: TLinkPolicy, incident: TIncidentNotice, rank?: number): string {
  // Backticks and asterisks would end the bold title early; the rest of mrkdwn is escaped by slackLink.
  const title = slackLink(links, incident.url, incident.title.replace(/[`*]/g, "'"), 200);
  const where = escapeSlack(`${incident.project_path ?? `project ${incident.project_id}`} · ${incident.job_name}`, 200);
  const red = incident.failing_since
    ? `:red_circle: red on the default branch since pipeline #${incident.failing_since.pipeline_id}`
    : 'default branch not failing with it';
  const verdicts = Object.entries(incident.verdicts)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([kind, n]) => `${escapeSlack(kind, 40)} ${n}`)
    .join(', ');
  // A new incident's period is its whole life so far.
  const counts =
    rank === undefined
      ? plural(incident.occurrences_total, 'failed job')
      : `${incident.occurrences_in_period} in the period, ${incident.occurrences_total} in total`;
  return [
    `${rank === undefined ? '' : `${rank}. `}*${title}*`,
    `${where} · ${counts} · ${incident.status} · ${red}`,
    verdicts ? `verdicts: ${verdicts}` : undefined,
  ]
    .filter(Boolean)
    .join('\n');
}

/** mrkdwn sections of at most 2900 characters (Slack's limit is 3000), one incident never split. */
function sections(parts: string[]): Record<string, unknown>[] {
  const texts: string[] = [];
  for (const part of parts) {
    const last = texts[texts.length - 1];
    if (last !== undefined && last.length + part.length + 2 <= 2900) texts[texts.length - 1] = `${last}\n\n${part}`;
    else texts.push(part.slice(0, 2900));
  }
  return texts.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

export function buildSlackDigest(links: TLinkPolicy, digest: TIncidentDigest): Record<string, unknown> {
  const { totals } = digest;
  const headline = `Incident digest: ${plural(totals.incidents, 'open incident')}, ${plural(totals.occurrences, 'failed job')}`;
  const summary = `${day(digest.period.start)} → ${day(digest.period.end)} UTC · ${totals.new_incidents} new · ${totals.red_on_default_branch} red on the default branch`;
  const lines = digest.incidents.map((incident, i) => slackIncidentLine(links, incident, i + 1));
  return {
    text: headline,
    blocks: [...sections([`*${headline}*\n${summary}`, ...lines]), { type: 'context', elements: [{ type: 'mrkdwn', text: 'ci-analyst' }] }],
  };
}

export function buildSlackNewIncident(links: TLinkPolicy, notice: TNewIncidentNotice): Record<string, unknown> {
  const { incident } = notice;
  const headline = `New failure on the default branch: ${incident.project_path ?? `project ${incident.project_id}`} · ${incident.job_name}`;
  return {
    text: headline,
    blocks: sections([`*${escapeSlack(headline, 300)}*`, slackIncidentLine(links, incident)]),
  };
}

export function buildDigestPayload(
  digest: Omit<TIncidentDigest, 'event' | 'delivery_id' | 'sent_at'>,
  meta: { deliveryId: string; sentAt: Date },
): TIncidentDigest {
  return { event: INCIDENT_DIGEST_EVENT, delivery_id: meta.deliveryId, sent_at: meta.sentAt.toISOString(), ...digest };
}

export function buildNewIncidentPayload(incident: TIncidentNotice, meta: { deliveryId: string; sentAt: Date }): TNewIncidentNotice {
  return { event: INCIDENT_NEW_EVENT, delivery_id: meta.deliveryId, sent_at: meta.sentAt.toISOString(), incident };
}

type TSendOptions = Pick<TPostbackSettings, 'maskValues' | 'timeoutMs'>;

/** Through the egress masking point, then one POST. */
export async function sendSlackNotice(url: string, message: Record<string, unknown>, options: TSendOptions): Promise<void> {
  await postJson('slack', url, maskBody(message, options.maskValues), {}, options.timeoutMs);
}

/** Masked, then signed over the exact bytes sent, like `analysis.completed`. */
export async function sendWebhookNotice(
  url: string,
  body: TIncidentDigest | TNewIncidentNotice,
  options: TSendOptions & { secretKey: string },
): Promise<void> {
  const masked = maskBody(body, options.maskValues);
  await postJson(
    'webhook',
    url,
    masked,
    {
      [SIGNATURE_HEADER]: signBody(options.secretKey, masked),
      'X-CI-Analyst-Event': body.event,
      'X-CI-Analyst-Delivery': body.delivery_id,
    },
    options.timeoutMs,
  );
}
