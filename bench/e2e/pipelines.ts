/** The failed pipelines of the end-to-end benchmark: one project, two jobs, one of them failed. */
export const BENCH_TOKEN = 'glpat-benchTOKENabcdefghijk';

const SHA = 'bcbb5ec396a2c0f828686f14fac9b80b780504f2';

/** The CI config of the failed pipelines' commit: two jobs, no child pipelines, no JUnit reports. */
const CI_CONFIG = `stages: [test, deploy]

test-image:
  stage: test
  image: docker:27
  script:
    - docker build -t app .
    - docker run --rm app npm test

production:
  stage: deploy
  image: node:20
  script:
    - npm ci
    - npm run deploy
  environment: production
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
`;

const TRACE = [
  '\x1b[0Ksection_start:1700000000:prepare_script\r\x1b[0KPreparing environment',
  'Running on runner-abc via host...',
  '\x1b[0Ksection_end:1700000001:prepare_script\r\x1b[0K',
  '$ npm ci',
  ...Array.from({ length: 300 }, (_, i) => `added package ${i} in 0.1s`),
  'npm ERR! code ERESOLVE',
  'npm ERR! ERESOLVE unable to resolve dependency tree',
  'npm ERR! Found: react@18.2.0',
  'npm ERR! peer react@"^17.0.0" from react-beautiful-dnd@13.1.1',
  'ERROR: Job failed: exit code 1',
].join('\n');

export const TRACE_LINES = TRACE.split('\n').length;

/** What the webhooks point at (commit, MR) exists, as on a real instance. */
export const BENCH_PROJECT = {
  id: 1,
  sha: SHA,
  path_with_namespace: 'gitlab-org/gitlab-test',
  default_branch: 'master',
  files: { [SHA]: { '.gitlab-ci.yml': CI_CONFIG } },
  commits: [{ id: SHA, title: 'test', author_name: 'User', author_email: 'user@gitlab.com' }],
  mergeRequests: [{ iid: 1, title: 'Test', source_branch: 'test', target_branch: 'master', shas: [SHA] }],
  pipelines: [],
};

/** The jobs of failed pipeline `id`, as the fake GitLab serves them. */
export const pipelineJobs = (id: number) => [
  { id: id * 10, name: 'production', stage: 'deploy', status: 'failed', failure_reason: 'script_failure', trace: TRACE },
  { id: id * 10 + 1, name: 'test-image', stage: 'test', status: 'success' },
];

/** What GitLab's Pipeline Hook lists for those pipelines: the same jobs. */
export const hookBuilds = (id: number) => [
  {
    id: id * 10,
    stage: 'deploy',
    name: 'production',
    status: 'failed',
    failure_reason: 'script_failure',
    allow_failure: false,
    duration: 17.1,
  },
  { id: id * 10 + 1, stage: 'test', name: 'test-image', status: 'success', failure_reason: null, allow_failure: false, duration: 30.2 },
];
