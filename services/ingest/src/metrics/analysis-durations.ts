import { Histogram, type Registry } from 'prom-client';
import { listFinishedAnalyses, type TDb, type TFinishedCursor } from '@cia/db';

/** Seconds; analyses take from a second (cache, rules) to minutes (large logs, slow providers). */
const ANALYSIS_DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800] as const;
/**
 * A finished analysis can become visible a little after its completed_at (its transaction commits
 * later), so the last stretch is read again on the next scrape; ids already observed are skipped.
 */
const SETTLE_MS = 30_000;
const PAGE_SIZE = 1000;

export type TAnalysisDurations = {
  /** Observes the analyses finished since the last read; concurrent calls share one read. */
  readNew(): Promise<void>;
};

/**
 * cia_analysis_duration_seconds and cia_analysis_step_duration_seconds. Analyses finish in the
 * worker processes, so each scrape reads the ones finished since the last from PostgreSQL and
 * observes them: a histogram of this process, starting empty when it starts, as Prometheus expects.
 */
export function createAnalysisDurations(registry: Registry, db: TDb, startedAt = new Date()): TAnalysisDurations {
  const registers = [registry];
  const buckets = [...ANALYSIS_DURATION_BUCKETS];
  const endToEnd = new Histogram({
    name: 'cia_analysis_duration_seconds',
    help: 'End to end: trigger received to analysis finished, by outcome',
    labelNames: ['outcome'],
    buckets,
    registers,
  });
  const steps = new Histogram({
    name: 'cia_analysis_step_duration_seconds',
    help: 'Duration of each pipeline step the worker timed (fetch, excerpt, analyze, ...)',
    labelNames: ['step'],
    buckets,
    registers,
  });

  let settled = startedAt.getTime();
  /** Analyses observed that finished after `settled`, by id, with when they finished. */
  const observed = new Map<number, number>();
  let reading: Promise<void> | undefined;

  async function read(): Promise<void> {
    const now = Date.now();
    let cursor: TFinishedCursor = { completedAt: new Date(settled).toISOString(), id: 0 };
    for (;;) {
      const page = await listFinishedAnalyses(db, cursor, PAGE_SIZE);
      for (const analysis of page) {
        if (observed.has(analysis.id)) continue;
        observed.set(analysis.id, analysis.completedAt.getTime());
        endToEnd.observe({ outcome: analysis.outcome }, analysis.endToEndSeconds);
        for (const [step, seconds] of Object.entries(analysis.stepSeconds)) steps.observe({ step }, seconds);
      }
      const last = page.at(-1);
      if (!last || page.length < PAGE_SIZE) break;
      cursor = last.cursor;
    }
    settled = Math.max(settled, now - SETTLE_MS);
    // Strictly before: a row of the same millisecond may be a few microseconds later, and read again.
    for (const [id, finishedAt] of observed) if (finishedAt < settled) observed.delete(id);
  }

  return {
    readNew: () => (reading ??= read().finally(() => (reading = undefined))),
  };
}
