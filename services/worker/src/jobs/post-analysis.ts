import { deliverAnalysis } from '@cia/postback';
import type { TJobHandler } from '@cia/queue';
import type { TPostbackJobDeps } from './post-back-deps';
import { runPostBack } from './run-post-back';

/** `analysis.post`: one finished analysis posted to one channel (GitLab note or commit comment, Slack, signed webhook). */
export function postAnalysisJob(deps: TPostbackJobDeps): TJobHandler<'analysis.post'> {
  return (payload, job) => runPostBack(deps, job, async () => [await deliverAnalysis(deps, payload, String(job.id))]);
}
