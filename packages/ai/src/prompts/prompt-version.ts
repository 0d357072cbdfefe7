/**
 * Recorded on every analysis (analyses.prompt_version). Bump it whenever the system prompt, a
 * template or a context builder changes what a model sees, so results can be compared by version.
 */
export const PROMPT_VERSION = 'cia-prompt/1.1.0';
