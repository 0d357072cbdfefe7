import { StepTracker } from './failed-step';

/** Steps started by echoed commands, one a line from line 1. */
function tracker(commands: string[], afterScriptFrom = Infinity): StepTracker {
  const steps = new StepTracker();
  commands.forEach((command, i) => {
    steps.phase(i + 1, `$ ${command}`, i + 1 === afterScriptFrom ? 'after_script' : undefined);
    steps.started(i + 1, `$ ${command}`);
  });
  return steps;
}

test('a named command spans the steps from its own echo to its exit line', () => {
  const steps = tracker(['./ci/setup.sh', './ci/test.sh', 'tsc -p src/', 'lite-server']);
  expect(steps.failed('The command "./ci/test.sh" exited with 1.', 10)).toMatchObject({
    step: 4,
    steps: [2, 3, 4],
    startLine: 4,
    endLine: 10,
  });
});

test('an exit line naming no known command is the current step alone', () => {
  const steps = tracker(['make']);
  expect(steps.failed('ERROR: Job failed: exit code 1', 5).steps).toEqual([1]);
  steps.started(6, '$ make check');
  expect(steps.failed('The command "make test" exited with 2.', 9).steps).toEqual([2]);
});

test("after GitLab's after_script, the failed step is the script's last and ends where after_script began", () => {
  const steps = tracker(['npm ci', 'npm test', './ci/collect-logs.sh'], 3);
  expect(steps.failed('ERROR: Job failed: exit code 1', 20)).toEqual({ step: 2, steps: [2], startLine: 2, endLine: 3 });
});

test('steps already given are not given again: repeated exit lines cost nothing more', () => {
  const steps = tracker(['./ci/test.sh', ...Array.from({ length: 2_999 }, (_, i) => `inner ${i}`)]);
  expect(steps.failed('The command "./ci/test.sh" exited with 1.', 3_001).steps).toHaveLength(3_000);
  expect(steps.failed('The command "./ci/test.sh" exited with 1.', 3_002).steps).toEqual([]);
  steps.started(3_003, '$ ./ci/deploy.sh');
  expect(steps.failed('The command "./ci/deploy.sh" exited with 1.', 3_004).steps).toEqual([3_001]);
});

test('Jenkins: post actions are an after phase until the next stage starts', () => {
  const steps = new StepTracker();
  steps.started(1, '[Pipeline] sh');
  steps.phase(5, '[Pipeline] { (Declarative: Post Actions)', undefined);
  steps.started(6, '[Pipeline] sh');
  expect(steps.failed('ERROR: script returned exit code 1', 9)).toMatchObject({ step: 1, startLine: 1, endLine: 5 });
  steps.phase(10, '[Pipeline] { (Deploy)', undefined);
  steps.started(11, '[Pipeline] sh');
  expect(steps.failed('ERROR: script returned exit code 1', 14)).toMatchObject({ step: 3, startLine: 11, endLine: 14 });
});
