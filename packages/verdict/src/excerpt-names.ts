import type { TExcerptLine } from '@cia/contracts';
import { normalizeLine } from '@cia/log-intel';

/** What an excerpt names: source files, modules (Java classes, Python and JS modules), tests. */
export type TExcerptNames = { files: string[]; modules: string[]; tests: string[] };

const MAX_NAMES = 100;

// `src/db.ts:17:5`, `Foo.java:[12,5]`, `db.ts(17,5)`, `(Foo.java:42)`: a path with a line number.
const FILE_LINE_RE = /((?:[A-Za-z]:)?[\w.@+-]*(?:[\\/][\w.@+-]+)*\.[A-Za-z][A-Za-z0-9]{0,9})(?::\[?\d+|\(\d+[,)])/g;
// Python frames: `File "/builds/app/src/db.py", line 12`.
const PYTHON_FRAME_RE = /File "([^"<>]+)", line \d+/g;
// `FAIL src/foo.test.ts`, `rspec ./spec/foo_spec.rb:12`, `--> src/main.rs:3:5`: a file a runner names.
const RUNNER_FILE_RE = /^(?:\s*(?:FAIL|PASS|rspec|-->)\s+)(\.?\/?[\w.@+-]+(?:\/[\w.@+-]+)*\.[A-Za-z]{1,10})/;
// Java and Kotlin classes: `com.acme.db.Pool`, `at com.acme.db.Pool.open(Pool.java:42)`.
const QUALIFIED_CLASS_RE = /\b((?:[a-z_][a-z0-9_]*\.){2,}[A-Z][\w$]*)/g;
// Python modules: `No module named 'acme.db'`, unittest's `(tests.test_db.PoolTest)`.
const PYTHON_MODULE_RE = /No module named '([\w.]+)'|\(((?:[a-z_]\w*\.)+[A-Za-z_]\w*)\)/g;
// JavaScript modules: `Cannot find module './utils/pool'`, webpack's `Can't resolve './pool'`.
const JS_MODULE_RE = /Cannot find module '([^']+)'|Can't resolve '([^']+)'/g;
// Test ids: pytest `tests/test_db.py::test_pool`, JUnit `testPool(com.acme.PoolTest)` and
// `PoolTest.testPool:42`, Go `--- FAIL: TestPool`.
const PYTEST_ID_RE = /([\w./-]+\.py::[\w:[\]-]+)/g;
const JUNIT_METHOD_RE = /\b(\w+)\(((?:[a-z_]\w*\.)+[A-Z]\w*)\)/g;
const JUNIT_SHORT_RE = /\b([A-Z]\w*(?:Test|Tests|IT|Spec))\.(\w+):\d+/g;
const GO_TEST_RE = /--- FAIL: (\w+)/g;

/** Third-party and platform code: never a file a project's commit changes. */
const FOREIGN_RE =
  /node_modules|site-packages|dist-packages|\/usr\/(?:local\/)?lib|\.m2\/|\/gems\/|vendor\/bundle|hostedtoolcache|^node:|^internal\//;
const FOREIGN_PACKAGE_RE =
  /^(?:java|javax|jdk|sun|com\.sun|kotlin|scala|org\.junit|junit|org\.apache\.maven|org\.gradle|org\.codehaus|org\.testng|org\.mockito|org\.hamcrest|org\.springframework)\./;

/** The files, modules and tests an excerpt names, for ranking the commits that may have caused it. */
export function extractExcerptNames(lines: readonly (TExcerptLine | string)[]): TExcerptNames {
  const files = new Set<string>();
  const modules = new Set<string>();
  const tests = new Set<string>();
  for (const l of lines) {
    const text = normalizeLine(typeof l === 'string' ? l : l.text).text;
    for (const m of text.matchAll(FILE_LINE_RE)) addFile(files, m[1]);
    for (const m of text.matchAll(PYTHON_FRAME_RE)) addFile(files, m[1]);
    addFile(files, RUNNER_FILE_RE.exec(text)?.[1]);
    for (const m of text.matchAll(QUALIFIED_CLASS_RE)) addModule(modules, m[1]?.replace(/\$.*$/, ''));
    for (const m of text.matchAll(PYTHON_MODULE_RE)) addModule(modules, m[1] ?? m[2]);
    for (const m of text.matchAll(JS_MODULE_RE)) addModule(modules, (m[1] ?? m[2])?.replace(/^\.{1,2}\//, ''));
    for (const m of text.matchAll(PYTEST_ID_RE)) add(tests, m[1]);
    for (const m of text.matchAll(JUNIT_METHOD_RE)) add(tests, `${m[2]}.${m[1]}`);
    for (const m of text.matchAll(JUNIT_SHORT_RE)) add(tests, `${m[1]}.${m[2]}`);
    for (const m of text.matchAll(GO_TEST_RE)) add(tests, m[1]);
  }
  return { files: [...files], modules: [...modules], tests: [...tests] };
}

function add(set: Set<string>, value: string | undefined): void {
  if (value !== undefined && value.length > 1 && set.size < MAX_NAMES) set.add(value);
}

function addFile(set: Set<string>, path: string | undefined): void {
  if (path === undefined || FOREIGN_RE.test(path) || /^\d/.test(path)) return;
  add(set, path.replace(/\\/g, '/').replace(/^\.\//, ''));
}

function addModule(set: Set<string>, name: string | undefined): void {
  if (name === undefined || FOREIGN_PACKAGE_RE.test(name) || FOREIGN_RE.test(name)) return;
  add(set, name);
}
