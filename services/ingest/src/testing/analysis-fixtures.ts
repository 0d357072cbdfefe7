import type { TAnalysisResult, TCategory, TTrigger } from '@cia/contracts';
import { completeAnalysis, failAnalysis, markRunning, registerFailure, updateAnalysis, type TDb } from '@cia/db';

export type TSeedAnalysis = {
  projectId?: number;
  projectPath?: string;
  pipelineId: number;
  ref?: string;
  trigger?: TTrigger;
  /** Final state; queued leaves it as registered, running marks it started. */
  status: 'queued' | 'running' | 'completed' | 'failed';
  category?: TCategory;
  provider?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  cacheHit?: boolean;
  timings?: Record<string, number>;
  result?: Partial<TAnalysisResult>;
  /** Timestamps forced after the fact so ordering, `since` and durations are known. */
  createdAt?: Date;
  startedAt?: Date;
  completedAt?: Date;
  fetchState?: Record<string, unknown>;
  error?: { code: string; message: string };
};

const JOB_ID_BASE = 7000;

/** A complete, valid result as the worker would store it. */
export function sampleResult(overrides: Partial<TAnalysisResult> = {}): TAnalysisResult {
  return {
    summary: 'The unit tests failed: an assertion in the payment module no longer holds.',
    root_cause: 'PaymentService.refund() returns null for partial refunds since commit bcbb5ec.',
    category: 'test',
    severity: 'high',
    confidence: 0.82,
    failed_jobs: [
      {
        job_id: JOB_ID_BASE,
        name: 'rspec',
        stage: 'test',
        excerpt: [
          { line: 118, text: '$ bundle exec rspec spec/services/payment_service_spec.rb' },
          { line: 241, text: 'Failures:' },
          { line: 243, text: '  1) PaymentService#refund returns a refund for partial amounts' },
          { line: 244, text: '     Failure/Error: expect(refund).not_to be_nil' },
          { line: 246, text: '       expected: not nil <script>alert("x")</script>' },
          { line: 251, text: 'token=[MASKED]' },
        ],
        findings: ['1 example failed in spec/services/payment_service_spec.rb:42'],
      },
    ],
    solutions: [
      {
        title: 'Restore the partial refund branch',
        steps: ['Open app/services/payment_service.rb', 'Return a Refund for amounts below the total'],
        commands: ['bundle exec rspec spec/services/payment_service_spec.rb:42'],
      },
      { title: 'Add a regression test', steps: ['Cover partial refunds of 0.01'] },
    ],
    prevention: ['Run the payment specs in the merge request pipeline'],
    flaky_suspected: { suspected: false, reason: 'The same assertion fails on every retry.' },
    fingerprint: 'fp-test-payment-refund',
    documentation_links: [
      'https://docs.gitlab.com/ee/ci/testing/',
      'javascript:alert(1)',
      'http://169.254.169.254/latest/meta-data',
      'https://intranet.corp/admin',
      'data:text/html,<b>x</b>',
    ],
    source: { kind: 'ai', detail: 'openai gpt-4o-mini' },
    ...overrides,
  };
}

/** Inserts one analysis through the repository functions the services use. */
export async function seedAnalysis(db: TDb, s: TSeedAnalysis): Promise<{ requestId: string; analysisId: number }> {
  const projectId = s.projectId ?? 1;
  const path = s.projectPath ?? 'acme/payments';
  const reg = await registerFailure(db, {
    trigger: s.trigger ?? 'webhook',
    project: { id: projectId, path, name: path.split('/').pop() ?? path, web_url: `https://gitlab.example.com/${path}` },
    pipeline: {
      id: s.pipelineId,
      ref: s.ref ?? 'main',
      sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      url: `https://gitlab.example.com/${path}/-/pipelines/${s.pipelineId}`,
      source: 'push',
    },
    failedJobs: [
      {
        id: JOB_ID_BASE,
        name: 'rspec',
        stage: 'test',
        status: 'failed',
        failure_reason: 'script_failure',
        web_url: `https://gitlab.example.com/${path}/-/jobs/${JOB_ID_BASE}`,
      },
    ],
  });
  const id = reg.analysisId;
  if (s.status !== 'queued') await markRunning(db, id);
  if (s.status === 'completed') {
    await completeAnalysis(db, id, {
      result: sampleResult({ category: s.category ?? 'test', fingerprint: `fp-${s.pipelineId}`, ...s.result }),
      provider: s.provider ?? 'openai',
      model: s.model ?? 'gpt-4o-mini',
      promptVersion: 'v1',
      inputTokens: s.inputTokens ?? 0,
      outputTokens: s.outputTokens ?? 0,
      costUsd: s.costUsd ?? 0,
      cacheHit: s.cacheHit ?? false,
      timings: s.timings ?? {},
    });
  }
  if (s.status === 'failed')
    await failAnalysis(db, id, s.error ?? { code: 'provider_error', message: 'the provider answered 500 three times' });
  const patch = {
    ...(s.createdAt ? { createdAt: s.createdAt } : {}),
    ...(s.startedAt ? { startedAt: s.startedAt } : {}),
    ...(s.completedAt ? { completedAt: s.completedAt } : {}),
    ...(s.fetchState ? { fetchState: s.fetchState } : {}),
  };
  if (Object.keys(patch).length > 0) await updateAnalysis(db, id, patch);
  return { requestId: reg.requestId, analysisId: id };
}
