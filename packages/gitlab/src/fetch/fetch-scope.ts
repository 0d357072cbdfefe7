import type { TGatherCache } from './fetch-cache';
import type { TBoundedTextLimits } from '../bounded-text';
import type { GitLabClient, TProjectKey } from '../gitlab.client';
import type { TResolvedFetchSettings } from '../gitlab.settings';
import type { createStepRunner } from './step-runner';

/** What every gathering step shares for one pipeline. */
export type TGatherScope = {
  client: GitLabClient;
  run: ReturnType<typeof createStepRunner>;
  /** Answers shared between analyses of this process; absent: every step asks GitLab. */
  cache?: TGatherCache;
  settings: TResolvedFetchSettings;
  /** Project as GitLab knows it (numeric once the project was read). */
  project: TProjectKey;
  projectId: number;
  pipelineId: number;
  logLimits: TBoundedTextLimits;
};

export const FAILED_STATUSES = new Set(['failed']);
