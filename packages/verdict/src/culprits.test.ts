import { rankCulprits, type TCommit } from './culprits';
import { extractExcerptNames } from './excerpt-names';

const commit = (sha: string, title: string, author: string, changedFiles: string[]): TCommit => ({ sha, title, author, changedFiles });

/** Commits since the last green pipeline, oldest first, as GitLab's compare API lists them. */
const COMMITS = [
  commit('c1', 'Docs: deployment guide', 'Grace Hopper', ['docs/deploy.md']),
  commit('c2', 'Pool: release connections on error', 'Ada Lovelace', ['src/main/java/com/acme/db/Pool.java', 'CHANGELOG.md']),
  commit('c3', 'Bump lodash', 'Alan Turing', ['package.json', 'package-lock.json']),
];

describe('rankCulprits', () => {
  it('puts first the commit that changed the class the stack trace names', () => {
    const names = extractExcerptNames(['java.lang.IllegalStateException: pool closed', '\tat com.acme.db.Pool.release(Pool.java:88)']);
    const ranked = rankCulprits(COMMITS, names);
    expect(ranked.map((c) => c.sha)).toEqual(['c2', 'c3', 'c1']);
    expect(ranked[0]?.matches).toEqual([
      { name: 'Pool.java', file: 'src/main/java/com/acme/db/Pool.java', how: 'file_name' },
      { name: 'com.acme.db.Pool', file: 'src/main/java/com/acme/db/Pool.java', how: 'module' },
    ]);
    expect(ranked[0]?.author).toBe('Ada Lovelace');
  });

  it('matches a compiler path by its tail in the workspace, stronger than a file name alone', () => {
    const commits = [commit('a', 'Add src/db/pool.ts', 'A', ['src/db/pool.ts']), commit('b', 'Add lib/pool.ts', 'B', ['lib/pool.ts'])];
    const ranked = rankCulprits(
      commits,
      extractExcerptNames(["/builds/acme/app/src/db/pool.ts:17:5 - error TS2304: Cannot find name 'Client'."]),
    );
    expect(ranked.map((c) => [c.sha, c.score])).toEqual([
      ['a', 4],
      ['b', 2],
    ]);
  });

  it('points a failing test at the code it tests, and a Python module at its file or package', () => {
    const commits = [commit('p', 'Pool', 'P', ['src/acme/pool.py']), commit('q', 'Cache', 'Q', ['acme/cache/__init__.py'])];
    expect(rankCulprits(commits, extractExcerptNames(['FAILED tests/test_pool.py::test_release - AssertionError']))[0]?.matches).toEqual([
      { name: 'tests/test_pool.py::test_release', file: 'src/acme/pool.py', how: 'test_subject' },
    ]);
    expect(rankCulprits(commits, extractExcerptNames(["ModuleNotFoundError: No module named 'acme.cache'"]))[0]?.sha).toBe('q');
  });

  it('lists every commit newest first when the excerpt names nothing they changed', () => {
    const ranked = rankCulprits(COMMITS, extractExcerptNames(['ERROR: Job failed: exit code 1']));
    expect(ranked.map((c) => [c.sha, c.score])).toEqual([
      ['c3', 0],
      ['c2', 0],
      ['c1', 0],
    ]);
  });
});
