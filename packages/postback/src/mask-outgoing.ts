import { maskerFor, maskJson, type TMaskedText } from '@cia/log-intel';

/**
 * The egress masking point of post-back: everything posted (GitLab note, Slack, webhook) passes
 * here. Stored excerpts are masked already; model output and titles may not be, and the service's
 * own secret values (secretValuesOf(config)) are masked whatever their shape.
 */
export function maskNote(text: string, maskValues: readonly string[]): TMaskedText {
  return maskerFor(maskValues)(text);
}

/** A JSON body with every string in it masked (valid JSON whatever the masks replace). */
export function maskBody(value: unknown, maskValues: readonly string[]): TMaskedText {
  return maskJson(value, maskerFor(maskValues));
}
