import { createHash } from 'node:crypto';
import type { TExcerptLine } from '@cia/contracts';
import { scoreLine } from './line-score';
import { normalizeLine } from './normalize';
import type { TFingerprintParts } from './types';
import { normalizeVolatile } from './volatile';

const MAX_FINGERPRINT_LINES = 20;
const EVIDENCE_SCORE = 5;

const textOf = (l: TExcerptLine | string): string => (typeof l === 'string' ? l : l.text);

/**
 * A stable id of a failure: the failure lines with times, ids, hashes, paths and numbers
 * normalised away, deduplicated and order-independent, plus the job name (parallel indexes
 * removed) and category. The same failure in another pipeline gets the same fingerprint.
 */
export function fingerprint(parts: TFingerprintParts): string {
  const texts = parts.lines.map((l) => normalizeLine(textOf(l)).text).filter((t) => t.trim().length > 0);
  const evidence = texts.filter((t) => scoreLine(t).score >= EVIDENCE_SCORE);
  const chosen = evidence.length > 0 ? evidence : texts.slice(-MAX_FINGERPRINT_LINES);
  const keys = [...new Set(chosen.map(normalizeVolatile))].sort().slice(0, MAX_FINGERPRINT_LINES);
  const job = normalizeVolatile((parts.jobName ?? '').toLowerCase());
  const hash = createHash('sha256');
  hash.update(`job:${job}\ncategory:${parts.category ?? ''}\n`);
  for (const k of keys) hash.update(`${k}\n`);
  return hash.digest('hex').slice(0, 32);
}
