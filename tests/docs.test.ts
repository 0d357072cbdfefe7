import fs from 'node:fs';
import path from 'node:path';
import { describeSettings, renderEnvExample } from '@cia/config';

const ROOT = path.resolve(__dirname, '..');

test('.env.example is the one generated from the config schema', () => {
  expect(fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8').trim()).toBe(renderEnvExample().trim());
});

test('the README configuration table lists every setting with its default', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const s of describeSettings()) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${s.name}\` |`));
    expect([s.name, row !== undefined]).toEqual([s.name, true]);
    if (s.default !== '') expect([s.name, row?.includes(`\`${s.default}\``)]).toEqual([s.name, true]);
  }
});

test('the README quick start is exactly npm start and npm test', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const quick = /## Quick start\s+```bash\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n');
  expect(quick).toEqual(['npm start', 'npm test']);
});
