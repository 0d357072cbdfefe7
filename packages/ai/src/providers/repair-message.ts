import { fenceUntrusted } from '../prompts/fence';
import type { TCompletionRequest } from './provider.types';

/**
 * The user message of a call: the prompt, plus on the repair call the rejected answer (fenced:
 * it may echo log text) and the validation problem, asking for a corrected object.
 */
export function buildUserMessage(request: TCompletionRequest): string {
  if (!request.repair) return request.user;
  return [
    request.user,
    '# Correction needed',
    `Your previous answer could not be used: ${request.repair.problem}`,
    fenceUntrusted('previous answer', request.repair.previousAnswer.slice(0, 8000), 'previous-answer'),
    'Answer again with one complete JSON object that matches the schema, covering every failed job_id.',
  ].join('\n\n');
}
