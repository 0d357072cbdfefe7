import type { Command } from 'commander';
import { ConfigError, loadConfig } from '@cia/config';
import { checkMailbox, ImapCheckError, imapSettingsFromConfig, type TMailboxCheck } from '@cia/mail-watcher';

/** Exit codes, so scripts can tell what to fix. */
const EXIT = { config: 2, auth: 3, host: 4, timeout: 4, tls: 5, folder: 6, other: 1 } as const;

function printReport(r: TMailboxCheck): void {
  const out = process.stdout;
  out.write(`Connected to ${r.server} (${r.encrypted ? 'TLS' : 'no TLS'}, ${r.idle ? 'IDLE supported' : 'no IDLE: polling'})\n`);
  out.write(`Folder "${r.folder}": ${r.total} message(s); checked the newest ${r.messages.length}\n`);
  for (const m of r.messages) {
    const what = m.verdict === 'accept' ? `ACCEPT project ${m.project_id} pipeline ${m.pipeline_id}` : `skip   ${m.reason ?? ''}`;
    out.write(`  uid ${String(m.uid).padEnd(6)} ${what}\n      ${m.from || '(no sender)'} | ${m.subject || '(no subject)'}\n`);
  }
  out.write(`${r.wouldAccept} of ${r.messages.length} message(s) would be accepted as pipeline failures.\n`);
}

export function registerTestEmailCommand(program: Command): void {
  program
    .command('test-email')
    .description('connect to the IMAP server, list the folder and report which messages would be accepted')
    .option('--limit <n>', 'how many of the newest messages to check', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { limit: string; json?: boolean }) => {
      let settings;
      let config;
      try {
        config = loadConfig();
        settings = imapSettingsFromConfig(config);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exit(EXIT.config);
      }
      try {
        const report = await checkMailbox(
          settings,
          { senders: config.IMAP_GITLAB_EMAIL, failureKeywords: config.IMAP_FAILURE_KEYWORDS },
          { limit: Number(opts.limit) || 50 },
        );
        if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else printReport(report);
      } catch (err) {
        if (!(err instanceof ImapCheckError)) throw err;
        process.stderr.write(`test-email failed: ${err.message}\n`);
        process.exit(EXIT[err.problem]);
      }
    });
}
