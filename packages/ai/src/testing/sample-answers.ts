import type { TModelAnswer } from '../model-answer.schema';

/** A valid answer such as a model gives, covering the given job ids. */
export function buildSampleAnswer(jobIds: number[], overrides: Partial<TModelAnswer> = {}): TModelAnswer {
  return {
    summary: 'The build failed because the TypeScript compiler could not find the module ./config.',
    root_cause: 'src/app.ts imports ./config, which the commit renamed to ./settings.',
    category: 'build',
    severity: 'high',
    confidence: 0.82,
    failed_jobs: jobIds.map((id) => ({ job_id: id, findings: ["line 42: error TS2307: Cannot find module './config'"] })),
    solutions: [{ title: 'Update the import', steps: ['Change the import in src/app.ts to ./settings.'], commands: ['npx tsc --noEmit'] }],
    prevention: ['Run the type check in a pre-push hook.'],
    flaky_suspected: { suspected: false, reason: 'A compile error is deterministic.' },
    documentation_links: ['https://www.typescriptlang.org/docs/handbook/modules/reference.html'],
    ...overrides,
  };
}

/** The job ids a prompt asks about, read from its closing line. */
export function readJobIdsFromPrompt(text: string): number[] {
  const m = /one failed_jobs entry for each job_id: ([\d, ]+)/.exec(text);
  return m?.[1]
    ? m[1]
        .split(',')
        .map((s) => Number(s.trim()))
        .filter(Number.isInteger)
    : [];
}
