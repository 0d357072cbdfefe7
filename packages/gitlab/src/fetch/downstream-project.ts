import { FETCH_CACHE_TTL } from './fetch-cache';
import type { TFetchScope } from './fetch-scope';

/**
 * The project of a downstream pipeline: GitLab's answer names it, or (older versions leave
 * `project_id` out) its web URL under this instance does, and the API confirms the id.
 */
export async function downstreamProjectId(
  scope: TFetchScope,
  d: { id: number; project_id: number | null; web_url: string | null },
): Promise<number | null> {
  if (d.project_id) return d.project_id;
  const path = projectPathOfPipelineUrl(scope.client.webBase, d.web_url, d.id);
  if (!path) return null;
  return scope.run.cached(
    `downstream_project:${d.id}`,
    { store: scope.cache, key: `project-id:${path}`, ttlMs: FETCH_CACHE_TTL.project },
    async () => {
      const project = await scope.client.getProject(path);
      return { data: project.id, count: 1 };
    },
  );
}

/** `https://host/gitlab/group/app/-/pipelines/5` → `group/app`, only under this instance's web URL. */
export function projectPathOfPipelineUrl(webBase: string, url: string | null, pipelineId: number): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const base = new URL(webBase);
  const prefix = `${base.pathname.replace(/\/+$/, '')}/`;
  if (parsed.origin !== base.origin || !parsed.pathname.startsWith(prefix)) return null;
  const match = /^(.+)\/-\/pipelines\/(\d+)\/?$/.exec(parsed.pathname.slice(prefix.length));
  if (!match || Number(match[2]) !== pipelineId) return null;
  // GitLab paths are letters, digits, `_`, `-`, `.` (and `+` in older groups); anything else is not ours.
  const segments = (match[1] as string).split('/');
  return segments.every((s) => /^[\w.+-]+$/.test(s) && s !== '.' && s !== '..') ? segments.join('/') : null;
}
