import { Command } from 'commander';
import { registerConfigCommand } from './commands/config.command';
import { registerDbCommands } from './commands/db.commands';
import { serveCommand } from './commands/serve.command';
import { registerTestEmailCommand } from './commands/test-email.command';
import { registerExcerptCommand } from './commands/excerpt.command';
import { registerAnalyzeCommand } from './commands/analyze.command';

/** `npm run cli -- <command>`; each command file registers itself here. */
export function buildProgram(): Command {
  const program = new Command('ci-analyst').description('AI analyst for failed GitLab CI pipelines').showHelpAfterError();
  program
    .command('serve')
    .description('run ingest, worker and mail-watcher in one process (what npm start runs)')
    .action(() => serveCommand());
  registerDbCommands(program);
  registerConfigCommand(program);
  registerTestEmailCommand(program);
  registerExcerptCommand(program);
  registerAnalyzeCommand(program);
  return program;
}
