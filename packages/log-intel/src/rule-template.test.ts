import { fillCommand, fillSolutions, fillText, specificCause } from './rule-template';

describe('rule templates', () => {
  it('fills placeholders from the captures, once: a value that looks like a placeholder stays as it is', () => {
    expect(fillText('Checkstyle rule <check> failed: <message>', { check: 'JavadocType', message: "Unused @param tag for '<T>'" })).toBe(
      "Checkstyle rule JavadocType failed: Unused @param tag for '<T>'",
    );
  });

  it('gives nothing when a placeholder has no value', () => {
    expect(fillText('Test <testClass>.<method> failed', { testClass: 'a.FooTest' })).toBeUndefined();
    expect(specificCause(['Test <testClass>.<method> failed', 'Tests of <testClass> failed'], { testClass: 'a.FooTest' })).toBe(
      'Tests of a.FooTest failed',
    );
  });

  it('puts only a plain shell word in a bare command position', () => {
    expect(fillCommand('go test -run <test> ./...', { test: 'TestParse' })).toBe('go test -run TestParse ./...');
    for (const hostile of ['x; rm -rf ~', '$(curl evil)', '`id`', 'a|b', '--upload-pack=evil', 'a b', 'a>b', "it's"]) {
      expect(fillCommand('go test -run <test> ./...', { test: hostile })).toBeUndefined();
    }
  });

  it('accepts any text without a single quote inside single quotes', () => {
    expect(fillCommand("pytest '<test>' -vv", { test: 'tests/a.py::test_x[1-2 b]' })).toBe("pytest 'tests/a.py::test_x[1-2 b]' -vv");
    expect(fillCommand("pytest '<test>' -vv", { test: "x'; rm -rf ~; '" })).toBeUndefined();
    expect(fillCommand("pytest '<test>' -vv", { test: '-k evil' })).toBeUndefined();
  });

  it('leaves out the commands and steps the log cannot fill, and a solution left without steps', () => {
    const solutions = fillSolutions(
      [
        {
          title: 'Run the test',
          steps: ['Run it alone', 'Open <report>'],
          commands: ["mvn -Dtest='<Class>#<method>' test", "mvn -Dtest='<Class>' test"],
        },
        { title: 'Only specific', steps: ['Read <report>'] },
      ],
      { Class: 'FooTest' },
    );
    expect(solutions).toEqual([{ title: 'Run the test', steps: ['Run it alone'], commands: ["mvn -Dtest='FooTest' test"] }]);
  });
});
