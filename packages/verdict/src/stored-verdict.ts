import type { TJobVerdict, TVerdictEvidence, TVerdictPipeline } from '@cia/contracts';
import type { TEvidence, TPipelineRef, TVerdict } from './verdict.types';

const pipelineOf = (p: TPipelineRef): TVerdictPipeline => ({
  pipeline_id: p.pipelineId,
  sha: p.sha,
  ...(p.finishedAt === undefined ? {} : { finished_at: p.finishedAt }),
  ...(p.webUrl === undefined ? {} : { web_url: p.webUrl }),
});

function evidenceOf(e: TEvidence): TVerdictEvidence {
  switch (e.kind) {
    case 'compared_run':
      return { kind: e.kind, pipeline: pipelineOf(e.pipeline), job_status: e.jobStatus, same_failure: e.sameFailure };
    case 'failing_since':
    case 'fixed_on_target':
      return { kind: e.kind, pipeline: pipelineOf(e.pipeline) };
    case 'baseline_diff':
      return { kind: e.kind, new_failure_lines: e.newFailureLines, failure_lines: e.failureLines };
    case 'retry':
      return { kind: e.kind, job_id: e.jobId, status: e.status };
    case 'failure_reason':
    case 'infra_signal':
    case 'code_error':
    case 'same_commit':
    case 'intermittent':
    case 'culprits':
      return e;
  }
}

/**
 * A verdict as the analysis result stores it and the API returns it (snake_case, the contract's
 * ZJobVerdict), with the failure's fingerprint and the incident it joined.
 */
export function toJobVerdict(verdict: TVerdict, identity: { fingerprint?: string; incidentId?: number | null } = {}): TJobVerdict {
  return {
    kind: verdict.kind,
    headline: verdict.headline,
    evidence: verdict.evidence.map(evidenceOf),
    safe_to_merge: verdict.safeToMerge,
    retry_advised: verdict.retryAdvised,
    ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
    ...(verdict.culprits === undefined ? {} : { culprits: verdict.culprits }),
    ...(identity.fingerprint === undefined ? {} : { fingerprint: identity.fingerprint }),
    ...(identity.incidentId === undefined ? {} : { incident_id: identity.incidentId }),
  };
}
