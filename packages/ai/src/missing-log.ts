import type { TSolution } from '@cia/contracts';
import type { TInputFailedJob, TLogMissingReason } from './analysis-input';

/** Why a job's log could not be analysed, and what to set so that it can be next time. */
export type TLogGap = { finding: string; short: string; solution: TSolution };

const RERUN = 'Then analyse the pipeline again (retry its failed job, or re-send its webhook).';

const MISSING: Record<TLogMissingReason, TLogGap> = {
  no_token: {
    short: 'its log was not read because GITLAB_API_TOKEN is not set',
    finding:
      "The job's log was not read: GITLAB_API_TOKEN is not set, so ci-analyst has only what GitLab's webhook carried, and webhooks carry no job logs.",
    solution: {
      title: 'Let ci-analyst read job logs from GitLab',
      steps: [
        'Create a GitLab access token with the read_api scope (a project or group access token with at least the Reporter role, or a personal access token of a user who can see the project)',
        'Set it as GITLAB_API_TOKEN for the worker and keep GITLAB_AUTO_FETCH_LOGS=true',
        RERUN,
      ],
    },
  },
  auto_fetch_disabled: {
    short: 'its log was not read because GITLAB_AUTO_FETCH_LOGS is false',
    finding: "The job's log was not read: GITLAB_AUTO_FETCH_LOGS is false, so ci-analyst does not ask GitLab for job logs.",
    solution: {
      title: 'Let ci-analyst read job logs from GitLab',
      steps: ['Set GITLAB_AUTO_FETCH_LOGS=true for the worker (GITLAB_API_TOKEN needs the read_api scope)', RERUN],
    },
  },
  unauthorized: {
    short: 'GitLab rejected GITLAB_API_TOKEN (401 Unauthorized) when its log was requested',
    finding:
      "The job's log could not be read: GitLab rejected GITLAB_API_TOKEN (401 Unauthorized); the token is invalid, expired or revoked.",
    solution: {
      title: 'Replace the GitLab token',
      steps: ['Create a new access token with the read_api scope', 'Set it as GITLAB_API_TOKEN for the worker', RERUN],
    },
  },
  forbidden: {
    short: 'GitLab refused its log (403 Forbidden)',
    finding: "The job's log could not be read: GitLab refused it (403 Forbidden); the token's user may not read this project's job logs.",
    solution: {
      title: "Give the token access to the project's job logs",
      steps: [
        'Give the user behind GITLAB_API_TOKEN (or the project/group access token) at least the Reporter role in this project',
        'Check that the token has the read_api scope',
        RERUN,
      ],
    },
  },
  not_found: {
    short: 'GitLab has no log for it (404: erased, expired, or not visible to the token)',
    finding:
      "The job's log could not be read: GitLab answered 404 Not Found; the log was erased or has expired, the job was deleted, or the token cannot see the project.",
    solution: {
      title: 'Check the job in GitLab',
      steps: [
        'Open the job in GitLab: an erased or expired log cannot be analysed, retry the job to get a new one',
        "If the job and its log are there, check that GITLAB_API_TOKEN's user can see the project",
        RERUN,
      ],
    },
  },
  error: {
    short: 'reading its log from GitLab failed',
    finding: "The job's log could not be read from GitLab (the request failed).",
    solution: {
      title: 'Check the connection to GitLab',
      steps: ['Check the worker logs for the failed GitLab request (GITLAB_BASE_URL, proxy, TLS)', RERUN],
    },
  },
};

const EMPTY: TLogGap = {
  short: 'its log is empty',
  finding:
    "The job's log is empty: the job printed nothing before it failed (it stopped before its script ran: a runner, image or configuration problem), or its log was erased.",
  solution: {
    title: 'Look at the job itself',
    steps: [
      'Open the job in GitLab: a job that failed before its script started shows why in its status and failure reason',
      'Check the runner and the image the job uses, then retry the job',
    ],
  },
};

/** What keeps this job's log from the analysis, when something does. */
export function logGap(job: TInputFailedJob): TLogGap | undefined {
  const state = job.log_state;
  if (state?.state === 'missing') return MISSING[state.reason ?? 'error'];
  if (state?.state === 'empty' || (state === undefined && job.excerpt.length === 0)) return EMPTY;
  return undefined;
}
