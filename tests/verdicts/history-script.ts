import type { TVerdictKind } from '@cia/contracts';
import type { TLogKey } from './history-logs';

/**
 * The scripted history: three projects, their commits, and their pipelines in the order they
 * finish, on the default branch (`main`) and on merge request branches, with the verdict every
 * failed job must get written down beforehand (`expect`), as the evidence available at that
 * moment supports it. The traps: main red before the MR, a failure new in the MR, a test failing
 * and passing on one commit, the same error text in two unrelated projects, registry and runner
 * outages, main fixed before an MR that still fails, new failures on main with their culprit.
 */

export type TProjectName = 'numlib' | 'codegen' | 'scheduler';
export type TCommitScript = { key: string; parent?: string; title: string; author: string; files?: string[] };
export type TJobScript = {
  name: string;
  stage: string;
  log: TLogKey;
  /** GitLab's failure reason of a failed job (default `script_failure`). */
  reason?: string;
  /** The verdict this failed job must get. */
  expect?: TVerdictKind;
  /** For a new failure on main: the commit that must rank first among the culprits. */
  culprit?: string;
};
export type TPipelineScript = { label: string; project: TProjectName; commit: string; branch: string; mr?: number; jobs: TJobScript[] };

export const PROJECTS: Record<TProjectName, { id: number; path: string; commits: TCommitScript[] }> = {
  numlib: {
    id: 101,
    path: 'acme/numlib',
    commits: [
      { key: 'm1', title: 'Initial import', author: 'Ada Lovelace' },
      { key: 'm2', parent: 'm1', title: 'Docs: usage', author: 'Bob Marley', files: ['README.md'] },
      { key: 'm3', parent: 'm2', title: 'Parser: read namelists lazily', author: 'Cy Young', files: ['f90nml/parser.py'] },
      { key: 'm4', parent: 'm3', title: 'CI: cache pip', author: 'Dee Dee', files: ['.gitlab-ci.yml'] },
      { key: 'a1', parent: 'm4', title: 'CLI: --version', author: 'Eve Online', files: ['f90nml/cli.py'] },
      { key: 'm5', parent: 'm4', title: 'Changelog', author: 'Bob Marley', files: ['CHANGELOG.md'] },
      { key: 'b1', parent: 'm5', title: 'Namelist: strict mode', author: 'Fay Wray', files: ['f90nml/namelist.py', 'f90nml/test.py'] },
      { key: 'b2', parent: 'b1', title: 'Namelist: drop unused import', author: 'Fay Wray', files: ['f90nml/test.py'] },
      { key: 'm6', parent: 'm5', title: 'Parser: restore eager read', author: 'Cy Young', files: ['f90nml/parser.py'] },
      { key: 'a2', parent: 'a1', title: 'CLI: document --version', author: 'Eve Online', files: ['docs/cli.md'] },
      { key: 'c1', parent: 'm6', title: 'Fpy: faster tokens', author: 'Gus Grissom', files: ['f90nml/fpy.py'] },
      { key: 'm7', parent: 'c1', title: 'Merge branch feat-c', author: 'Gus Grissom' },
      { key: 'd1', parent: 'm7', title: 'Tokenizer: tabs', author: 'Hal Jordan', files: ['f90nml/tokenizer.py'] },
      { key: 'e1', parent: 'm7', title: 'Docs: examples', author: 'Ida Wells', files: ['docs/examples.md'] },
      { key: 'f1', parent: 'm7', title: 'CI: end-to-end job', author: 'Jo March', files: ['.gitlab-ci.yml', 'e2e/run.sh'] },
      { key: 'f2', parent: 'f1', title: 'E2E: fix fixture path', author: 'Jo March', files: ['e2e/run.sh'] },
      { key: 'm8', parent: 'f2', title: 'Merge branch feat-f', author: 'Jo March' },
    ],
  },
  scheduler: {
    id: 103,
    path: 'acme/scheduler',
    commits: [
      { key: 't1', title: 'Initial import', author: 'Kim Possible' },
      { key: 'u1', parent: 't1', title: 'Jobs: read namelist config', author: 'Lou Reed', files: ['scheduler/config.py'] },
      { key: 't2', parent: 't1', title: 'Images: bump base', author: 'Kim Possible', files: ['Dockerfile'] },
      { key: 'v1', parent: 't2', title: 'API: pagination', author: 'Max Planck', files: ['scheduler/api.py'] },
      { key: 't3', parent: 't2', title: 'Merge branch pagination', author: 'Max Planck' },
      { key: 'w1', parent: 't3', title: 'Submissions: final flag', author: 'Ned Kelly', files: ['server/app/api.py'] },
      { key: 'w2', parent: 'w1', title: 'Submissions: mark_as_final', author: 'Ned Kelly', files: ['server/app/api.py'] },
      { key: 't4', parent: 'w2', title: 'Merge branch final-flag', author: 'Ned Kelly' },
      { key: 'y1', parent: 't4', title: 'Jobs: namelist defaults', author: 'Lou Reed', files: ['scheduler/config.py'] },
      { key: 'y2', parent: 'y1', title: 'Jobs: ship the fixture', author: 'Lou Reed', files: ['tests/multiline_index.nml'] },
      { key: 't5', parent: 'y2', title: 'Merge branch namelist-defaults', author: 'Lou Reed' },
    ],
  },
  codegen: {
    id: 102,
    path: 'acme/codegen',
    commits: [
      { key: 'n1', title: 'Initial import', author: 'Oona Chaplin' },
      {
        key: 'p1',
        parent: 'n1',
        title: 'Stats: float fields',
        author: 'Pia Zadora',
        files: ['src/main/java/com/hubspot/mesos/json/MesosTaskStatisticsObject.java'],
      },
      {
        key: 'p2',
        parent: 'p1',
        title: 'Stats: cast doubles',
        author: 'Pia Zadora',
        files: ['src/main/java/com/hubspot/mesos/json/MesosTaskStatisticsObject.java'],
      },
      { key: 'n2', parent: 'p2', title: 'Merge branch float-stats', author: 'Pia Zadora' },
      {
        key: 'q1',
        parent: 'n2',
        title: 'TypeSpec: emit anonymous classes',
        author: 'Quinn Fabray',
        files: ['src/main/java/com/squareup/javawriter/builders/TypeSpec.java'],
      },
      { key: 'n3', parent: 'q1', title: 'README: badges', author: 'Oona Chaplin', files: ['README.md'] },
      {
        key: 'r1',
        parent: 'n3',
        title: 'MethodSpec: varargs',
        author: 'Rex Harrison',
        files: ['src/main/java/com/squareup/javawriter/builders/MethodSpec.java'],
      },
      {
        key: 's1',
        parent: 'n3',
        title: 'FieldSpec: initializers',
        author: 'Sam Spade',
        files: ['src/main/java/com/squareup/javawriter/builders/FieldSpec.java'],
      },
      { key: 'n4', parent: 'n3', title: 'Build: Java 8 target', author: 'Oona Chaplin', files: ['pom.xml'] },
      {
        key: 'z1',
        parent: 'n4',
        title: 'Submissions client',
        author: 'Tia Carrere',
        files: ['src/main/java/com/squareup/javawriter/Client.java'],
      },
      {
        key: 'n5',
        parent: 'n4',
        title: 'TypeSpec: fix anonymous class indentation',
        author: 'Quinn Fabray',
        files: ['src/main/java/com/squareup/javawriter/builders/TypeSpec.java'],
      },
      {
        key: 'r2',
        parent: 'r1',
        title: 'MethodSpec: javadoc',
        author: 'Rex Harrison',
        files: ['src/main/java/com/squareup/javawriter/builders/MethodSpec.java'],
      },
      {
        key: 'x1',
        parent: 'n5',
        title: 'CodeBlock: statements',
        author: 'Uma Thurman',
        files: ['src/main/java/com/squareup/javawriter/builders/CodeBlock.java'],
      },
      { key: 'n6', parent: 'x1', title: 'Merge branch codeblock', author: 'Uma Thurman' },
    ],
  },
};

/** Jobs of each project as they pass; a pipeline lists its failing jobs in their place. */
const PASSING: Record<TProjectName, TJobScript[]> = {
  numlib: [
    { name: 'lint', stage: 'lint', log: { pass: 'verktyg' } },
    { name: 'test', stage: 'test', log: { pass: 'f90nml' } },
  ],
  codegen: [
    { name: 'build', stage: 'build', log: { pass: 'singularity' } },
    { name: 'test', stage: 'test', log: { pass: 'javapoet' } },
  ],
  scheduler: [
    { name: 'docker', stage: 'build', log: 'ok' },
    { name: 'test', stage: 'test', log: { pass: 'ok' } },
    { name: 'integration', stage: 'test', log: 'ok' },
  ],
};

/** A pipeline whose jobs pass except `failing` (by name; a name not passing elsewhere is an extra job). */
function run(
  label: string,
  project: TProjectName,
  commit: string,
  branch: string,
  mr: number | undefined,
  failing: TJobScript[] = [],
): TPipelineScript {
  const names = new Set(failing.map((j) => j.name));
  const jobs = [...PASSING[project].filter((j) => !names.has(j.name)), ...failing];
  return { label, project, commit, branch, ...(mr === undefined ? {} : { mr }), jobs };
}
const fails = (name: string, stage: string, log: TLogKey, expect: TVerdictKind, more: Partial<TJobScript> = {}): TJobScript => ({
  name,
  stage,
  log,
  expect,
  ...more,
});
const F90 = { fail: 'f90nml' } as const;
const FLAKY = { fail: 'cclib' } as const;
const TYPESPEC = { fail: 'javapoet' } as const;

export const HISTORY: TPipelineScript[] = [
  run('numlib: main green', 'numlib', 'm1', 'main', undefined),
  run('numlib: main turns red (3 commits pushed)', 'numlib', 'm4', 'main', undefined, [
    fails('test', 'test', F90, 'caused_by_change', { culprit: 'm3' }),
  ]),
  run('numlib: MR !1 while main is red', 'numlib', 'a1', 'feat-a', 1, [fails('test', 'test', F90, 'already_failing')]),
  run('numlib: main still red', 'numlib', 'm5', 'main', undefined, [fails('test', 'test', F90, 'already_failing')]),
  run('numlib: MR !2 red like main, and its own lint failure', 'numlib', 'b1', 'feat-b', 2, [
    fails('test', 'test', F90, 'already_failing'),
    fails('lint', 'lint', { fail: 'verktyg' }, 'caused_by_change'),
  ]),
  run('numlib: MR !2 lint fixed, main still red', 'numlib', 'b2', 'feat-b', 2, [fails('test', 'test', F90, 'already_failing')]),
  run('scheduler: main green', 'scheduler', 't1', 'main', undefined),
  run('scheduler: MR !1 fails with the text numlib main fails with', 'scheduler', 'u1', 'feat-config', 1, [
    fails('test', 'test', F90, 'caused_by_change'),
  ]),
  run('numlib: main fixed', 'numlib', 'm6', 'main', undefined),
  run('numlib: MR !1 again, not rebased onto the fix', 'numlib', 'a2', 'feat-a', 1, [fails('test', 'test', F90, 'fixed_on_target')]),
  run('numlib: MR !3 first run fails (flaky test; nothing known yet)', 'numlib', 'c1', 'feat-c', 3, [
    fails('test', 'test', FLAKY, 'caused_by_change'),
  ]),
  run('numlib: MR !3 same commit passes', 'numlib', 'c1', 'feat-c', 3),
  run('numlib: MR !3 same commit fails again', 'numlib', 'c1', 'feat-c', 3, [fails('test', 'test', FLAKY, 'likely_flaky')]),
  run('numlib: main green (feat-c merged)', 'numlib', 'm7', 'main', undefined),
  run('numlib: MR !4 fails with the flaky test (one other change so far)', 'numlib', 'd1', 'feat-d', 4, [
    fails('test', 'test', FLAKY, 'caused_by_change'),
  ]),
  run('numlib: MR !5 fails with the flaky test (two other changes)', 'numlib', 'e1', 'feat-e', 5, [
    fails('test', 'test', FLAKY, 'likely_flaky'),
  ]),
  run('numlib: MR !6 adds an e2e job main does not run', 'numlib', 'f1', 'feat-f', 6, [
    fails('e2e', 'test', { fail: 'ok' }, 'undetermined'),
  ]),
  run('numlib: MR !6 fixed', 'numlib', 'f2', 'feat-f', 6, [{ name: 'e2e', stage: 'test', log: 'ok' }]),
  run('numlib: main green (feat-f merged)', 'numlib', 'm8', 'main', undefined, [{ name: 'e2e', stage: 'test', log: 'ok' }]),
  run('scheduler: main red: registry outage', 'scheduler', 't2', 'main', undefined, [
    fails('docker', 'build', 'registry_outage', 'infrastructure'),
  ]),
  run('scheduler: MR !2 hit by the same outage', 'scheduler', 'v1', 'feat-pages', 2, [
    fails('docker', 'build', 'registry_outage', 'infrastructure'),
  ]),
  run('scheduler: main green', 'scheduler', 't3', 'main', undefined),
  run('scheduler: MR !3 own test failure and a runner failure', 'scheduler', 'w1', 'final-flag', 3, [
    fails('test', 'test', { fail: 'ok' }, 'caused_by_change'),
    fails('integration', 'test', 'runner_failure', 'infrastructure', { reason: 'runner_system_failure' }),
  ]),
  run('scheduler: MR !3 fixed', 'scheduler', 'w2', 'final-flag', 3),
  run('scheduler: main green (final-flag merged)', 'scheduler', 't4', 'main', undefined),
  run('scheduler: MR !4 fails like MR !1 did (one other change)', 'scheduler', 'y1', 'namelist-defaults', 4, [
    fails('test', 'test', F90, 'caused_by_change'),
  ]),
  run('scheduler: MR !4 fixed', 'scheduler', 'y2', 'namelist-defaults', 4),
  run('scheduler: main green', 'scheduler', 't5', 'main', undefined),
  run('codegen: main green', 'codegen', 'n1', 'main', undefined),
  run('codegen: MR !1 does not compile', 'codegen', 'p1', 'float-stats', 1, [
    fails('build', 'build', { fail: 'singularity' }, 'caused_by_change'),
  ]),
  run('codegen: MR !1 fixed', 'codegen', 'p2', 'float-stats', 1),
  run('codegen: main green (float-stats merged)', 'codegen', 'n2', 'main', undefined),
  run('codegen: MR !2 breaks TypeSpecTest', 'codegen', 'q1', 'anonymous', 2, [fails('test', 'test', TYPESPEC, 'caused_by_change')]),
  run('codegen: main red: MR !2 merged anyway, then a README commit', 'codegen', 'n3', 'main', undefined, [
    fails('test', 'test', TYPESPEC, 'caused_by_change', { culprit: 'q1' }),
  ]),
  run('codegen: MR !3 while main is red', 'codegen', 'r1', 'varargs', 3, [fails('test', 'test', TYPESPEC, 'already_failing')]),
  run('codegen: MR !4 runner failure', 'codegen', 's1', 'initializers', 4, [
    fails('test', 'test', 'runner_failure', 'infrastructure', { reason: 'runner_system_failure' }),
  ]),
  run('codegen: main still red', 'codegen', 'n4', 'main', undefined, [fails('test', 'test', TYPESPEC, 'already_failing')]),
  run('codegen: MR !6 fails differently from red main', 'codegen', 'z1', 'client', 6, [
    fails('test', 'test', { fail: 'ok' }, 'undetermined'),
  ]),
  run('codegen: main fixed', 'codegen', 'n5', 'main', undefined),
  run('codegen: MR !3 again, not rebased onto the fix', 'codegen', 'r2', 'varargs', 3, [
    fails('test', 'test', TYPESPEC, 'fixed_on_target'),
  ]),
  run('codegen: MR !5 green', 'codegen', 'x1', 'codeblock', 5),
  run('codegen: main green (codeblock merged)', 'codegen', 'n6', 'main', undefined),
];
