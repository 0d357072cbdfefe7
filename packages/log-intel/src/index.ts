export type {
  TExcerpt,
  TExcerptBlock,
  TExcerptOptions,
  TFingerprintParts,
  TLogInput,
  TMaskOptions,
  TRuleMatch,
} from './types';
export { excerptLog, DEFAULT_MAX_CHARS, DEFAULT_MAX_LINES, DEFAULT_CONTEXT_LINES } from './excerpt';
export { createSecretMasker, maskerFor, maskJson, maskSecrets, truncateMasked, MIN_SECRET_LENGTH } from './mask';
export { maskDeep, type TMaskedLine, type TMaskedText, type TMasker } from '@cia/contracts';
export { classify } from './classify';
export { loadRules, ZRule, type TRule } from './knowledge-base';
export { fingerprint } from './fingerprint';
export { identifyFailure, type TFailureIdentity, type TFailureIdentityParts, type TIdentityBasis } from './fingerprint';
export { identityLine } from './identity-line';
export { scoreLine, type TLineScore } from './line-score';
export { normalizeLine } from './normalize';
export { guessCategory } from './category';
export { diffAgainstBaseline, type TBaselineDiff } from './baseline-diff';
