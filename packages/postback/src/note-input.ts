import { listAnalysisJobs, type TAnalysisRow, type TDb } from '@cia/db';
import type { TAnalysisResult } from '@cia/contracts';
import { resultsPageUrl, type TPostbackSettings } from './postback.settings';
import type { TNoteInput } from './render-note';

/** What the renderers need from a stored analysis: its failed jobs with their GitLab links. */
export async function buildNoteInput(db: TDb, settings: Pick<TPostbackSettings, 'publicUrl'>, row: TAnalysisRow & { result: TAnalysisResult }): Promise<TNoteInput> {
  const stored = await listAnalysisJobs(db, row.id);
  const jobs =
    stored.length > 0
      ? stored.map((j) => ({ id: j.jobId, name: j.name, stage: j.stage, webUrl: j.webUrl, failureReason: j.failureReason }))
      : row.failedJobs.map((j) => ({ id: j.id, name: j.name, stage: j.stage, webUrl: j.web_url, failureReason: j.failure_reason }));
  return {
    requestId: row.requestId,
    project: row.project,
    pipeline: row.pipeline,
    result: row.result,
    jobs,
    resultsUrl: resultsPageUrl(settings, row.requestId),
    provider: row.provider,
    model: row.model,
  };
}

export function hasResult(row: TAnalysisRow): row is TAnalysisRow & { result: TAnalysisResult } {
  return row.result !== null && row.result !== undefined;
}
