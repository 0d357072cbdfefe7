import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * Who must not reach what. The analyzer and log-intel get storage injected; ingest answers
 * webhooks without ever talking to GitLab: post-back (and with it the GitLab client) runs in the
 * worker, ingest only queues its jobs.
 */
const FORBIDDEN: [string, string[]][] = [
  ['packages/ai', ['@cia/db', '@cia/queue']],
  ['packages/log-intel', ['@cia/db', '@cia/queue']],
  ['services/ingest', ['@cia/postback', '@cia/gitlab']],
];
const DRIZZLE_FOR = new Set(['packages/ai', 'packages/log-intel']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

type TManifest = { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
const manifestOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as TManifest;
// A folder without a package.json (a removed package's leftover node_modules) is not a workspace package.
const WORKSPACE = new Map(
  ['packages', 'services'].flatMap((group) =>
    fs
      .readdirSync(path.join(ROOT, group))
      .filter((name) => fs.existsSync(path.join(ROOT, group, name, 'package.json')))
      .map((name) => [manifestOf(`${group}/${name}`).name, `${group}/${name}`] as const),
  ),
);

/** The workspace packages a package pulls in, directly or through another workspace package. */
function workspaceDependencies(dir: string, seen = new Set<string>()): Set<string> {
  const manifest = manifestOf(dir);
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
    const depDir = WORKSPACE.get(name);
    if (depDir === undefined || seen.has(name)) continue;
    seen.add(name);
    workspaceDependencies(depDir, seen);
  }
  return seen;
}

describe.each(FORBIDDEN)('%s', (pkg, forbidden) => {
  test(`does not depend on ${forbidden.join(' or ')}, not even through another package`, () => {
    expect([...workspaceDependencies(pkg)].filter((name) => forbidden.includes(name))).toEqual([]);
  });

  test(`imports nothing from ${forbidden.join(' or ')}, tests included`, () => {
    const offending = sourceFiles(path.join(ROOT, pkg, 'src')).filter((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return (
        forbidden.some((name) => new RegExp(`(from |import\\()'${name}(/[^']*)?'`).test(text)) ||
        (DRIZZLE_FOR.has(pkg) && /from 'drizzle-orm/.test(text))
      );
    });
    expect(offending.map((file) => path.relative(ROOT, file))).toEqual([]);
  });
});
