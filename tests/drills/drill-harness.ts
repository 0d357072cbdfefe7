import { createDrillReport, type TDrillReport } from '../../bench/drills/support/drill-report';

/** A drill report that keeps its lines for the failure message instead of printing them. */
export function createSilentReport(name: string): TDrillReport & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createDrillReport(name, (l) => lines.push(l)),
    { lines },
  );
}

/** The failed checks, each with the drill's log so a red test says what happened. */
export function failedChecks(report: ReturnType<typeof createSilentReport>): string[] {
  const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  return failed.length ? [...failed, '--- drill log ---', ...report.lines] : [];
}
