import crypto from 'node:crypto';

/** A marker the data cannot predict, so a log cannot close its own fence and speak as us. */
export function createFenceNonce(): string {
  return crypto.randomBytes(6).toString('hex');
}

/**
 * Wraps untrusted text (logs, commit messages, CI config, test output) in a labelled fence. Any
 * copy of the nonce inside the text is removed, so only our markers carry it.
 */
export function fenceUntrusted(label: string, text: string, nonce: string): string {
  const body = text.split(nonce).join('[fence]');
  return `<<<UNTRUSTED ${label} ${nonce}\n${body}\nUNTRUSTED ${nonce}>>>`;
}
