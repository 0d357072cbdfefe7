type THandle = { close(): Promise<void> };

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/**
 * One stop request often arrives twice: `npm start` forwards the terminal's Ctrl-C that the whole
 * process group got anyway, and `timeout` signals the child and then its group. A repeat within
 * this window is that echo; a later one is a person insisting, and forces the exit.
 */
const ECHO_WINDOW_MS = 1000;
/** Longer than a worker needs to finish or release its jobs, shorter than a supervisor's patience. */
const FORCE_EXIT_AFTER_MS = 30_000;

/**
 * Process lifecycle for a service entry point: start it, print a one-line reason and exit 1 when
 * start-up fails (bad configuration above all), close it cleanly on SIGINT, SIGTERM or SIGHUP, or
 * when the parent that runs it over IPC (scripts/dev.cjs) goes away. A stop during start-up waits
 * for the start to finish, then closes what it opened. The last line is "<name>: stopped".
 */
export function runService(name: string, start: () => Promise<THandle>): void {
  let firstStopAt: number | undefined;
  const started = start();
  const stop = (reason: string) => {
    if (firstStopAt !== undefined) {
      if (Date.now() - firstStopAt < ECHO_WINDOW_MS) return;
      process.stderr.write(`${name}: second ${reason}, exiting now\n`);
      process.exit(130);
    }
    firstStopAt = Date.now();
    process.stderr.write(`${name}: ${reason} received, shutting down\n`);
    setTimeout(() => {
      process.stderr.write(`${name}: still stopping after ${FORCE_EXIT_AFTER_MS / 1000} s, exiting now\n`);
      process.exit(1);
    }, FORCE_EXIT_AFTER_MS).unref();
    started
      .then((handle) => handle.close())
      .then(
        () => {
          process.stderr.write(`${name}: stopped\n`);
          process.exit(0);
        },
        (err: unknown) => {
          process.stderr.write(`${name}: error while shutting down: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
  };
  for (const signal of SIGNALS) process.on(signal, () => stop(signal));
  // Started by scripts/dev.cjs with an IPC channel: if that parent dies (even by SIGKILL), stop too.
  if (process.connected) {
    process.once('disconnect', () => stop('parent exited'));
    process.channel?.unref();
  }
  started.catch((err: unknown) => {
    const e = err as Error;
    process.stderr.write(`${name}: ${e.name === 'ConfigError' ? e.message : `failed to start: ${e.message}`}\n`);
    process.exit(1);
  });
}
