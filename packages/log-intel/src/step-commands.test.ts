import { StepCommands } from './step-commands';

test('a named command spans the steps from its own echo to its exit line', () => {
  const steps = new StepCommands();
  steps.started(1, '$ ./ci/setup.sh');
  steps.started(2, '$ ./ci/test.sh');
  steps.started(3, '$ tsc -p src/');
  steps.started(4, '$ lite-server');
  expect(steps.stepsOfFailure('The command "./ci/test.sh" exited with 1.', 4)).toEqual([2, 3, 4]);
});

test('an exit line naming no known command is the current step alone', () => {
  const steps = new StepCommands();
  steps.started(1, '$ make');
  expect(steps.stepsOfFailure('ERROR: Job failed: exit code 1', 1)).toEqual([1]);
  expect(steps.stepsOfFailure('The command "make test" exited with 2.', 3)).toEqual([3]);
});

test('steps already given are not given again: repeated exit lines cost nothing more', () => {
  const steps = new StepCommands();
  steps.started(1, '$ ./ci/test.sh');
  for (let step = 2; step <= 3_000; step++) steps.started(step, `$ inner ${step}`);
  expect(steps.stepsOfFailure('The command "./ci/test.sh" exited with 1.', 3_000)).toHaveLength(3_000);
  expect(steps.stepsOfFailure('The command "./ci/test.sh" exited with 1.', 3_000)).toEqual([]);
  steps.started(3_001, '$ ./ci/deploy.sh');
  expect(steps.stepsOfFailure('The command "./ci/deploy.sh" exited with 1.', 3_001)).toEqual([3_001]);
});
