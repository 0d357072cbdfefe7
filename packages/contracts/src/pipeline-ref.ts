/**
 * The git ref GitLab runs a merge request pipeline on: `refs/merge-requests/<iid>/head`
 * (`/merge` for merged results, `/train` for merge trains).
 */
export const MERGE_REQUEST_REF = /^refs\/merge-requests\/(\d+)\/(?:head|merge|train)$/;

export type TCanonicalRef = { ref: string | null; merge_request_iid: number | null };

/**
 * One ref per pipeline, whatever told us about it. A merge request pipeline runs on
 * `refs/merge-requests/<iid>/head`, which the failure email's X-GitLab-Pipeline-Ref, a Job Hook and
 * the API name, while a Pipeline Hook and the email's subject and body name the MR's source branch
 * (GitLab's `source_ref`). The canonical ref is that source branch (null when the trigger does not
 * name it), and the merge request's iid is kept beside it.
 */
export function canonicalPipelineRef(input: {
  ref: string | null | undefined;
  sourceBranch?: string | null;
  mergeRequestIid?: number | null;
}): TCanonicalRef {
  const mr = MERGE_REQUEST_REF.exec(input.ref ?? '');
  const branch = input.sourceBranch && !MERGE_REQUEST_REF.test(input.sourceBranch) ? input.sourceBranch : null;
  if (mr) return { ref: branch, merge_request_iid: input.mergeRequestIid ?? Number(mr[1]) };
  return { ref: input.ref || branch, merge_request_iid: input.mergeRequestIid ?? null };
}
