import type { TCategory, TExcerptLine, TMaskedLine, TSeverity, TSolution } from '@cia/contracts';

export type TLogInput = string | NodeJS.ReadableStream;

export type TExcerptOptions = {
  /** Most lines in the excerpt (default 150). */
  maxLines?: number;
  /** Most characters in the excerpt, line texts summed (default 12,000). */
  maxChars?: number;
  /** Most context lines kept before and after each failure block, budget permitting (default 50). */
  contextLines?: number;
  /** Log of the last successful run of the same job: lines also found there rank last. */
  baseline?: TLogInput;
  /** Exact values to mask (the service's own secrets), in their common encodings too. */
  extraSecrets?: readonly string[];
};

export type TExcerptBlock = { start: number; end: number; score: number; kind: string };

export type TExcerpt = {
  /** Masked, normalised lines in log order, with their 1-based line numbers in the original log. */
  lines: TMaskedLine[];
  totalLines: number;
  /** True when lines that scored as failure evidence did not fit the budget. */
  truncated: boolean;
  /** Names of the GitLab sections / Travis folds the selected lines belong to, in log order. */
  sections: string[];
  blocks: TExcerptBlock[];
};

export type TMaskOptions = {
  /** Exact values to mask wherever they appear, as is, URL-encoded or base64; shorter than MIN_SECRET_LENGTH: ignored. */
  extraValues?: readonly string[];
};

export type TRuleMatch = {
  ruleId: string;
  title: string;
  category: TCategory;
  severity: TSeverity;
  confidence: number;
  /** What this kind of failure is, in general. */
  rootCause: string;
  /** The specific cause as the log states it (failing test and assertion, file:line and message...). */
  cause?: string;
  /** Values the rule's named groups found in the excerpt. */
  captures: Record<string, string>;
  /** The rule's solutions with placeholders filled from the log; what could not be filled is left out. */
  solutions: TSolution[];
  documentationLinks: string[];
  evidence: TExcerptLine[];
  flaky?: { suspected: boolean; reason: string };
};

export type TFingerprintParts = { jobName?: string; category?: string; lines: (TExcerptLine | string)[] };
