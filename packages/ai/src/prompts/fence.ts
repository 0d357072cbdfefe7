import crypto from 'node:crypto';

const NONCE_BYTES = 6;
// Random bytes drawn 256 nonces at a time: one call into the CSPRNG per 256 prompts, not per prompt.
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

/** A marker the data cannot predict, so a log cannot close its own fence and speak as us. */
export function createFenceNonce(): string {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = crypto.randomBytes(NONCE_BYTES * 256);
    nonceOffset = 0;
  }
  const nonce = noncePool.toString('hex', nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/**
 * Wraps untrusted text (logs, commit messages, CI config, test output) in a labelled fence. Any
 * copy of the nonce inside the text is removed, so only our markers carry it.
 */
export function fenceUntrusted(label: string, text: string, nonce: string): string {
  // A search is cheaper than a split that finds nothing, which is almost always.
  const body = text.includes(nonce) ? text.split(nonce).join('[fence]') : text;
  return `<<<UNTRUSTED ${label} ${nonce}\n${body}\nUNTRUSTED ${nonce}>>>`;
}
