import type { TFakeJob, TFakePipeline, TFakeProject, TFakeTestReport } from '@cia/gitlab/testing';
import {
  dockerBuildLog,
  eslintLog,
  jestOwnFailureLog,
  jestServiceDownLog,
  npmEresolveLog,
  rspecAssertionLog,
  tscBuildLog,
  type TRun,
} from './ci-logs';

export const PROJECT_ID = 42;
export const SHA = 'bcbb5ec396a2c0f828686f14fac9b80b780504f2';

/** A mid-sized project's config: templates, a Ruby matrix, Jest shards, a Docker platform matrix, deploys. */
export const CI_CONFIG = `# Shop monolith: Rails API + TypeScript front end
stages: [install, build, test, package, deploy]

workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

variables:
  NODE_OPTIONS: --max-old-space-size=4096
  POSTGRES_DB: shop_test
  POSTGRES_USER: shop
  POSTGRES_PASSWORD: shop
  DATABASE_URL: postgres://shop:shop@postgres:5432/shop_test
  RAILS_ENV: test
  FF_USE_FASTZIP: "true"

default:
  interruptible: true
  retry:
    max: 1
    when: [runner_system_failure, stuck_or_timeout_failure]

.node:
  image: node:20-bookworm
  cache:
    key:
      files: [package-lock.json]
    paths: [.npm/]
  before_script:
    - npm ci --prefer-offline --no-audit

.ruby:
  image: ruby:3.3
  services: [postgres:16]
  cache:
    key: ruby-$RUBY_VERSION-gems
    paths: [vendor/bundle]
  before_script:
    - bundle config set --local path vendor/bundle
    - bundle install --jobs 4 --retry 3
    - bin/rails db:prepare

install:
  extends: .node
  stage: install
  script:
    - npm ls --depth=0

build:
  extends: .node
  stage: build
  script:
    - npm run build
  artifacts:
    paths: [dist/]
    expire_in: 1 week

lint:
  extends: .node
  stage: test
  needs: []
  script:
    - npx eslint --max-warnings=0 src

jest:
  extends: .node
  stage: test
  services: [postgres:16]
  parallel: 4
  script:
    - npx jest --ci --shard=$CI_NODE_INDEX/$CI_NODE_TOTAL --reporters=default --reporters=jest-junit
  artifacts:
    when: always
    reports:
      junit: junit.xml

unit:
  extends: .node
  stage: test
  parallel: 3
  script:
    - npx jest --ci --shard=$CI_NODE_INDEX/$CI_NODE_TOTAL
  artifacts:
    when: always
    reports:
      junit: junit.xml

rspec:
  extends: .ruby
  stage: test
  image: ruby:$RUBY_VERSION
  parallel:
    matrix:
      - RUBY_VERSION: ["3.1", "3.2", "3.3"]
  script:
    - bundle exec rspec --format progress --format RspecJunitFormatter --out junit.xml
  artifacts:
    when: always
    reports:
      junit: junit.xml

docker:
  stage: package
  image: docker:27
  services: [docker:27-dind]
  parallel:
    matrix:
      - PLATFORM: [linux/amd64, linux/arm64]
  before_script:
    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"
  script:
    - docker buildx build --platform "$PLATFORM" -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .

pages:
  stage: deploy
  image: node:20-bookworm
  script:
    - npm run docs
  artifacts:
    paths: [public]
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

deploy-staging:
  stage: deploy
  image: bitnami/kubectl:1.30
  environment: staging
  script:
    - kubectl set image deployment/shop shop="$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"
    - kubectl rollout status deployment/shop --timeout=180s

deploy-production:
  extends: deploy-staging
  environment: production
  when: manual
`;

/** One failed job: its log, and the failure it shows (jobs with the same `failure` fail the same way). */
type TJobSpec = {
  name: string;
  stage: string;
  image: string;
  failure: string;
  log: (run: TRun) => string;
  tests?: TFakeTestReport['suites'][number]['cases'];
};

const rspecCase = {
  status: 'failed',
  name: 'Checkout::PriceCalculator#total applies the member discount to the order total',
  classname: 'spec.checkout.price_calculator_spec',
  file: './spec/checkout/price_calculator_spec.rb',
  execution_time: 0.04,
  stack_trace:
    'Failure/Error: expect(calculator.total).to eq(Money.new(90_00, "EUR"))\n\n  expected: #<Money fractional:9000 currency:EUR>\n       got: #<Money fractional:10000 currency:EUR>\n\n  (compared using ==)\n./spec/checkout/price_calculator_spec.rb:42:in `block (3 levels) in <top (required)>\'',
};
const jestDownCase = {
  status: 'error',
  name: 'Test suite failed to run',
  classname: 'src/orders/repository.int.test.ts',
  file: 'src/orders/repository.int.test.ts',
  execution_time: 0,
  stack_trace:
    'connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)\n    at Object.<anonymous> (src/orders/repository.int.test.ts:11:5)',
};

const rspec = (ruby: string): TJobSpec => ({
  name: `rspec: [${ruby}]`,
  stage: 'test',
  image: `ruby:${ruby}`,
  failure: 'rspec-assertion',
  log: rspecAssertionLog,
  tests: [rspecCase],
});
const jest = (i: number, of: number): TJobSpec => ({
  name: `jest ${i}/${of}`,
  stage: 'test',
  image: 'node:20-bookworm',
  failure: 'jest-db-down',
  log: jestServiceDownLog,
  tests: [jestDownCase],
});
const unit = (i: number): TJobSpec => ({
  name: `unit ${i + 1}/3`,
  stage: 'test',
  image: 'node:20-bookworm',
  failure: `unit-own-${i}`,
  log: (r) => jestOwnFailureLog(r, i),
});
const build: TJobSpec = { name: 'build', stage: 'build', image: 'node:20-bookworm', failure: 'tsc', log: tscBuildLog };
const lint: TJobSpec = { name: 'lint', stage: 'test', image: 'node:20-bookworm', failure: 'eslint', log: eslintLog };
const install: TJobSpec = { name: 'install', stage: 'install', image: 'node:20-bookworm', failure: 'eresolve', log: npmEresolveLog };
const docker = (platform: string): TJobSpec => ({
  name: `docker: [${platform}]`,
  stage: 'package',
  image: 'docker:27',
  failure: 'docker-eintegrity',
  log: dockerBuildLog,
});

/**
 * The shapes of failed pipelines the bench cycles through. `two-job` is two different failures;
 * the others have matrix or parallel copies of one failure, or shards that each fail their own way.
 */
export const SHAPES: Record<string, TJobSpec[]> = {
  'two-job': [build, lint],
  single: [install],
  'ruby-matrix': [rspec('3.1'), rspec('3.2'), rspec('3.3'), lint],
  'jest-shards': [jest(1, 4), jest(2, 4), jest(3, 4), jest(4, 4)],
  'shards-differ': [unit(0), unit(1), unit(2)],
  'docker-matrix': [docker('linux/amd64'), docker('linux/arm64')],
  mixed: [rspec('3.1'), rspec('3.2'), rspec('3.3'), jest(1, 4), jest(2, 4), build],
};

export type TBenchPipeline = {
  id: number;
  shape: string;
  failedJobIds: number[];
  distinctFailures: number;
  pipeline: TFakePipeline;
  hookBuilds: Record<string, unknown>[];
};

const PASSED = [
  { name: 'pages', stage: 'deploy', status: 'skipped' },
  { name: 'deploy-staging', stage: 'deploy', status: 'skipped' },
];

/** Pipeline `id` of a shape: the failed jobs with their logs, a passed job, skipped deploys, the test report. */
export function makePipeline(id: number, shape: string): TBenchPipeline {
  const specs = SHAPES[shape]!;
  const jobs: TFakeJob[] = specs.map((s, i) => ({
    id: id * 100 + i,
    name: s.name,
    stage: s.stage,
    status: 'failed',
    failure_reason: 'script_failure',
    duration: 40 + ((id + i * 17) % 300),
    trace: s.log({ seed: id * 31 + i * 7, image: s.image, jobName: s.name }),
    artifacts: s.tests
      ? [
          { file_type: 'junit', size: 2048, filename: 'junit.xml.gz', file_format: 'gzip' },
          { file_type: 'trace', size: 40960, filename: 'job.log' },
        ]
      : [{ file_type: 'trace', size: 40960, filename: 'job.log' }],
  }));
  if (!specs.some((s) => s.name === 'install'))
    jobs.push({
      id: id * 100 + 50,
      name: 'install',
      stage: 'install',
      status: 'success',
      duration: 31,
      artifacts: [{ file_type: 'trace', size: 9000, filename: 'job.log' }],
    });
  PASSED.forEach((p, i) => jobs.push({ id: id * 100 + 60 + i, ...p, artifacts: [] }));
  const withTests = specs.map((s, i) => ({ s, job: jobs[i]! })).filter(({ s }) => s.tests);
  const testReport: TFakeTestReport | null = withTests.length
    ? {
        suites: withTests.map(({ s, job }) => ({
          name: job.name,
          cases: [
            ...s.tests!,
            ...Array.from({ length: 40 }, (_, k) => ({
              status: 'success',
              name: `passes case ${k}`,
              classname: 'spec',
              execution_time: 0.01,
            })),
          ],
        })),
      }
    : null;
  return {
    id,
    shape,
    failedJobIds: specs.map((_, i) => id * 100 + i),
    distinctFailures: new Set(specs.map((s) => s.failure)).size,
    pipeline: { id, ref: 'main', sha: SHA, status: 'failed', source: 'merge_request_event', jobs, testReport },
    hookBuilds: jobs.map((j) => ({
      id: j.id,
      stage: j.stage,
      name: j.name,
      status: j.status,
      failure_reason: j.failure_reason ?? null,
      allow_failure: false,
      duration: j.duration ?? null,
    })),
  };
}

export const PROJECT: TFakeProject = {
  id: PROJECT_ID,
  path_with_namespace: 'acme/shop',
  name: 'shop',
  default_branch: 'main',
  languages: { Ruby: 48.2, TypeScript: 44.1, JavaScript: 4.3, Dockerfile: 1.1, Shell: 2.3 },
  files: { [SHA]: { '.gitlab-ci.yml': CI_CONFIG } },
  commits: [
    {
      id: SHA,
      title: 'Move discounts into the pricing module',
      message: 'Move discounts into the pricing module\n\nThe calculator now reads member discounts from Pricing::Rules.\nRefs #812',
      author_name: 'Dana Developer',
      author_email: 'dana@example.com',
    },
  ],
  mergeRequests: [
    { iid: 1, title: 'Pricing: member discounts from rules', source_branch: 'pricing-rules', target_branch: 'main', shas: [SHA] },
  ],
  pipelines: [],
};
