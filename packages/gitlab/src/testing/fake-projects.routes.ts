import { json, notFound } from './fake-http';
import type { TFakeCall } from './fake-route';

/** `GET /projects/:id` (rest empty) and `GET /projects/:id/languages`. */
export function projectsRoute({ req, res, project, rest, store }: TFakeCall): void {
  if (rest.length === 0 && req.method === 'GET') {
    return json(res, 200, {
      id: project.id,
      name: project.name ?? project.path_with_namespace.split('/').pop(),
      path_with_namespace: project.path_with_namespace,
      web_url: `${store.webBase()}/${project.path_with_namespace}`,
      default_branch: project.default_branch ?? 'main',
      ci_config_path: project.ci_config_path ?? null,
      description: null,
    });
  }
  if (rest[0] === 'languages' && rest.length === 1) return json(res, 200, project.languages ?? {});
  return notFound(res);
}
