import type { TBoundedTextLimits } from '../bounded-text';
import type { GitLabClient, TProjectKey } from '../gitlab.client';
import type { TResolvedFetchSettings } from '../gitlab.settings';
import type { TFetchCache } from './fetch-cache';
import type { TStepRunner } from './step-runner';

/** What every fetch step shares for one pipeline. */
export type TFetchScope = {
  client: GitLabClient;
  run: TStepRunner;
  /** Answers shared between analyses of this process; absent: every step asks GitLab. */
  cache?: TFetchCache;
  settings: TResolvedFetchSettings;
  /** False when the token cannot see the project (404, 401, 403 on it): nothing else is asked. */
  reachable: boolean;
  /** Project as GitLab knows it (numeric once the project was read). */
  project: TProjectKey;
  projectId: number;
  pipelineId: number;
  logLimits: TBoundedTextLimits;
};

const MB = 1024 * 1024;

/** The scope of one pipeline's fetch, each log's budgets (kept size and lines, download bytes and time) from the settings. */
export function createFetchScope(fields: Omit<TFetchScope, 'logLimits'>): TFetchScope {
  const { settings } = fields;
  return {
    ...fields,
    logLimits: {
      maxBytes: settings.maxLogSizeMb * MB,
      maxLines: settings.logLinesLimit,
      maxReadBytes: settings.maxLogReadMb * MB,
      maxReadMs: settings.logReadTimeoutS * 1000,
    },
  };
}
