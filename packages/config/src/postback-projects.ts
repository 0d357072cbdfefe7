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
