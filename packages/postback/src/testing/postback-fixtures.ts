import type { TAnalysisResult, TJobVerdict, TVerdictKind } from '@cia/contracts';
import {
  completeAnalysis,
  findAnalysisByRequestId,
  registerFailure,
  upsertAnalysisJobs,
  type TAnalysisRow,
  type TDb,
  type TRegisterFailureInput,
} from '@cia/db';
import { offlineCompletion } from '@cia/db/testing';
import type { TPostbackSettings } from '../postback.settings';

/** Fixtures shared by the post-back tests: a completed analysis as the worker stores it. */
export const PROJECT = { id: 1, path: 'group/app', web_url: 'http://gitlab.example/group/app' };
export const SHA_MR = 'a1'.repeat(20);
export const SHA_ALONE = 'b2'.repeat(20);

export function sampleResult(overrides: Partial<TAnalysisResult> = {}): TAnalysisResult {
  return {
    summary: 'npm could not resolve the dependency tree',
    root_cause: 'react-beautiful-dnd@13 needs react 17 but the project pins react 18.2.0',
    category: 'dependency',
    severity: 'high',
    confidence: 0.86,
    failed_jobs: [
      {
        job_id: 380,
        name: 'install',
        stage: 'build',
        excerpt: [{ line: 12, text: 'npm ERR! code ERESOLVE' }],
        findings: ['peer dependency conflict on react'],
      },
    ],
    solutions: [
      {
        title: 'Allow the legacy peer resolution',
        steps: ['Install with legacy peer deps while upgrading'],
        commands: ['npm ci --legacy-peer-deps'],
      },
    ],
    prevention: ['Renovate grouped upgrades'],
    flaky_suspected: { suspected: false, reason: '' },
    fingerprint: 'fp-eresolve',
    documentation_links: [],
    source: { kind: 'rules', detail: 'npm-eresolve' },
    ...overrides,
  };
}

/** A stored verdict as the worker writes it (evidence left out: the renderers show the headline). */
export function verdictOf(kind: TVerdictKind, headline: string, extra: Partial<TJobVerdict> = {}): TJobVerdict {
  return {
    kind,
    headline,
    evidence: [],
    safe_to_merge: false,
    retry_advised: false,
    fingerprint: `fp-${kind}`,
    incident_id: null,
    ...extra,
  };
}

/** A completed analysis for one pipeline, as the worker would have stored it. */
export async function seedAnalysis(
  db: TDb,
  pipeline: Partial<TRegisterFailureInput['pipeline']> & { id: number },
  options: { result?: TAnalysisResult; project?: { id: number; path: string; web_url?: string } } = {},
): Promise<TAnalysisRow> {
  const project = options.project ?? PROJECT;
  const ref: TRegisterFailureInput['pipeline'] = {
    ref: 'feature',
    sha: SHA_MR,
    url: `${project.web_url ?? 'http://gitlab.example'}/-/pipelines/${pipeline.id}`,
    status: 'failed',
    ...pipeline,
  };
  const failedJobs = [
    {
      id: pipeline.id * 10,
      name: 'install',
      stage: 'build',
      status: 'failed',
      failure_reason: 'script_failure',
      web_url: `http://gitlab.example/jobs/${pipeline.id * 10}`,
    },
  ];
  const registered = await registerFailure(db, { trigger: 'webhook', project, pipeline: ref, failedJobs });
  const result = options.result ?? sampleResult();
  await upsertAnalysisJobs(
    db,
    registered.analysisId,
    failedJobs.map((job) => ({ ...job, allow_failure: false, excerpt: [], log_bytes: null, log_truncated: false })),
  );
  await completeAnalysis(db, registered.analysisId, offlineCompletion(result));
  const row = await findAnalysisByRequestId(db, registered.requestId);
  if (!row) throw new Error('seeded analysis vanished');
  return row;
}

export function postbackSettings(overrides: Partial<TPostbackSettings> = {}): TPostbackSettings {
  return {
    enabled: true,
    projects: [],
    gitlabBaseUrl: 'http://gitlab.example',
    linkHosts: ['docs.gitlab.com', 'nodejs.org'],
    publicUrl: 'https://ci-analyst.example',
    gitlabConfigured: true,
    timeoutMs: 2000,
    maskValues: [],
    ...overrides,
  };
}
