import type { Command } from 'commander';
import { loadConfig, maskConfig, renderEnvExample, renderSettingsTable } from '@cia/config';

/** One setting's value as printed: lists comma-separated, settings without a value `(unset)`. */
function printable(value: unknown): string {
  if (value === undefined) return '(unset)';
  return Array.isArray(value) ? value.join(',') : String(value);
}

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('show every setting and its effective value (secrets hidden, unset ones as (unset))')
    .option('--json', 'print JSON (unset settings as null)')
    .option('--env-example', 'print a .env.example listing every setting')
    .option('--markdown', 'print the settings table of docs/configuration.md')
    .action((opts: { json?: boolean; envExample?: boolean; markdown?: boolean }) => {
      if (opts.envExample || opts.markdown) {
        process.stdout.write(`${opts.envExample ? renderEnvExample() : renderSettingsTable()}\n`);
        return;
      }
      const shown = maskConfig(loadConfig());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(shown, (_k, v: unknown) => (v === undefined ? null : v), 2)}\n`);
        return;
      }
      for (const [k, v] of Object.entries(shown)) process.stdout.write(`${k.padEnd(28)} ${printable(v)}\n`);
    });
}
