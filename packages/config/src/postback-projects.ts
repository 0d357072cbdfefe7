/**
 * Whether POSTBACK_PROJECTS lets posts about a project go out: the list names its id or its path
 * (paths case-insensitive); an empty list allows every project. Post-back checks it before every
 * post, ingest before queueing a "fixed" update.
 */
export function isPostbackProject(projects: readonly string[], project: { id: number; path?: string | null }): boolean {
  if (projects.length === 0) return true;
  const path = project.path?.toLowerCase();
  return projects.some((entry) => entry === String(project.id) || (path !== undefined && entry.toLowerCase() === path));
}

/**
 * Whether VERDICT_RETRY_FLAKY_PROJECTS opts a project in to flaky retries: its id, its path
 * (case-insensitive) or `*`. Unlike post-back, an empty list is off: retrying runs the project's CI.
 */
export function isRetryProject(projects: readonly string[], project: { id: number; path?: string | null }): boolean {
  if (projects.includes('*')) return true;
  return projects.length > 0 && isPostbackProject(projects, project);
}
