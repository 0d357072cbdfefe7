import { maskerFor } from '@cia/log-intel';
import type { TAnalysisInput, TInputFailedJob } from '../analysis-input';

/** Job logs as GitLab runners print them, one per common kind of failure, plus one nobody knows. */
export const SAMPLE_LOGS = {
  typescriptBuild: `Running with gitlab-runner 17.5.0 (v17.5.0)
  on docker-runner-1 t3_AbCdEf, system ID: s_0123456789ab
Preparing the "docker" executor
Using docker image sha256:1a2b3c for node:20-alpine ...
$ npm ci
added 812 packages, and audited 813 packages in 14s
$ npm run build
> web@1.4.0 build
> tsc -p tsconfig.json
src/app.ts(3,24): error TS2307: Cannot find module './config' or its corresponding type declarations.
src/routes/users.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.
Found 2 errors in 2 files.
Errors  Files
     1  src/app.ts:3
     1  src/routes/users.ts:12
ERROR: Job failed: exit code 2`,
  npmDependency: `Running with gitlab-runner 17.5.0 (v17.5.0)
Using docker image node:20 ...
$ npm ci
npm ERR! code ERESOLVE
npm ERR! ERESOLVE unable to resolve dependency tree
npm ERR!
npm ERR! While resolving: web@1.4.0
npm ERR! Found: react@18.3.1
npm ERR! node_modules/react
npm ERR!   react@"^18.2.0" from the root project
npm ERR!
npm ERR! Could not resolve dependency:
npm ERR! peer react@"^17.0.0" from react-legacy-widget@2.1.0
npm ERR! node_modules/react-legacy-widget
npm ERR!   react-legacy-widget@"^2.1.0" from the root project
npm ERR!
npm ERR! Fix the upstream dependency conflict, or retry
npm ERR! this command with --force or --legacy-peer-deps
npm ERR! A complete log of this run can be found in: /root/.npm/_logs/2026-11-20T10_11_12_345Z-debug-0.log
ERROR: Job failed: exit code 1`,
  jestTest: `$ npx jest --ci
PASS src/utils/date.test.ts
FAIL src/cart/total.test.ts
  ● cart total › applies the discount
    expect(received).toBe(expected) // Object.is equality
    Expected: 90
    Received: 100
      12 |     const cart = createCart([{ price: 100 }]);
      13 |     applyDiscount(cart, 0.1);
    > 14 |     expect(total(cart)).toBe(90);
         |                         ^
      at Object.<anonymous> (src/cart/total.test.ts:14:25)
Test Suites: 1 failed, 1 passed, 2 total
Tests:       1 failed, 14 passed, 15 total
ERROR: Job failed: exit code 1`,
  outOfMemory: `$ ./gradlew assemble --no-daemon
> Task :app:compileKotlin
Killed
ERROR: Job failed: exit code 137`,
  unknown: `$ ./scripts/frobnicate --check
frobnicate 0.3.1 starting
checking quux lattice ... 4096 nodes
lattice state mismatch between node 17 and node 212 (expected phase 3, saw phase 5)
giving up after 3 rounds
ERROR: Job failed: exit code 7`,
} as const;

export type TSampleJob = Partial<Omit<TInputFailedJob, 'excerpt'>> & { name: string; log: string };

/**
 * Turns a log into excerpt lines numbered from 1, each masked as the excerpt step masks them
 * (tests that need log-intel's selection call excerptLog).
 */
export function toExcerptLines(log: string, secretValues?: readonly string[]): TInputFailedJob['excerpt'] {
  const mask = maskerFor(secretValues);
  return log.split('\n').map((text, i) => ({ line: i + 1, text: mask(text) }));
}

/** A pipeline analysis input with the given failed jobs and plausible GitLab context. */
export function buildSampleInput(
  jobs: TSampleJob[],
  overrides: Partial<TAnalysisInput> = {},
  options: { secretValues?: readonly string[] } = {},
): TAnalysisInput {
  return {
    project: {
      id: 4242,
      path: 'acme/web',
      name: 'web',
      web_url: 'https://gitlab.example.com/acme/web',
      default_branch: 'main',
      languages: { TypeScript: 92.5, Shell: 7.5 },
    },
    pipeline: {
      id: 98765,
      iid: 321,
      ref: 'feature/cart-discount',
      sha: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0',
      url: 'https://gitlab.example.com/acme/web/-/pipelines/98765',
      status: 'failed',
      source: 'push',
    },
    commit: {
      sha: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0',
      title: 'Apply discount in cart total',
      message: 'Apply discount in cart total\n\nRenames config to settings.',
      author_name: 'Dana Dev',
    },
    failed_jobs: jobs.map(({ log, ...job }, i) => ({
      id: job.id ?? 5000 + i,
      stage: job.stage ?? 'build',
      status: 'failed',
      failure_reason: 'script_failure',
      ...job,
      excerpt: toExcerptLines(log, options.secretValues),
    })),
    ...overrides,
  };
}
