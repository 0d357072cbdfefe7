/**
 * Process lifecycle for a service entry point: start it, print a one-line reason and exit 1 when
 * start-up fails (bad configuration above all), close it cleanly on SIGINT/SIGTERM.
 */
export function runService(name: string, start: () => Promise<{ close(): Promise<void> }>): void {
  let handle: { close(): Promise<void> } | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`${name}: second ${signal}, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`${name}: ${signal} received, shutting down\n`);
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    void (handle?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${name}: error while shutting down: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  start().then(
    (h) => {
      handle = h;
    },
    (err: unknown) => {
      const e = err as Error;
      process.stderr.write(`${name}: ${e.name === 'ConfigError' ? e.message : `failed to start: ${e.message}`}\n`);
      process.exit(1);
    },
  );
}
