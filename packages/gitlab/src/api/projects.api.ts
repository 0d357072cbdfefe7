import type { GitLabHttp } from '../gitlab.http';
import { encodeProject, type TProjectKey } from '../gitlab.options';
import { ZGlLanguages, ZGlProject, ZGlUser } from '../gitlab.types';

export function projectsApi(http: GitLabHttp) {
  return {
    getCurrentUser: () => http.request('get', '/user', ZGlUser),
    getProject: (project: TProjectKey) => http.request('get', `/projects/${encodeProject(project)}`, ZGlProject),
    getProjectLanguages: (project: TProjectKey) => http.request('get', `/projects/${encodeProject(project)}/languages`, ZGlLanguages),
  };
}
