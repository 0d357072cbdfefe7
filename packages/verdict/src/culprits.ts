import type { TExcerptNames } from './excerpt-names';

/** A commit between the last green pipeline's sha and the failing sha (GitLab's compare API). */
export type TCommit = { sha: string; title: string; author: string; changedFiles: string[] };

/** How a name of the excerpt met a file the commit changed, strongest first. */
export type TMatchKind = 'path' | 'module' | 'file_name' | 'test_subject';
export type TCulpritMatch = { name: string; file: string; how: TMatchKind };

export type TRankedCulprit = { sha: string; title: string; author: string; score: number; matches: TCulpritMatch[] };

const WEIGHT: Record<TMatchKind, number> = { path: 4, module: 3, file_name: 2, test_subject: 1 };
/** The file that is a package (Python, JavaScript, Rust). */
const PACKAGE_FILES = new Set(['__init__', 'index', 'mod']);

/**
 * The commits ranked by how much the files they change overlap what the excerpt names: a file by
 * its path (`src/db/pool.ts` named as `/builds/app/src/db/pool.ts:17`), a module by its path
 * (`com.acme.db.Pool` → `…/com/acme/db/Pool.java`, `acme.db` → `acme/db.py`), a file by its name
 * alone, or the subject of a failing test (`PoolTest` → `Pool.java`, `test_pool.py` → `pool.py`).
 * A commit scores the best match of each name, summed. Ties: the newest commit first (commits
 * are given oldest first, as GitLab lists them). Authors are named, never @mentioned.
 */
export function rankCulprits(commits: readonly TCommit[], names: TExcerptNames): TRankedCulprit[] {
  const ranked = commits.map((c, index) => {
    const matches = matchNames(c.changedFiles, names);
    const score = matches.reduce((sum, m) => sum + WEIGHT[m.how], 0);
    return { culprit: { sha: c.sha, title: c.title, author: c.author, score, matches }, index };
  });
  return ranked.sort((a, b) => b.culprit.score - a.culprit.score || b.index - a.index).map((r) => r.culprit);
}

/** For each name, its best match among the changed files. */
function matchNames(changedFiles: readonly string[], names: TExcerptNames): TCulpritMatch[] {
  const candidates: { name: string; kinds: { how: TMatchKind; test: (file: string) => boolean }[] }[] = [
    ...names.files.map((name) => ({ name, kinds: fileTests(name) })),
    ...names.modules.map((name) => ({ name, kinds: moduleTests(name) })),
    ...names.tests.map((name) => ({ name, kinds: testTests(name) })),
  ];
  const out: TCulpritMatch[] = [];
  for (const { name, kinds } of candidates) {
    let best: TCulpritMatch | undefined;
    for (const file of changedFiles) {
      const hit = kinds.find((k) => k.test(file));
      if (hit !== undefined && (best === undefined || WEIGHT[hit.how] > WEIGHT[best.how])) best = { name, file, how: hit.how };
    }
    if (best !== undefined) out.push(best);
  }
  return out;
}

const segments = (path: string): string[] =>
  path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s.length > 0 && s !== '.');
const baseName = (path: string): string => segments(path).at(-1) ?? '';
const withoutExtension = (path: string): string => path.replace(/\.[^./]+$/, '');
/** A file's name without its last extension: `pool.test.ts` → `pool.test`. */
const stemOf = (path: string): string => withoutExtension(baseName(path));

/** Whether the last `tail.length` segments of `path` are `tail` (both ways: either may be longer). */
function sameTail(a: string[], b: string[]): boolean {
  const n = Math.min(a.length, b.length);
  if (n < 2) return false;
  for (let i = 1; i <= n; i++) if (a[a.length - i] !== b[b.length - i]) return false;
  return true;
}

function fileTests(name: string): { how: TMatchKind; test: (file: string) => boolean }[] {
  const named = segments(name);
  return [
    { how: 'path', test: (file) => sameTail(segments(file), named) },
    { how: 'file_name', test: (file) => baseName(file) === baseName(name) },
    { how: 'test_subject', test: testedBy(stemOf(name)) },
  ];
}

/** Whether a file is what the test `stem` tests; never when `stem` is not a test's. */
function testedBy(stem: string): (file: string) => boolean {
  const subject = subjectOf(stem);
  return (file) => subject !== stem && stemOf(file) === subject;
}

/**
 * A module as a path: `com.acme.db.Pool` → `com/acme/db/Pool`, `./utils/pool.js` → `utils/pool`.
 * It matches a file of that path, a package's `__init__` or `index` (`acme/db/__init__.py`), or the
 * module a class is in (`tests.test_db.PoolTest` → `tests/test_db.py`).
 */
function moduleTests(name: string): { how: TMatchKind; test: (file: string) => boolean }[] {
  const asPath = name.includes('/') ? segments(withoutExtension(name)) : segments(name.replace(/\./g, '/'));
  const simple = asPath.at(-1) ?? '';
  const isModule = (file: string) => {
    const own = segments(withoutExtension(file));
    const packageFile = PACKAGE_FILES.has(own.at(-1) ?? '') && sameTail(own.slice(0, -1), asPath);
    return packageFile || sameTail(own, asPath) || sameTail(own, asPath.slice(0, -1));
  };
  return [
    { how: 'module', test: isModule },
    { how: 'file_name', test: (file) => stemOf(file) === simple },
    { how: 'test_subject', test: testedBy(simple) },
  ];
}

/** A test id: its file (pytest) or class (JUnit) is matched like a file or module. */
function testTests(name: string): { how: TMatchKind; test: (file: string) => boolean }[] {
  const file = /^[^:]+\.py(?=::)/.exec(name)?.[0];
  if (file !== undefined) return fileTests(file);
  const cls = /^((?:[\w]+\.)*[A-Z]\w*)\.\w+$/.exec(name)?.[1];
  return cls === undefined ? [] : moduleTests(cls);
}

/** What a test file or class tests: `PoolTest` → `Pool`, `test_pool` → `pool`, `pool_spec` → `pool`. */
function subjectOf(stem: string): string {
  return stem.replace(/^test_|^test-/, '').replace(/(?:Tests?|IT|Spec|_test|-test|_spec|-spec|\.test|\.spec)$/, '');
}
