import fs from 'node:fs';
import path from 'node:path';
import { renderEnvExample, renderSettingsTable } from '@cia/config';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const README_MAX_LINES = 400;

/** README.md, every page of docs/ and the benchmark results: the documentation users read. */
function documentationFiles(): string[] {
  const pages = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', ...pages, 'bench/RESULTS.md'];
}

/** Markdown without its fenced code blocks (where `# x` is no heading and `[x](y)` no link). */
function withoutFences(markdown: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opening = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && opening) fence = opening;
    else if (fence !== undefined && opening && opening[0] === fence[0] && opening.length >= fence.length && line.trim() === opening)
      fence = undefined;
    else if (fence === undefined) kept.push(line);
  }
  return kept.join('\n');
}

/** Markdown without code, fenced or inline: what is left can hold links. */
function proseOf(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: the rendered text, lower-cased, punctuation dropped, spaces as hyphens. */
function slugOf(heading: string): string {
  const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = slugOf(match[1] ?? '');
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** Targets of inline links and images, and of reference definitions. */
function linkTargetsOf(markdown: string): string[] {
  const prose = proseOf(markdown);
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? '');
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] ?? '');
  return [...inline, ...references];
}

/** Why a relative link does not resolve, or undefined when it does. */
function brokenLink(fromFile: string, target: string): string | undefined {
  const [rawPath = '', fragment] = target.split('#', 2);
  const file = rawPath === '' ? fromFile : path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), decodeURIComponent(rawPath)));
  if (file.startsWith('..')) return 'points outside the repository';
  const absolute = path.join(ROOT, file);
  if (!fs.existsSync(absolute)) return 'no such file';
  if (fragment === undefined || !file.endsWith('.md')) return undefined;
  return anchorsOf(fs.readFileSync(absolute, 'utf8')).has(fragment) ? undefined : `no heading #${fragment} in ${file}`;
}

test('.env.example is the one generated from the config schema', () => {
  expect(read('.env.example').trim()).toBe(renderEnvExample().trim());
});

test('the configuration page holds the settings table generated from the config schema', () => {
  const table = /<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/.exec(read('docs/configuration.md'))?.[1];
  expect(table?.trim()).toBe(renderSettingsTable().trim());
});

test('the README quick start is exactly npm start and npm test', () => {
  const quick = /## Quick start\s+```bash\n([\s\S]*?)```/.exec(read('README.md'))?.[1]?.trim().split('\n');
  expect(quick).toEqual(['npm start', 'npm test']);
});

test(`the README stays at most ${README_MAX_LINES} lines (subsystem detail lives in docs/)`, () => {
  expect(read('README.md').trimEnd().split('\n').length).toBeLessThanOrEqual(README_MAX_LINES);
});

test('every relative link in the README, docs/ and bench/RESULTS.md points to an existing file and heading', () => {
  const broken: string[] = [];
  for (const file of documentationFiles()) {
    for (const target of linkTargetsOf(read(file))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      const why = brokenLink(file, target);
      if (why) broken.push(`${file}: (${target}) ${why}`);
    }
  }
  expect(broken).toEqual([]);
});

test('every file and folder named in the README architecture picture exists', () => {
  const picture = /## How it works[\s\S]*?```\n([\s\S]*?)```/.exec(read('README.md'))?.[1] ?? '';
  const named = [...picture.matchAll(/(?:services|packages)\/[\w./-]+/g)].map((m) => m[0]);
  expect(named.length).toBeGreaterThanOrEqual(9);
  expect(named.filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([]);
});
