import { ANY_TOKEN_RE } from './mask-rules';

/**
 * Shortest run of base64 or base64url worth decoding: the shortest token shape (20 characters and
 * a prefix) with something around it (`user:glpat-...` in a Basic header or a docker `auth` entry).
 */
const MIN_RUN = 28;
// Hashes and digests (git, sha256, docker layers) are hex: they never decode to a token, skip them.
const HEX_RE = /^[0-9a-f]+$/i;

/** 1 for A-Z a-z 0-9 + / - _, the characters of base64 and base64url (a table: one load per character). */
const BASE64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') BASE64_CHAR[c.charCodeAt(0)] = 1;
const isBase64Char = (c: number): boolean => c < 128 && BASE64_CHAR[c] === 1;

/** The 6-bit value of a base64 or base64url character. */
function sextet(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  return c === 43 || c === 45 ? 62 : 63;
}

/**
 * True when the first 8 characters of the run (6 bytes) decode to printable ASCII, as the start of
 * an encoded token does. Paths and identifiers, most of the long runs in a log, fail within a
 * byte or two, without a decode of the whole run.
 */
function startsAsText(run: string): boolean {
  for (let g = 0; g < 8; g += 4) {
    const n = (sextet(run.charCodeAt(g)) << 18) | (sextet(run.charCodeAt(g + 1)) << 12) | (sextet(run.charCodeAt(g + 2)) << 6) | sextet(run.charCodeAt(g + 3));
    for (const byte of [n >>> 16, (n >>> 8) & 255, n & 255]) if (byte < 32 || byte > 126) return false;
  }
  return true;
}

/** True when the run decodes to text holding a known token shape. */
function encodesToken(run: string): boolean {
  if (!startsAsText(run) || HEX_RE.test(run)) return false;
  return ANY_TOKEN_RE.test(Buffer.from(run, 'base64').toString('latin1'));
}

/**
 * Replaces each base64 run that encodes a known token shape (a token base64-encoded) with
 * `placeholder`. A character loop rather than a regular expression: it runs on every masked text
 * and most hold no long run, which the loop finds at a fraction of an expression's cost.
 */
export function maskEncodedTokens(text: string, placeholder: string): string {
  let out = '';
  let copied = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isBase64Char(text.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= MIN_RUN) {
      let end = i;
      while (end < text.length && end - i < 2 && text.charCodeAt(end) === 61) end++;
      if (encodesToken(text.slice(start, end))) {
        out += text.slice(copied, start) + placeholder;
        copied = end;
        i = end - 1;
      }
    }
    start = -1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
