import type { TMaskedText } from '@cia/log-intel';

/** Where a note goes: the merge request of the pipeline, else its commit. */
export type TNoteTarget = { kind: 'mr'; iid: number } | { kind: 'commit'; sha: string };

/** The `posted_notes.target` value and the marker's key. */
export function targetKey(target: TNoteTarget): string {
  return target.kind === 'mr' ? `mr-${target.iid}` : `commit-${target.sha}`;
}

/** Hidden in the rendered note; finds our note again when the database does not know it. */
export function noteMarker(target: TNoteTarget): string {
  return `<!-- ci-analyst:${targetKey(target)} -->`;
}

/** The note as posted: our marker, then the masked body (the marker stays as written, whatever the masker would make of a sha). */
export function withMarker(target: TNoteTarget, body: TMaskedText): string {
  return `${noteMarker(target)}\n${body}`;
}

export function hasMarker(body: string, target: TNoteTarget): boolean {
  return body.trimStart().startsWith(noteMarker(target));
}

/** posted_notes targets of Slack announcements: per merge request, else per branch. */
export function slackTargetKey(scope: { merge_request_iid?: number | null; ref?: string | null; sha?: string | null }): string {
  return scope.merge_request_iid ? `slack-mr-${scope.merge_request_iid}` : `slack-ref-${scope.ref ?? scope.sha ?? 'unknown'}`;
}
