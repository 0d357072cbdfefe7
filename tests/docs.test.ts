import fs from 'node:fs';
import path from 'node:path';
import { renderEnvExample, renderSettingsTable } from '@cia/config';

const ROOT = path.resolve(__dirname, '..');
const readme = () => fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('.env.example is the one generated from the config schema', () => {
  expect(fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8').trim()).toBe(renderEnvExample().trim());
});

test('the configuration page holds the settings table generated from the config schema', () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');
  const table = /<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/.exec(page)?.[1];
  expect(table?.trim()).toBe(renderSettingsTable().trim());
});

test('the README quick start is exactly npm start and npm test', () => {
  const quick = /## Quick start\s+```bash\n([\s\S]*?)```/.exec(readme())?.[1]?.trim().split('\n');
  expect(quick).toEqual(['npm start', 'npm test']);
});
