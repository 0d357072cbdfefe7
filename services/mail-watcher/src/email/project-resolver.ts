import type { GitLabClient } from '@cia/gitlab';
import { isGitLabError } from '@cia/gitlab';

export type TProjectResolution = { id: number } | { id?: undefined; error: string };
export type TProjectResolver = (path: string) => Promise<TProjectResolution>;

/**
 * Looks up the numeric id of a project GitLab named only by path (the intake dedups on ids).
 * Answers are cached for the process: a path → id mapping only changes when a project moves.
 */
export function createProjectResolver(client: Pick<GitLabClient, 'getProject'>): TProjectResolver {
  const cache = new Map<string, number>();
  return async (path) => {
    const hit = cache.get(path);
    if (hit !== undefined) return { id: hit };
    try {
      const project = await client.getProject(path);
      cache.set(path, project.id);
      return { id: project.id };
    } catch (err) {
      if (isGitLabError(err) && err.status === 404) return { error: 'project not found via the GitLab API' };
      return { error: `GitLab API lookup failed: ${(err as Error).message}` };
    }
  };
}
