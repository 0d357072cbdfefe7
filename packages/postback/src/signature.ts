import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'X-CI-Analyst-Signature';

/** `sha256=<hex>` of HMAC-SHA256(secret, raw body), the GitHub-style header receivers know how to check. */
export function signBody(secret: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** For receivers (and tests): compares in constant time over the exact bytes received. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header.trim());
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
