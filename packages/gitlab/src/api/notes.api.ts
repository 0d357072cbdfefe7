import type { GitLabHttp } from '../gitlab.http';
import { encodeProject, type TProjectKey } from '../gitlab.options';
import { ZGlCommitComment, ZGlNote } from '../gitlab.types';

/** Where post-back writes: merge request notes and commit comments. */
export function notesApi(http: GitLabHttp) {
  const mrNotes = (project: TProjectKey, iid: number) => `/projects/${encodeProject(project)}/merge_requests/${iid}/notes`;
  const commitComments = (project: TProjectKey, sha: string) =>
    `/projects/${encodeProject(project)}/repository/commits/${encodeURIComponent(sha)}/comments`;
  return {
    listMergeRequestNotes: (project: TProjectKey, iid: number) =>
      http.paginate(mrNotes(project, iid), ZGlNote, { sort: 'asc', order_by: 'created_at' }),
    createMergeRequestNote: (project: TProjectKey, iid: number, body: string) =>
      http.request('post', mrNotes(project, iid), ZGlNote, { data: { body } }),
    updateMergeRequestNote: (project: TProjectKey, iid: number, noteId: number, body: string) =>
      http.request('put', `${mrNotes(project, iid)}/${noteId}`, ZGlNote, { data: { body } }),
    listCommitComments: (project: TProjectKey, sha: string) => http.paginate(commitComments(project, sha), ZGlCommitComment),
    createCommitComment: (project: TProjectKey, sha: string, note: string) =>
      http.request('post', commitComments(project, sha), ZGlCommitComment, { data: { note } }),
  };
}
