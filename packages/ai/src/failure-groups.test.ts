import { groupFailedJobs } from './failure-groups';
import { buildSampleInput, SAMPLE_LOGS } from './testing';

/** The same Jest failure as another shard prints it: other times, ids and durations. */
const shardLog = (shard: number) =>
  SAMPLE_LOGS.jestTest
    .replace('$ npx jest --ci', `Running on runner-${shard}a7f via host-${shard}...\n$ npx jest --ci --shard=${shard}/4`)
    .replace('15 total', `${14 + shard} total`);
const noCategory = () => undefined;
const idsOf = (groups: ReturnType<typeof groupFailedJobs>) => groups.map((g) => g.jobs.map((j) => j.id));

test('parallel shards and matrix copies that fail the same way form one group, led by the first', () => {
  const input = buildSampleInput([
    { id: 1, name: 'jest 1/4', stage: 'test', log: shardLog(1) },
    { id: 2, name: 'build', stage: 'build', log: SAMPLE_LOGS.typescriptBuild },
    { id: 3, name: 'jest 3/4', stage: 'test', log: shardLog(3) },
    { id: 4, name: 'rspec: [ruby, 3.2]', stage: 'test', log: SAMPLE_LOGS.npmDependency },
    {
      id: 5,
      name: 'rspec: [ruby, 3.3]',
      stage: 'test',
      log: SAMPLE_LOGS.npmDependency.replace('2026-11-20T10_11_12_345Z', '2026-11-21T08_01_02_999Z'),
    },
  ]);

  const groups = groupFailedJobs(input.failed_jobs, noCategory);

  expect(idsOf(groups)).toEqual([[1, 3], [2], [4, 5]]);
  expect(groups.map((g) => g.lead.id)).toEqual([1, 2, 4]);
});

test('shards with different failures, different jobs with the same log and jobs without log lines stay apart', () => {
  const input = buildSampleInput([
    { id: 1, name: 'unit 1/2', stage: 'test', log: SAMPLE_LOGS.jestTest },
    { id: 2, name: 'unit 2/2', stage: 'test', log: SAMPLE_LOGS.typescriptBuild },
    { id: 3, name: 'lint', stage: 'test', log: SAMPLE_LOGS.jestTest },
    { id: 4, name: 'e2e 1/2', stage: 'test', log: '' },
    { id: 5, name: 'e2e 2/2', stage: 'test', log: '' },
  ]);
  for (const job of input.failed_jobs.filter((j) => j.id >= 4)) job.excerpt = [];

  expect(idsOf(groupFailedJobs(input.failed_jobs, noCategory))).toEqual([[1], [2], [3], [4], [5]]);
});

test('copies whose rules put them in different categories, or that failed for different reasons, stay apart', () => {
  const input = buildSampleInput([
    { id: 1, name: 'jest 1/2', stage: 'test', log: shardLog(1) },
    { id: 2, name: 'jest 2/2', stage: 'test', log: shardLog(2) },
    { id: 3, name: 'deploy: [eu]', stage: 'deploy', log: SAMPLE_LOGS.unknown },
    { id: 4, name: 'deploy: [us]', stage: 'deploy', log: SAMPLE_LOGS.unknown, failure_reason: 'runner_system_failure' },
  ]);

  expect(idsOf(groupFailedJobs(input.failed_jobs, (id) => (id === 2 ? 'network' : 'test')))).toEqual([[1], [2], [3], [4]]);
});
