import type { Command } from 'commander';
import { loadConfig, maskConfig, renderEnvExample, renderSettingsTable } from '@cia/config';

export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('show the effective configuration (secrets masked)')
    .option('--json', 'print JSON')
    .option('--env-example', 'print a .env.example listing every setting')
    .option('--markdown', 'print the settings table of the README')
    .action((opts: { json?: boolean; envExample?: boolean; markdown?: boolean }) => {
      if (opts.envExample || opts.markdown) {
        process.stdout.write(`${opts.envExample ? renderEnvExample() : renderSettingsTable()}\n`);
        return;
      }
      const masked = maskConfig(loadConfig());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(masked, null, 2)}\n`);
        return;
      }
      for (const [k, v] of Object.entries(masked)) {
        const shown = v === undefined ? '(unset)' : Array.isArray(v) ? v.join(',') : String(v);
        process.stdout.write(`${k.padEnd(28)} ${shown}\n`);
      }
    });
}
