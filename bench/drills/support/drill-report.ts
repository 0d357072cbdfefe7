export type TCheck = { name: string; ok: boolean; detail: string };

/** What one drill did and what it checked; printed as it goes, summed up at the end. */
export type TDrillReport = {
  say(line: string): void;
  check(name: string, ok: boolean, detail?: string): boolean;
  checks: TCheck[];
};

export function createDrillReport(drill: string, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): TDrillReport {
  const checks: TCheck[] = [];
  const started = Date.now();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
  return {
    checks,
    say: (line) => write(`[${drill} ${stamp()}] ${line}`),
    check: (name, ok, detail = '') => {
      checks.push({ name, ok, detail });
      write(`[${drill} ${stamp()}] ${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
      return ok;
    },
  };
}
