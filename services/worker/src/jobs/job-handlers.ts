import type { TJobHandlers } from '@cia/queue';
import type { TPipelineDeps } from '../pipeline/pipeline-deps';
import { analyzePipelineJob } from './analyze-pipeline';
import { incidentDigestJob, newIncidentJob, postIncidentDigestJob } from './incident-notices';
import { markPipelineFixedJob } from './mark-pipeline-fixed';
import { postAnalysisJob } from './post-analysis';
import type { TPostbackJobDeps } from './post-back-deps';
import { checkFlakyRetry } from '../verdict-retry/check-retry';
import type { TRetryDeps } from '../verdict-retry/retry-deps';
import { retryFlakyJob } from '../verdict-retry/retry-flaky-job';

/** The worker's handler of every job of the catalogue (packages/queue/src/jobs.ts), by job name. */
export function createJobHandlers(deps: { pipeline: TPipelineDeps; postback: TPostbackJobDeps; retry: TRetryDeps }): TJobHandlers {
  return {
    'pipeline.analyze': analyzePipelineJob(deps.pipeline),
    'analysis.post': postAnalysisJob(deps.postback),
    'pipeline.fixed': markPipelineFixedJob(deps.postback),
    'verdict.retry': retryFlakyJob(deps.retry),
    'verdict.retry-check': checkFlakyRetry(deps.retry),
    'incidents.digest': incidentDigestJob(deps.postback),
    'incidents.digest.post': postIncidentDigestJob(deps.postback),
    'incident.new': newIncidentJob(deps.postback),
  };
}
