import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** Packages that must not reach the database or the queue: they get what they need injected. */
const NO_STORAGE = ['packages/ai', 'packages/log-intel'];
const STORAGE_PACKAGES = ['@cia/db', '@cia/queue'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe.each(NO_STORAGE)('%s', (pkg) => {
  test('does not depend on the database or queue packages', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, pkg, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    expect(declared.filter((name) => STORAGE_PACKAGES.includes(name))).toEqual([]);
  });

  test('imports no database or queue code, tests included', () => {
    const offending = sourceFiles(path.join(ROOT, pkg, 'src')).filter((file) => {
      const text = fs.readFileSync(file, 'utf8');
      return STORAGE_PACKAGES.some((name) => new RegExp(`from '${name}(/[^']*)?'`).test(text)) || /from 'drizzle-orm/.test(text);
    });
    expect(offending.map((file) => path.relative(ROOT, file))).toEqual([]);
  });
});
