import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    const e = err as Error;
    process.stderr.write(`${e.name === 'ConfigError' ? e.message : `error: ${e.message}`}\n`);
    process.exit(1);
  });
