import { ZAnalysisResult } from '@cia/contracts';
import { completeAnalysis, markRunning, type TAnalysisRow, type TDb } from '@cia/db';
import type { TLogger } from '@cia/logger';
import { basicOfflineAnalysis } from './basic-offline-analysis';

export type TRunDeps = { db: TDb; logger: TLogger };

/** fetch → excerpt → analyze → persist for one analysis row. */
export async function runAnalysis(deps: TRunDeps, row: TAnalysisRow): Promise<void> {
  const started = Date.now();
  await markRunning(deps.db, row.id);
  const result = ZAnalysisResult.parse(basicOfflineAnalysis(row.failedJobs));
  await completeAnalysis(deps.db, row.id, {
    result,
    provider: 'offline',
    model: 'rules',
    promptVersion: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    cacheHit: false,
    timings: { total_ms: Date.now() - started, queue_wait_ms: started - row.createdAt.getTime() },
  });
}
