import { listAnalysisJobs, type TAnalysisRow, type TDb } from '@cia/db';
import { gitlabPageUrl, isProjectPath, type TAnalysisResult } from '@cia/contracts';
import type { TConfirmedProject } from './project-lookup';
import { linkPolicyOf, resultsPageUrl, type TPostbackSettings } from './postback.settings';
import type { TNoteInput } from './render-note';

type TLinkSettings = Pick<TPostbackSettings, 'publicUrl' | 'gitlabBaseUrl' | 'linkHosts'>;

/**
 * The project path links are built from: the one GitLab confirmed, else (no API token) the stored
 * one, which can only point somewhere under GITLAB_BASE_URL.
 */
function linkPath(row: TAnalysisRow, project: TConfirmedProject | null): string | null {
  if (project) return project.path;
  return isProjectPath(row.project.path) ? row.project.path : null;
}

/**
 * What the renderers need from a stored analysis: its failed jobs with their GitLab links. Every
 * GitLab link is built from GITLAB_BASE_URL, the project path and ids: the URLs a trigger carried
 * are never posted.
 */
export async function buildNoteInput(
  db: TDb,
  settings: TLinkSettings,
  row: TAnalysisRow & { result: TAnalysisResult },
  project: TConfirmedProject | null,
): Promise<TNoteInput> {
  const stored = await listAnalysisJobs(db, row.id);
  const path = linkPath(row, project);
  const jobUrl = (id: number) => gitlabPageUrl(settings.gitlabBaseUrl, path, 'jobs', id) ?? null;
  const jobs = (stored.length > 0 ? stored : row.failedJobs).map((j) => ({
    id: j.id,
    name: j.name,
    stage: j.stage,
    web_url: jobUrl(j.id),
    failure_reason: j.failure_reason,
  }));
  return {
    requestId: row.requestId,
    project: {
      ...row.project,
      path: project?.path ?? row.project.path,
      web_url: path ? `${settings.gitlabBaseUrl.replace(/\/+$/, '')}/${path}` : null,
    },
    pipeline: { ...row.pipeline, url: gitlabPageUrl(settings.gitlabBaseUrl, path, 'pipelines', row.pipeline.id) ?? null },
    result: row.result,
    jobs,
    resultsUrl: resultsPageUrl(settings, row.requestId),
    provider: row.provider,
    model: row.model,
    links: linkPolicyOf(settings),
  };
}

export function hasResult(row: TAnalysisRow): row is TAnalysisRow & { result: TAnalysisResult } {
  return row.result !== null && row.result !== undefined;
}
