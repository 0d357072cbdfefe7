import { canonicalPipelineRef, type TFailedJobRef, type TPipelineRef, type TProjectRef } from '@cia/contracts';
import { matchesSender } from './sender-match';
import { mergeEmailJobs, parseFailedJobsFromHtml, parseFailedJobsFromText } from './failed-jobs';
import type { TMailFacts } from './read-message';

export type TMailRules = {
  /** IMAP_GITLAB_EMAIL: addresses or domains; empty accepts any sender. */
  senders: string[];
  /** IMAP_FAILURE_KEYWORDS: used on the subject when the status header is missing. */
  failureKeywords: string[];
};

/** What the email told us, recorded for accepted and skipped messages alike. */
export type TEmailFacts = {
  projectId?: number;
  projectPath?: string;
  pipelineId?: number;
  ref?: string;
};

export type TClassification =
  | { kind: 'accept'; facts: TEmailFacts; project: TProjectRef; pipeline: TPipelineRef; failedJobs: TFailedJobRef[] }
  /** `recognized`: a pipeline notification from an accepted sender (just not one to analyse). */
  | { kind: 'skip'; facts: TEmailFacts; reason: string; recognized: boolean; missingProjectId?: boolean };

// Current subject: "<project> | Failed pipeline for <ref> | <short sha>" (emails/pipelines.rb).
const SUBJECT_NEW =
  /^(?:(?<project>.+?) \| )?(?<status>Failed|Successful|Fixed) pipeline for (?<ref>.+?)(?: \| (?<sha>[0-9a-f]{7,40})(?: in !(?<mr>\d+))?)?$/i;
// Older GitLab: "<project> | Pipeline #<id> has failed for <ref> | <short sha>".
const SUBJECT_OLD =
  /^(?:(?<project>.+?) \| )?Pipeline #(?<id>\d+) has (?<status>\w+) for (?<ref>.+?)(?: \| (?<sha>[0-9a-f]{7,40})(?: in !(?<mr>\d+))?)?(?: \| .*)?$/i;

function toId(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  const n = Number(v.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** List-Id is `<full path> <ID.reversed.path.host>` (Notify#add_project_headers). */
function parseListId(value: string | undefined): { projectId?: number; path?: string } {
  if (!value) return {};
  const m = /^\s*(?<path>[^<\s]+)?\s*<(?<id>\d+)\.[^>]*>/.exec(value);
  if (!m?.groups) return {};
  return { projectId: toId(m.groups.id), path: m.groups.path };
}

function firstMatch(text: string, re: RegExp): string | undefined {
  const m = re.exec(text);
  return m?.[1]?.trim();
}

/** Facts the text body states (pipeline_failed_email.text.erb): URLs, full sha, commit, MR. */
function readTextBody(text: string) {
  return {
    projectUrl: firstMatch(text, /^Project:[^\n(]*\(\s*(\S+)\s*\)/m),
    ref: firstMatch(text, /^Branch:\s*(\S+)/m),
    mergeRequestIid: toId(firstMatch(text, /^Merge request:\s*!(\d+)/m)),
    sha: firstMatch(text, /^Commit:[^\n(]*\(\s*\S*\/commit\/([0-9a-f]{40})\s*\)/m),
    commitTitle: firstMatch(text, /^Commit Message:[ \t]*([^\n]+)/m),
    commitAuthor: firstMatch(text, /^Commit Author:[ \t]*([^\n(]+)/m),
    pipelineId: toId(firstMatch(text, /^Pipeline #(\d+)\s*\(/m)),
    pipelineUrl: firstMatch(text, /^Pipeline #\d+\s*\(\s*(\S+)\s*\)/m),
  };
}

function hasKeyword(subject: string, keywords: string[]): boolean {
  const s = subject.toLowerCase();
  return keywords.some(
    (k) =>
      k.trim() !== '' &&
      new RegExp(
        `\\b${k
          .trim()
          .toLowerCase()
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`,
      ).test(s),
  );
}

function pathFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).pathname.replace(/^\/+|\/+$/g, '') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decides whether a message is a GitLab pipeline-failure notification from an accepted sender,
 * and extracts the failure: headers first (X-GitLab-*, List-Id), then the subject, then the bodies.
 */
export function classifyGitLabEmail(mail: TMailFacts, rules: TMailRules, known: { projectId?: number } = {}): TClassification {
  const h = mail.headers;
  const subjectNew = SUBJECT_NEW.exec(mail.subject)?.groups;
  const subjectOld = SUBJECT_OLD.exec(mail.subject)?.groups;
  const subject = subjectNew ?? subjectOld;
  const body = readTextBody(mail.text);
  const listId = parseListId(h['list-id']);

  const projectPath = h['x-gitlab-project-path'] || listId.path || pathFromUrl(body.projectUrl);
  // X-GitLab-Pipeline-Ref (and an older subject) name the ref the pipeline ran on, for a merge
  // request pipeline refs/merge-requests/<iid>/head; the current subject and the body's Branch:
  // line name GitLab's source_ref, the source branch. One canonical ref, the MR iid kept.
  const canonical = canonicalPipelineRef({
    ref: h['x-gitlab-pipeline-ref'] || subject?.ref || body.ref,
    sourceBranch: body.ref ?? subjectNew?.ref,
    mergeRequestIid: body.mergeRequestIid ?? toId(subject?.mr),
  });
  const facts: TEmailFacts = {
    projectId: toId(h['x-gitlab-project-id']) ?? listId.projectId ?? known.projectId,
    projectPath,
    pipelineId: toId(h['x-gitlab-pipeline-id']) ?? toId(subjectOld?.id) ?? body.pipelineId,
    ref: canonical.ref ?? undefined,
  };
  const skip = (reason: string, recognized = true, missingProjectId?: true): TClassification => ({
    kind: 'skip',
    facts,
    reason,
    recognized,
    ...(missingProjectId ? { missingProjectId } : {}),
  });

  if (!matchesSender(mail.from, rules.senders)) {
    return skip(`sender ${mail.from.join(', ') || '(none)'} is not in IMAP_GITLAB_EMAIL`, false);
  }
  if (!h['x-gitlab-pipeline-id'] && !subject) {
    return skip('not a GitLab pipeline notification (no X-GitLab-Pipeline-Id header, subject does not match)', false);
  }
  const status = h['x-gitlab-pipeline-status']?.trim().toLowerCase();
  if (status !== undefined && status !== '') {
    if (status !== 'failed') return skip(`pipeline status is "${status}", not failed`);
  } else if (!hasKeyword(mail.subject, rules.failureKeywords)) {
    return skip(`subject has none of the failure keywords (${rules.failureKeywords.join(', ')})`);
  }
  if (facts.pipelineId === undefined) return skip('no pipeline id in the headers, subject or body');
  if (facts.projectId === undefined) {
    const reason = facts.projectPath
      ? `project id unknown: only the path "${facts.projectPath}" is given (no X-GitLab-Project-Id or List-Id header)`
      : 'project id unknown (no X-GitLab-Project-Id or List-Id header)';
    return skip(reason, true, true);
  }

  const projectUrl = body.projectUrl ?? null;
  const failedJobs = mergeEmailJobs(parseFailedJobsFromText(mail.text), mail.html ? parseFailedJobsFromHtml(mail.html) : []);
  const sha = body.sha ?? subject?.sha ?? null;
  return {
    kind: 'accept',
    facts,
    project: {
      id: facts.projectId,
      path: projectPath ?? null,
      name: h['x-gitlab-project'] || subject?.project || null,
      web_url: projectUrl,
    },
    pipeline: {
      id: facts.pipelineId,
      ref: facts.ref ?? null,
      sha,
      url: body.pipelineUrl ?? (projectUrl ? `${projectUrl}/-/pipelines/${facts.pipelineId}` : null),
      status: 'failed',
      merge_request_iid: canonical.merge_request_iid,
      commit_title: body.commitTitle ?? null,
      commit_author: body.commitAuthor ?? null,
    },
    failedJobs,
  };
}
