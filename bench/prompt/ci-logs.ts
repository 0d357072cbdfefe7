/**
 * Job logs as a GitLab runner writes them (ANSI colours, section markers, the runner's preamble and
 * epilogue), around the output of the tool that failed. Copies of one job (matrix, parallel) differ
 * in what differs between real runs: runner, times, durations, seeds, image tags.
 */
export type TRun = { seed: number; image: string; jobName: string };

const ESC = '\x1b';
const rand = (seed: number, n: number) => ((seed * 2654435761) >>> 0) % n;
const section = (t: number, name: string, title: string, body: string[]) => [
  `${ESC}[0Ksection_start:${t}:${name}\r${ESC}[0K${ESC}[0K${ESC}[36;1m${title}${ESC}[0;m`,
  ...body,
  `${ESC}[0Ksection_end:${t + 2}:${name}\r${ESC}[0K`,
];

/** The runner's lines before the job script, and the script section holding `script`. */
export function runnerLog(run: TRun, script: string[], opts: { exitCode?: number; cacheKey?: string } = {}): string {
  const t = 1_717_000_000 + run.seed * 37;
  const runner = `runner-${(run.seed * 7919).toString(36)}-project-42-concurrent-${rand(run.seed, 4)}`;
  const digest = ((run.seed * 48271) >>> 0).toString(16).padStart(8, '0').repeat(8);
  const lines = [
    `${ESC}[0KRunning with gitlab-runner 17.4.${rand(run.seed, 3)} (b92ee590)${ESC}[0;m`,
    `${ESC}[0K  on docker-autoscaler-${rand(run.seed, 9)} t3_${(run.seed * 131).toString(36)}, system ID: s_${digest.slice(0, 12)}${ESC}[0;m`,
    ...section(t, 'prepare_executor', 'Preparing the "docker" executor', [
      `${ESC}[0KUsing Docker executor with image ${run.image} ...${ESC}[0;m`,
      `${ESC}[0KStarting service postgres:16 ...${ESC}[0;m`,
      `${ESC}[0KPulling docker image ${run.image} ...${ESC}[0;m`,
      `${ESC}[0KUsing docker image sha256:${digest} for ${run.image} with digest ${run.image.split(':')[0]}@sha256:${digest} ...${ESC}[0;m`,
    ]),
    ...section(t + 3, 'prepare_script', 'Preparing environment', [`Running on ${runner} via runner-host-${rand(run.seed, 12)}...`]),
    ...section(t + 5, 'get_sources', 'Getting source from Git repository', [
      `${ESC}[32;1mFetching changes with git depth set to 20...${ESC}[0;m`,
      'Initialized empty Git repository in /builds/acme/shop/.git/',
      `${ESC}[32;1mCreated fresh repository.${ESC}[0;m`,
      `${ESC}[32;1mChecking out bcbb5ec3 as detached HEAD (ref is main)...${ESC}[0;m`,
      '',
      `${ESC}[32;1mSkipping Git submodules setup${ESC}[0;m`,
    ]),
    ...section(t + 8, 'restore_cache', 'Restoring cache', [
      `${ESC}[32;1mChecking cache for ${opts.cacheKey ?? 'deps'}-${rand(run.seed, 3) + 1}-non_protected...${ESC}[0;m`,
      `Downloading cache from https://storage.googleapis.com/gitlab-runner-cache/project/42/${opts.cacheKey ?? 'deps'}-non_protected${ESC}[0;m  ETag="${digest.slice(0, 32)}"`,
      `${ESC}[32;1mSuccessfully extracted cache${ESC}[0;m`,
    ]),
    ...section(t + 11, 'step_script', 'Executing "step_script" stage of the job script', [
      `${ESC}[0KUsing docker image sha256:${digest} for ${run.image} with digest ${run.image.split(':')[0]}@sha256:${digest} ...${ESC}[0;m`,
      ...script,
    ]),
    ...section(t + 90 + rand(run.seed, 60), 'upload_artifacts_on_failure', 'Uploading artifacts for failed job', [
      `${ESC}[32;1mUploading artifacts...${ESC}[0;m`,
      'junit.xml: found 1 matching artifact files and directories',
      `Uploading artifacts as "junit" to coordinator... 201 Created${ESC}[0;m  id=${run.seed * 10} responseStatus=201 Created token=${digest.slice(0, 8)}`,
    ]),
    ...section(t + 160, 'cleanup_file_variables', 'Cleaning up project directory and file based variables', []),
    `${ESC}[31;1mERROR: Job failed: exit code ${opts.exitCode ?? 1}`,
    `${ESC}[0;m`,
  ];
  return lines.join('\n');
}

const cmd = (c: string) => `${ESC}[32;1m$ ${c}${ESC}[0;m`;

/** `npm ci` output of a healthy install: the long, boring part of most Node job logs. */
function npmInstall(run: TRun, packages: number): string[] {
  return [
    cmd('npm ci --prefer-offline --no-audit'),
    ...Array.from(
      { length: packages },
      (_, i) =>
        `npm http fetch GET 200 https://registry.npmjs.org/pkg-${(i * 7 + run.seed) % 997}/-/pkg-${i}.tgz ${3 + rand(run.seed + i, 90)}ms (cache hit)`,
    ),
    `added ${1100 + rand(run.seed, 200)} packages in ${8 + rand(run.seed, 9)}s`,
  ];
}

/** RSpec under one Ruby of a matrix: real assertion failures, the same in every Ruby. */
export function rspecAssertionLog(run: TRun): string {
  const dots = Array.from({ length: 12 }, (_, i) => '.'.repeat(60 + rand(run.seed + i, 20)) + (i === 7 ? 'FF' : i === 9 ? 'F' : ''));
  const backtrace = (spec: string, line: number) => [
    `     # ./${spec}:${line}:in \`block (3 levels) in <top (required)>'`,
    "     # ./spec/support/database_cleaner.rb:18:in `block (2 levels) in <top (required)>'",
    "     # ./spec/support/database_cleaner.rb:17:in `block (2 levels) in <top (required)>'",
    "     # /usr/local/bundle/gems/webmock-3.23.1/lib/webmock/rspec.rb:39:in `block (2 levels) in <top (required)>'",
  ];
  return runnerLog(run, [
    cmd('bundle config set --local path vendor/bundle'),
    cmd('bundle install --jobs 4 --retry 3'),
    ...Array.from({ length: 60 }, (_, i) => `Using gem-${(i * 13) % 211} ${1 + (i % 7)}.${i % 10}.${(i * 3) % 17}`),
    `Bundle complete! 87 Gemfile dependencies, 212 gems now installed.`,
    cmd('bin/rails db:prepare'),
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `== 2024051${i}10${i}000 Create${['Orders', 'Carts', 'Users', 'Discounts'][i % 4]}: migrated (0.00${rand(run.seed + i, 9)}s) ====`,
    ),
    cmd('bundle exec rspec --format progress --format RspecJunitFormatter --out junit.xml'),
    `Randomized with seed ${10000 + rand(run.seed, 50000)}`,
    ...Array.from(
      { length: 6 },
      () =>
        'DEPRECATION WARNING: `Rails.application.secrets` is deprecated in favor of `Rails.application.credentials` and will be removed in Rails 7.2. (called from <top (required)> at /builds/acme/shop/config/initializers/payments.rb:3)',
    ),
    ...dots,
    '',
    'Failures:',
    '',
    '  1) Checkout::PriceCalculator#total applies the member discount to the order total',
    '     Failure/Error: expect(calculator.total).to eq(Money.new(90_00, "EUR"))',
    '',
    '       expected: #<Money fractional:9000 currency:EUR>',
    '            got: #<Money fractional:10000 currency:EUR>',
    '',
    '       (compared using ==)',
    ...backtrace('spec/checkout/price_calculator_spec.rb', 42),
    '',
    '  2) Checkout::PriceCalculator#total stacks the member discount with a voucher',
    '     Failure/Error: expect(calculator.total).to eq(Money.new(80_00, "EUR"))',
    '',
    '       expected: #<Money fractional:8000 currency:EUR>',
    '            got: #<Money fractional:9000 currency:EUR>',
    '',
    '       (compared using ==)',
    ...backtrace('spec/checkout/price_calculator_spec.rb', 57),
    '',
    '  3) Orders::Summary#discount_line shows the member discount',
    '     Failure/Error: discount = Pricing::Rules.member_discount_for(order.customer)',
    '',
    '     NoMethodError:',
    "       undefined method `member_discount_for' for Pricing::Rules:Module",
    "     # ./app/models/orders/summary.rb:27:in `discount_line'",
    ...backtrace('spec/models/orders/summary_spec.rb', 19),
    '',
    `Finished in ${30 + rand(run.seed, 20)}.${rand(run.seed, 99)} seconds (files took ${1 + rand(run.seed, 3)}.${rand(run.seed, 9)} seconds to load)`,
    '812 examples, 3 failures',
    '',
    'Failed examples:',
    '',
    'rspec ./spec/checkout/price_calculator_spec.rb:38 # Checkout::PriceCalculator#total applies the member discount to the order total',
    'rspec ./spec/checkout/price_calculator_spec.rb:51 # Checkout::PriceCalculator#total stacks the member discount with a voucher',
    'rspec ./spec/models/orders/summary_spec.rb:15 # Orders::Summary#discount_line shows the member discount',
    '',
    `Randomized with seed ${10000 + rand(run.seed, 50000)}`,
    '',
    `Coverage report generated for RSpec to /builds/acme/shop/coverage. ${14000 + rand(run.seed, 100)} / ${16000 + rand(run.seed, 100)} LOC (${87 + rand(run.seed, 3)}.${rand(run.seed, 99)}%) covered.`,
  ]);
}

/** A Jest shard whose database service was not up: every shard fails the same way. */
export function jestServiceDownLog(run: TRun): string {
  const suiteDown = (file: string, line: number) => [
    `FAIL src/${file}`,
    '  ● Test suite failed to run',
    '',
    '    connect ECONNREFUSED 127.0.0.1:5432',
    '',
    '      at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)',
    '      at Client._connectionCallback (node_modules/pg/lib/client.js:132:24)',
    '      at Client._handleErrorEvent (node_modules/pg/lib/client.js:196:19)',
    '      at Connection.emit (node:events:519:28)',
    '      at Socket.reportStreamError (node_modules/pg/lib/connection.js:57:12)',
    `      at Object.<anonymous> (src/${file}:${line}:5)`,
    '',
  ];
  return runnerLog(run, [
    ...npmInstall(run, 80),
    cmd('npx jest --ci --shard=$CI_NODE_INDEX/$CI_NODE_TOTAL --reporters=default --reporters=jest-junit'),
    ...Array.from(
      { length: 20 },
      (_, i) =>
        `PASS src/${['cart', 'user', 'search', 'orders'][i % 4]}/${['model', 'service', 'routes'][i % 3]}-${i}.test.ts (${1 + rand(run.seed + i, 9)}.${rand(run.seed + i, 999)} s)`,
    ),
    '  console.error',
    '    [db] connection attempt 1/5 failed: connect ECONNREFUSED 127.0.0.1:5432, retrying in 200 ms',
    '',
    '      at Pool.connect (src/db/pool.ts:41:15)',
    '',
    '  console.error',
    '    [db] giving up after 5 attempts',
    '',
    '      at Pool.connect (src/db/pool.ts:48:13)',
    '',
    ...suiteDown('orders/repository.int.test.ts', 11),
    ...suiteDown('orders/migrations.int.test.ts', 8),
    ...suiteDown('cart/checkout-flow.int.test.ts', 14),
    'Test Suites: 3 failed, 20 passed, 23 total',
    `Tests:       ${180 + rand(run.seed, 40)} passed, ${180 + rand(run.seed, 40)} total`,
    'Snapshots:   12 passed, 12 total',
    `Time:        ${40 + rand(run.seed, 30)}.${rand(run.seed, 999)} s`,
    'Ran all test suites.',
  ]);
}

/** A Jest shard with a failing test of its own: shards differ, each failure is distinct. */
export function jestOwnFailureLog(run: TRun, shard: number): string {
  const failing = [
    {
      file: 'src/cart/cart.test.ts',
      name: 'Cart › removes an item when its quantity drops to zero',
      expected: '0',
      received: '1',
      line: 57,
    },
    {
      file: 'src/search/query-parser.test.ts',
      name: 'QueryParser › parses quoted phrases with escaped quotes',
      expected: '"say \\"hi\\""',
      received: '"say \\\\"',
      line: 113,
    },
    {
      file: 'src/user/password-policy.test.ts',
      name: 'PasswordPolicy › rejects passwords found in the breach list',
      expected: 'false',
      received: 'true',
      line: 24,
    },
  ][shard % 3]!;
  return runnerLog(run, [
    ...npmInstall(run, 80),
    cmd(`npx jest --ci --shard=${shard + 1}/3`),
    ...Array.from({ length: 15 }, (_, i) => `PASS src/${['cart', 'user', 'search'][i % 3]}/unit-${i}.test.ts`),
    `FAIL ${failing.file}`,
    `  ● ${failing.name}`,
    '',
    '    expect(received).toBe(expected) // Object.is equality',
    '',
    `    Expected: ${failing.expected}`,
    `    Received: ${failing.received}`,
    '',
    `      at Object.<anonymous> (${failing.file}:${failing.line}:24)`,
    '',
    'Test Suites: 1 failed, 15 passed, 16 total',
    `Tests:       1 failed, ${150 + shard} passed, ${151 + shard} total`,
  ]);
}

/** tsc after a rename the commit did not finish: one cause, many errors. */
export function tscBuildLog(run: TRun): string {
  const files = [
    'checkout/price-calculator',
    'checkout/index',
    'checkout/cart-summary',
    'orders/summary',
    'orders/invoice',
    'admin/discounts/table',
    'admin/discounts/form',
    'api/checkout.routes',
  ];
  const errors = files.flatMap((f, i) => [
    `src/${f}.ts(${3 + i},${10 + i * 2}): error TS2307: Cannot find module '${i % 2 ? '../checkout/discounts' : './discounts'}' or its corresponding type declarations.`,
    `src/${f}.ts(${20 + i * 3},${5 + i}): error TS2305: Module '"${i % 2 ? '../checkout/price-calculator' : './price-calculator'}"' has no exported member 'applyDiscount'.`,
    `src/${f}.ts(${41 + i * 2},${7 + i}): error TS7006: Parameter 'discount' implicitly has an 'any' type.`,
  ]);
  return runnerLog(run, [
    ...npmInstall(run, 120),
    cmd('npm run build'),
    '',
    '> shop@4.2.0 build',
    '> tsc -p tsconfig.build.json && vite build',
    '',
    ...errors,
    '',
    `Found ${errors.length} errors in ${files.length} files.`,
    '',
    'Errors  Files',
    ...files.map((f, i) => `     3  src/${f}.ts:${3 + i}`),
  ]);
}

export function eslintLog(run: TRun): string {
  const files = [
    'checkout/price-calculator.ts',
    'checkout/cart-summary.tsx',
    'user/profile.tsx',
    'orders/invoice.ts',
    'admin/discounts/table.tsx',
  ];
  return runnerLog(run, [
    ...npmInstall(run, 120),
    cmd('npx eslint --max-warnings=0 src'),
    '',
    ...files.flatMap((f, i) => [
      `/builds/acme/shop/src/${f}`,
      `   ${14 + i}:7   error    'legacyTotal' is assigned a value but never used                 @typescript-eslint/no-unused-vars`,
      `   ${31 + i}:15  error    Unexpected any. Specify a different type                          @typescript-eslint/no-explicit-any`,
      `   ${52 + i}:3   warning  React Hook useEffect has a missing dependency: 'userId'. Either include it or remove the dependency array  react-hooks/exhaustive-deps`,
      `   ${60 + i}:1   error    Import "Discount" is only used as types                           @typescript-eslint/consistent-type-imports`,
      '',
    ]),
    `✖ ${files.length * 4} problems (${files.length * 3} errors, ${files.length} warnings)`,
    `  ${files.length} errors and 0 warnings potentially fixable with the \`--fix\` option.`,
  ]);
}

export function npmEresolveLog(run: TRun): string {
  return runnerLog(run, [
    cmd('npm ci --prefer-offline --no-audit'),
    ...Array.from(
      { length: 40 },
      (_, i) => `npm http fetch GET 200 https://registry.npmjs.org/pkg-${i} ${3 + rand(run.seed + i, 40)}ms (cache revalidated)`,
    ),
    'npm ERR! code ERESOLVE',
    'npm ERR! ERESOLVE unable to resolve dependency tree',
    'npm ERR! ',
    'npm ERR! While resolving: shop@4.2.0',
    'npm ERR! Found: react@18.3.1',
    'npm ERR! node_modules/react',
    'npm ERR!   react@"^18.3.1" from the root project',
    'npm ERR! ',
    'npm ERR! Could not resolve dependency:',
    'npm ERR! peer react@"^16.8.0 || ^17.0.0" from react-beautiful-dnd@13.1.1',
    'npm ERR! node_modules/react-beautiful-dnd',
    'npm ERR!   react-beautiful-dnd@"^13.1.1" from the root project',
    'npm ERR! ',
    'npm ERR! Fix the upstream dependency conflict, or retry',
    'npm ERR! this command with --force or --legacy-peer-deps',
    `npm ERR! A complete log of this run can be found in: /root/.npm/_logs/2024-06-0${1 + rand(run.seed, 8)}T10_1${rand(run.seed, 9)}_00_000Z-debug-0.log`,
  ]);
}

/** `docker build` on one platform of a matrix: the same failing step on each. */
export function dockerBuildLog(run: TRun): string {
  return runnerLog(
    run,
    [
      cmd('docker buildx build --platform "$PLATFORM" -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .'),
      '#0 building with "default" instance using docker driver',
      '#1 [internal] load build definition from Dockerfile',
      '#1 transferring dockerfile: 612B done',
      ...Array.from(
        { length: 25 },
        (_, i) =>
          `#${i + 2} [internal] load metadata ${i % 5 === 0 ? 'for docker.io/library/node:20-alpine' : `layer ${i}`} ${(rand(run.seed + i, 30) / 10).toFixed(1)}s done`,
      ),
      '#9 [builder 4/6] RUN npm ci --omit=dev',
      ...Array.from(
        { length: 30 },
        (_, i) =>
          `#9 ${(0.4 + i * 0.1).toFixed(3)} npm warn deprecated ${['inflight@1.0.6', 'glob@7.2.3', 'rimraf@3.0.2', 'abab@2.0.6', 'domexception@4.0.0'][i % 5]}: This module is not supported, and leaks memory. Do not use it.`,
      ),
      '#9 3.412 npm ERR! code EINTEGRITY',
      '#9 3.413 npm ERR! sha512-Vx5d8Vh0u3M3xW9q6o0+1j0Y5tmQbnlE3WgtdjP6Wz1oV2gWVYGf5j6fWm3C2kq1k6ahC/2+8n+bSWq8f5GxRQ== integrity checksum failed when using sha512: wanted sha512-Vx5d8Vh0u3M3xW9q6o0+1j0Y5tmQbnlE3WgtdjP6Wz1oV2gWVYGf5j6fWm3C2kq1k6ahC/2+8n+bSWq8f5GxRQ== but got sha512-2d8f0e9cf1c6a0fb2a4d1c0e8b3f7f7c0e1d2c3b4a5968778695a4b3c2d1e0f== . (40213 bytes)',
      '#9 ERROR: process "/bin/sh -c npm ci --omit=dev" did not complete successfully: exit code: 1',
      '------',
      ' > [builder 4/6] RUN npm ci --omit=dev:',
      '------',
      'Dockerfile:9',
      '--------------------',
      '   8 |     COPY package.json package-lock.json ./',
      '   9 | >>> RUN npm ci --omit=dev',
      '  10 |     COPY . .',
      '--------------------',
      'ERROR: failed to solve: process "/bin/sh -c npm ci --omit=dev" did not complete successfully: exit code: 1',
    ],
    { cacheKey: 'docker' },
  );
}
