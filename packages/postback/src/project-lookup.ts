import { isGitLabError, type GitLabClient } from '@cia/gitlab';
import { isPostbackProject } from '@cia/config';
import type { TPostbackSettings } from './postback.settings';

/** A project as the GitLab API names it: what post-back checks and links are built from. */
export type TConfirmedProject = { id: number; path: string };

/** Renames are rare; a project looked up once serves a burst of posts without asking again. */
const TTL_MS = 10 * 60_000;
const CACHE = new WeakMap<GitLabClient, Map<number, { project: TConfirmedProject; at: number }>>();

/** The project by id from the API (cached per client, so per process); null when GitLab does not show it to us. */
export async function confirmProject(gitlab: GitLabClient, projectId: number): Promise<TConfirmedProject | null> {
  let cache = CACHE.get(gitlab);
  if (!cache) CACHE.set(gitlab, (cache = new Map()));
  const hit = cache.get(projectId);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.project;
  try {
    const found = await gitlab.getProject(projectId);
    const project = { id: found.id, path: found.path_with_namespace };
    cache.set(projectId, { project, at: Date.now() });
    return project;
  } catch (err) {
    if (isGitLabError(err) && (err.code === 'not_found' || err.code === 'forbidden')) return null;
    throw err;
  }
}

export type TPostPermission = { allowed: true; project: TConfirmedProject | null } | { allowed: false; reason: string };

/**
 * Whether posts about this project may go out. With a GitLab client, POSTBACK_PROJECTS is checked
 * against the id and the path the API gives; without one, against the id only (a stored path came
 * from a trigger and is not proof of anything).
 */
export async function checkPostPermission(
  settings: Pick<TPostbackSettings, 'projects'>,
  gitlab: GitLabClient | undefined,
  projectId: number,
): Promise<TPostPermission> {
  if (!gitlab) {
    return isPostbackProject(settings.projects, { id: projectId })
      ? { allowed: true, project: null }
      : { allowed: false, reason: 'project not in POSTBACK_PROJECTS (by id; paths need GITLAB_API_TOKEN)' };
  }
  const project = await confirmProject(gitlab, projectId);
  if (!project) return { allowed: false, reason: `project ${projectId} is unknown to GitLab` };
  return isPostbackProject(settings.projects, project)
    ? { allowed: true, project }
    : { allowed: false, reason: 'project not in POSTBACK_PROJECTS' };
}
