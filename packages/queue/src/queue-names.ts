/**
 * Every queue of the system. Renaming a value breaks jobs already queued under the old name:
 * add new entries, never rename.
 */
export const QUEUE_NAMES = {
  analyze: 'analyze',
  postback: 'postback',
  /** Flaky verification: job retries and the looks at their outcome (many delayed, few running). */
  verdicts: 'verdicts',
} as const;
export type TQueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];
