import type { TFailedJobRef } from '@cia/contracts';

export type TScenario = {
  name: string;
  description: string;
  category: string;
  job: Omit<TFailedJobRef, 'id' | 'status'>;
  log: string;
};

/** Built-in failures with realistic logs; they run through the real intake, queue and worker. */
export const SCENARIOS: TScenario[] = [
  {
    name: 'build',
    description: 'TypeScript compilation fails in the build job',
    category: 'build',
    job: { name: 'build', stage: 'build', failure_reason: 'script_failure' },
    log: [
      '$ npm ci',
      'added 812 packages in 14s',
      '$ npm run build',
      '> app@1.4.0 build',
      '> tsc -p tsconfig.json',
      "src/orders/order-service.ts(42,17): error TS2339: Property 'totalPrice' does not exist on type 'Order'.",
      "src/orders/order-service.ts(57,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      'Found 2 errors in the same file, starting at: src/orders/order-service.ts:42',
      'ERROR: Job failed: exit code 2',
    ].join('\n'),
  },
  {
    name: 'test',
    description: 'A pytest assertion fails in the unit tests',
    category: 'test',
    job: { name: 'unit-tests', stage: 'test', failure_reason: 'script_failure' },
    log: [
      '$ pytest -q',
      '....................F.....',
      '=================================== FAILURES ===================================',
      '___________________________ test_invoice_total ___________________________',
      '    def test_invoice_total():',
      '        invoice = Invoice(items=[Item(price=10), Item(price=5)])',
      '>       assert invoice.total() == 16',
      'E       assert 15 == 16',
      'E        +  where 15 = <bound method Invoice.total of Invoice(items=2)>()',
      'tests/test_invoice.py:12: AssertionError',
      '=========================== short test summary info ============================',
      'FAILED tests/test_invoice.py::test_invoice_total - assert 15 == 16',
      '1 failed, 25 passed in 2.31s',
      'ERROR: Job failed: exit code 1',
    ].join('\n'),
  },
  {
    name: 'deploy',
    description: 'kubectl cannot reach the cluster during deploy',
    category: 'deployment',
    job: { name: 'deploy-production', stage: 'deploy', failure_reason: 'script_failure' },
    log: [
      '$ kubectl apply -f k8s/',
      'error: error validating "k8s/deployment.yaml": error validating data: failed to download openapi: Get "https://10.0.0.1:6443/openapi/v2?timeout=32s": dial tcp 10.0.0.1:6443: i/o timeout',
      'ERROR: Job failed: exit code 1',
    ].join('\n'),
  },
  {
    name: 'dependency',
    description: 'npm cannot resolve a peer dependency',
    category: 'dependency',
    job: { name: 'install', stage: 'build', failure_reason: 'script_failure' },
    log: [
      '$ npm ci',
      'npm ERR! code ERESOLVE',
      'npm ERR! ERESOLVE unable to resolve dependency tree',
      'npm ERR! While resolving: web@2.0.0',
      'npm ERR! Found: react@18.2.0',
      'npm ERR! Could not resolve dependency:',
      'npm ERR! peer react@"^17.0.0" from react-beautiful-dnd@13.1.1',
      'ERROR: Job failed: exit code 1',
    ].join('\n'),
  },
  {
    name: 'timeout',
    description: 'An end-to-end test job hits its timeout',
    category: 'timeout',
    job: { name: 'e2e', stage: 'test', failure_reason: 'job_execution_timeout' },
    log: [
      '$ npx playwright test',
      'Running 48 tests using 2 workers',
      '[chromium] › checkout.spec.ts:21:3 › checkout › pays with card',
      'ERROR: Job failed: execution took longer than 1h0m0s seconds',
    ].join('\n'),
  },
];

export function findScenario(name: string): TScenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
