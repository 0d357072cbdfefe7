import type { TJobVerdict, TVerdictKind } from '@cia/contracts';
import {
  completeAnalysisWithJobs,
  findOccurrenceByJob,
  markIncidentsFixed,
  markRunning,
  recordOccurrence,
  registerFailure,
  replaceJobVerdict,
  setOccurrenceRetry,
  type TDb,
} from '@cia/db';
import { offlineCompletion } from '@cia/db/testing';
import { sampleResult } from './analysis-fixtures';

/** One failed job of its own pipeline, with the verdict it got and the incident it joins. */
export type TSeedFailedJob = {
  projectId: number;
  projectPath: string;
  pipelineId: number;
  jobId: number;
  jobName?: string;
  ref?: string;
  sha?: string;
  mergeRequestIid?: number;
  onDefaultBranch?: boolean;
  fingerprint: string;
  signature?: string;
  title?: string;
  category?: string;
  identityLines?: string[];
  kind?: TVerdictKind;
  headline?: string;
  /** When the worker saw it (the incident's first / last seen). */
  at: Date;
};

export type TSeededFailedJob = { requestId: string; analysisId: number; incidentId: number; occurrenceId: number };

const verdictOf = (s: TSeedFailedJob): TJobVerdict => ({
  kind: s.kind ?? 'caused_by_change',
  headline: s.headline ?? 'Caused by this change',
  evidence: [{ kind: 'baseline_diff', new_failure_lines: 2, failure_lines: 2 }],
  safe_to_merge: false,
  retry_advised: s.kind === 'likely_flaky',
  fingerprint: s.fingerprint,
});

/**
 * Stores a failed pipeline's analysis the way the worker's persist step does: the result, and in
 * the same transaction the job's occurrence (its incident opened or updated) with the verdict
 * naming the incident, in the result too (services/worker/src/pipeline/persist-verdicts.ts).
 */
export async function seedFailedJob(db: TDb, s: TSeedFailedJob): Promise<TSeededFailedJob> {
  const jobName = s.jobName ?? 'rspec';
  const ref = s.ref ?? 'main';
  const sha = s.sha ?? `${s.pipelineId}`.padStart(40, 'a');
  const webUrl = `https://gitlab.example.com/${s.projectPath}`;
  const { analysisId, requestId } = await registerFailure(db, {
    trigger: 'webhook',
    project: { id: s.projectId, path: s.projectPath, name: s.projectPath.split('/').pop() ?? s.projectPath, web_url: webUrl },
    pipeline: {
      id: s.pipelineId,
      ref,
      sha,
      url: `${webUrl}/-/pipelines/${s.pipelineId}`,
      source: s.mergeRequestIid ? 'merge_request_event' : 'push',
    },
    failedJobs: [
      {
        id: s.jobId,
        name: jobName,
        stage: 'test',
        status: 'failed',
        failure_reason: 'script_failure',
        web_url: `${webUrl}/-/jobs/${s.jobId}`,
      },
    ],
  });
  await markRunning(db, analysisId);
  const verdict = verdictOf(s);
  const base = sampleResult({ fingerprint: s.fingerprint });
  const job = { job_id: s.jobId, name: jobName, stage: 'test', excerpt: [{ line: 12, text: s.title ?? 'AssertionError' }], findings: [] };
  let recorded = { occurrenceId: 0, incidentId: 0 as number | null };
  const completion = offlineCompletion({ ...base, failed_jobs: [job] });
  await completeAnalysisWithJobs(db, analysisId, completion, {}, [], async (tx) => {
    recorded = await recordOccurrence(
      tx,
      {
        analysisId,
        projectId: s.projectId,
        pipelineId: s.pipelineId,
        jobId: s.jobId,
        jobName,
        ref,
        sha,
        mergeRequestIid: s.mergeRequestIid ?? null,
        onDefaultBranch: s.onDefaultBranch ?? ref === 'main',
        targetBranch: 'main',
        fingerprint: s.fingerprint,
        verdict,
        facts: null,
        comparedPipelineId: null,
        incident: {
          fingerprint: s.fingerprint,
          signature: s.signature ?? s.fingerprint.replace(/[^0-9a-f]/g, '').padEnd(32, '0'),
          projectId: s.projectId,
          jobName,
          failureReason: 'script_failure',
          category: s.category ?? 'test',
          title: s.title ?? 'AssertionError',
          identityLines: s.identityLines ?? [s.title ?? 'AssertionError'],
          defaultBranch: 'main',
        },
      },
      s.at,
    );
    return { result: { ...base, failed_jobs: [{ ...job, verdict: { ...verdict, incident_id: recorded.incidentId } }] } };
  });
  if (recorded.incidentId === null) throw new Error('a failure with a log joins an incident');
  return { requestId, analysisId, incidentId: recorded.incidentId, occurrenceId: recorded.occurrenceId };
}

/** What the retry flow writes: the retry asked for, then its outcome and the verdict decided again. */
export async function seedRetry(
  db: TDb,
  job: { projectId: number; jobId: number },
  retry: { jobId: number; status: 'pending' | 'passed' | 'failed' },
  decided?: TJobVerdict,
): Promise<void> {
  const occurrence = await findOccurrenceByJob(db, job.projectId, job.jobId);
  if (!occurrence) throw new Error(`no occurrence of job ${job.jobId}`);
  await setOccurrenceRetry(db, occurrence.id, retry);
  if (decided) await replaceJobVerdict(db, occurrence, { ...decided, incident_id: occurrence.incidentId });
}

/** A green default-branch pipeline that passed these jobs (the pipeline.fixed job's write). */
export async function seedFix(
  db: TDb,
  fix: { projectId: number; pipelineId: number; sha: string; jobNames: string[]; at: Date },
): Promise<void> {
  await markIncidentsFixed(db, {
    projectId: fix.projectId,
    pipelineId: fix.pipelineId,
    sha: fix.sha,
    passedJobNames: fix.jobNames,
    at: fix.at,
  });
}
