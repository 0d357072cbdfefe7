import { UnrecoverableError } from 'bullmq';
import { deliverIncidentDigest, deliverNewIncident, enqueueDigestPosts } from '@cia/postback';
import { digestPeriod, type TJobHandler } from '@cia/queue';
import type { TPostbackJobDeps } from './post-back-deps';
import { runPostBack } from './run-post-back';

/**
 * `incidents.digest`: the digest scheduler's job (or one asked for by hand). Its period ends when
 * it was due (BullMQ's `prevMillis` of a scheduled job) and began at the schedule's previous due
 * time; one `incidents.digest.post` per channel is queued for it, so a channel failing does not
 * send the other twice.
 */
export function incidentDigestJob(deps: TPostbackJobDeps): TJobHandler<'incidents.digest'> {
  return async (payload, job) => {
    if (!deps.queues) throw new UnrecoverableError('the digest needs the post-back queue');
    const end = payload.period_end ? new Date(payload.period_end) : new Date(job.opts.prevMillis ?? Date.now());
    const period = digestPeriod(deps.settings.digest?.schedule, end);
    const channels = await enqueueDigestPosts(deps.queues, deps.settings, period);
    const result = { period_start: period.start.toISOString(), period_end: period.end.toISOString(), channels };
    deps.logger.info('incident digest queued', result);
    return result;
  };
}

/** `incidents.digest.post`: one period's digest sent to one channel. */
export function postIncidentDigestJob(deps: TPostbackJobDeps): TJobHandler<'incidents.digest.post'> {
  return (payload, job) => runPostBack(deps, job, async () => [await deliverIncidentDigest(deps, payload, String(job.id))]);
}

/** `incident.new`: a new incident on the default branch announced on one channel. */
export function newIncidentJob(deps: TPostbackJobDeps): TJobHandler<'incident.new'> {
  return (payload, job) => runPostBack(deps, job, async () => [await deliverNewIncident(deps, payload, String(job.id))]);
}
