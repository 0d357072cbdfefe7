import {
  claimPostedNote,
  findPostedNote,
  savePostedNote,
  setPostedNoteState,
  type TAnalysisRow,
  type TDb,
  type TPostedNote,
  type TPostedNoteKey,
} from '@cia/db';
import { isGitLabError, type GitLabClient } from '@cia/gitlab';
import { gitlabPageUrl, type TPipelineFixedPayload } from '@cia/contracts';
import { maskNote } from './mask-outgoing';
import { hasResult, buildNoteInput } from './note-input';
import { hasMarker, slackTargetKey, targetKey, withMarker, type TNoteTarget } from './note-marker';
import { confirmPipeline, pipelineMergeRequests, resolveNoteTarget } from './note-target';
import type { TPostbackSettings } from './postback.settings';
import { checkPostPermission, type TConfirmedProject } from './project-lookup';
import { renderFailureNote, renderFixedNote } from './render-note';

export type TNoteDeps = { db: TDb; gitlab: GitLabClient; settings: TPostbackSettings };

export type TNoteOutcome = { action: 'created' | 'updated' | 'skipped'; target?: string; noteId?: number; reason?: string };

/** Another job is creating the note of this target right now: retry later rather than post a second one. */
export class NoteBusyError extends Error {
  constructor(target: string) {
    super(`another job is posting the note for ${target}`);
    this.name = 'NoteBusyError';
  }
}

/** A claim older than this belongs to a job that died; it may be taken over. */
const CLAIM_STALE_MS = 2 * 60_000;

function skipped(reason: string, target?: string): TNoteOutcome {
  return { action: 'skipped', reason, target };
}

function isNotFound(err: unknown): boolean {
  return isGitLabError(err) && err.code === 'not_found';
}

/** Finds the target's row, taking the claim when there is none; throws when another live job holds it. */
async function claimTarget(db: TDb, key: TPostedNoteKey, row: TAnalysisRow): Promise<TPostedNote | undefined> {
  const existing = await findPostedNote(db, key);
  if (!existing) {
    if (await claimPostedNote(db, { ...key, analysisId: row.id, fingerprint: row.fingerprint })) return undefined;
    return claimTarget(db, key, row);
  }
  const ours = existing.analysisId === row.id;
  if (existing.state === 'posting' && !ours && Date.now() - existing.updatedAt.getTime() < CLAIM_STALE_MS)
    throw new NoteBusyError(key.target);
  return existing;
}

/**
 * One note per merge request: edited in place on every new failure of its pipelines (found through
 * the database, else by its hidden marker), created only when none exists. Commit comments cannot
 * be edited through the API, so a commit gets one and keeps it. Where it goes is decided by what
 * GitLab says about the project and the pipeline, never by what the trigger claimed.
 */
export async function postAnalysisNote(deps: TNoteDeps, row: TAnalysisRow): Promise<TNoteOutcome> {
  if (!hasResult(row)) return skipped('the analysis has no result');
  const permission = await checkPostPermission(deps.settings, deps.gitlab, row.projectId);
  if (!permission.allowed) return skipped(permission.reason);
  const pipeline = await confirmPipeline(deps.gitlab, row.projectId, row.pipelineId);
  if (!pipeline) return skipped(`pipeline ${row.pipelineId} is unknown to GitLab`);
  const target = await resolveNoteTarget(deps.gitlab, row.projectId, pipeline);
  if (!target) return skipped('no merge request and no commit sha');
  const key = { projectId: row.projectId, target: targetKey(target) };
  const posted = await claimTarget(deps.db, key, row);
  const shown = posted ? shownPipeline(posted) : undefined;
  if (posted && posted.analysisId !== row.id && shown !== undefined && shown > row.pipelineId) {
    return skipped(`the note already shows the newer pipeline ${shown}`, key.target);
  }
  // A retried job turned this very pipeline green (its "fixed" came first): posting the failure again would undo it.
  if (posted?.state === 'fixed' && shown !== undefined && shown >= row.pipelineId) {
    return skipped(`the note already says fixed by pipeline ${shown}`, key.target);
  }
  const input = await buildNoteInput(deps.db, deps.settings, row, permission.project);
  const body = withMarker(target, maskNote(renderFailureNote(input), deps.settings.maskValues));
  const save = (noteId: number) =>
    savePostedNote(deps.db, {
      ...key,
      noteId,
      analysisId: row.id,
      fingerprint: row.fingerprint,
      state: 'failing',
      pipelineId: row.pipelineId,
    });

  if (target.kind === 'commit') {
    if (posted && posted.state !== 'posting')
      return skipped('the commit already has our comment (commit comments cannot be edited)', key.target);
    const comments = await deps.gitlab.listCommitComments(row.projectId, target.sha);
    if (!comments.some((c) => hasMarker(c.note, target))) await deps.gitlab.createCommitComment(row.projectId, target.sha, body);
    await save(0);
    return { action: 'created', target: key.target };
  }

  if (posted && posted.noteId > 0) {
    try {
      await deps.gitlab.updateMergeRequestNote(row.projectId, target.iid, posted.noteId, body);
      await save(posted.noteId);
      return { action: 'updated', target: key.target, noteId: posted.noteId };
    } catch (err) {
      // Someone deleted the note: fall through and post it again.
      if (!isNotFound(err)) throw err;
    }
  }
  return createOrAdopt(deps, row.projectId, target, body, save);
}

/** Before creating, looks for a note of ours the database does not know (a crash after the POST, a restored database). */
async function createOrAdopt(
  deps: TNoteDeps,
  projectId: number,
  target: Extract<TNoteTarget, { kind: 'mr' }>,
  body: string,
  save: (noteId: number) => Promise<void>,
): Promise<TNoteOutcome> {
  const notes = await deps.gitlab.listMergeRequestNotes(projectId, target.iid);
  const mine = notes.filter((n) => !n.system && hasMarker(n.body, target)).at(-1);
  if (mine) {
    await deps.gitlab.updateMergeRequestNote(projectId, target.iid, mine.id, body);
    await save(mine.id);
    return { action: 'updated', target: targetKey(target), noteId: mine.id };
  }
  const created = await deps.gitlab.createMergeRequestNote(projectId, target.iid, body);
  await save(created.id);
  return { action: 'created', target: targetKey(target), noteId: created.id };
}

/**
 * A pipeline passed: every note still showing a failure on its merge request(s) says "fixed", and
 * Slack may announce the next failure there again. Without a GitLab client only the latter happens.
 */
export async function markNoteFixed(
  deps: Omit<TNoteDeps, 'gitlab'> & { gitlab?: GitLabClient },
  event: TPipelineFixedPayload,
): Promise<TNoteOutcome[]> {
  const gitlab = deps.gitlab;
  const permission = await checkPostPermission(deps.settings, gitlab, event.project_id);
  if (!permission.allowed) return [skipped(permission.reason)];
  if (!gitlab) {
    // Nothing to edit; Slack may announce the next failure on this merge request or branch again.
    const slackTargets = [
      ...(event.merge_request_iid ? [slackTargetKey({ merge_request_iid: event.merge_request_iid })] : []),
      ...(event.ref ? [slackTargetKey({ ref: event.ref })] : []),
    ];
    for (const target of slackTargets) await setPostedNoteState(deps.db, { projectId: event.project_id, target }, 'fixed');
    return [skipped('GitLab post-back is off')];
  }
  const pipeline = await confirmPipeline(gitlab, event.project_id, event.pipeline_id);
  if (!pipeline) return [skipped(`pipeline ${event.pipeline_id} is unknown to GitLab`)];
  const iids = await pipelineMergeRequests(gitlab, event.project_id, pipeline);
  const slackTargets = [
    ...iids.map((iid) => slackTargetKey({ merge_request_iid: iid })),
    ...(pipeline.ref ? [slackTargetKey({ ref: pipeline.ref })] : []),
  ];
  for (const target of slackTargets) await setPostedNoteState(deps.db, { projectId: event.project_id, target }, 'fixed');
  if (iids.length === 0) return [skipped('no merge request for this pipeline')];
  return markMergeRequestsFixed({ ...deps, gitlab }, event, iids, permission.project);
}

async function markMergeRequestsFixed(
  deps: TNoteDeps,
  event: TPipelineFixedPayload,
  iids: number[],
  project: TConfirmedProject | null,
): Promise<TNoteOutcome[]> {
  const { gitlab } = deps;
  const outcomes: TNoteOutcome[] = [];
  for (const iid of iids) {
    const target: TNoteTarget = { kind: 'mr', iid };
    const key = { projectId: event.project_id, target: targetKey(target) };
    const posted = await findPostedNote(deps.db, key);
    if (!posted || posted.state !== 'failing' || posted.noteId === 0) {
      outcomes.push(skipped(posted ? `note is ${posted.state}` : 'no note', key.target));
      continue;
    }
    const shown = shownPipeline(posted);
    if (shown !== undefined && shown > event.pipeline_id) {
      outcomes.push(skipped(`the note shows the newer pipeline ${shown}`, key.target));
      continue;
    }
    const fixedBy = {
      pipelineId: event.pipeline_id,
      url: gitlabPageUrl(deps.settings.gitlabBaseUrl, project?.path, 'pipelines', event.pipeline_id),
    };
    const rendered =
      posted.analysis && hasResult(posted.analysis)
        ? renderFixedNote(await buildNoteInput(deps.db, deps.settings, posted.analysis, project), fixedBy)
        : `### :white_check_mark: Fixed: pipeline #${event.pipeline_id} passed`;
    try {
      await gitlab.updateMergeRequestNote(
        event.project_id,
        iid,
        posted.noteId,
        withMarker(target, maskNote(rendered, deps.settings.maskValues)),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await setPostedNoteState(deps.db, key, 'fixed', event.pipeline_id);
    outcomes.push({ action: 'updated', target: key.target, noteId: posted.noteId });
  }
  return outcomes;
}

/** The newest pipeline the note reflects: the one that fixed it, else the failure it shows. */
function shownPipeline(posted: TPostedNote): number | undefined {
  return posted.pipelineId ?? posted.analysis?.pipelineId ?? undefined;
}
