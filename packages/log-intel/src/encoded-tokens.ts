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

const isPrintable = (byte: number): boolean => byte >= 32 && byte <= 126;

/** True when the 4 characters at `at` decode to 3 printable ASCII bytes. */
function quadIsText(text: string, at: number): boolean {
  const n =
    (sextet(text.charCodeAt(at)) << 18) |
    (sextet(text.charCodeAt(at + 1)) << 12) |
    (sextet(text.charCodeAt(at + 2)) << 6) |
    sextet(text.charCodeAt(at + 3));
  return isPrintable(n >>> 16) && isPrintable((n >>> 8) & 255) && isPrintable(n & 255);
}

/**
 * True when somewhere in the run, 8 characters at a 4-character boundary (6 bytes) decode to
 * printable ASCII, as an encoded token does. Paths and identifiers, most of the long runs in a
 * log, never do, and are passed over without a decode of the whole run.
 */
function holdsText(text: string, start: number, end: number): boolean {
  for (let at = start; at + 8 <= end; at += 4) if (quadIsText(text, at) && quadIsText(text, at + 4)) return true;
  return false;
}

/** True when the run decodes to text holding a known token shape. */
function encodesToken(run: string): boolean {
  return !HEX_RE.test(run) && ANY_TOKEN_RE.test(Buffer.from(run, 'base64').toString('latin1'));
}

/**
 * Replaces each base64 run that encodes a known token shape (a token base64-encoded) with
 * `placeholder`. It runs on every masked text and most hold no long run, so it looks only at every
 * MIN_RUN-th character: a run that long starting at or after `i` must cover `i + MIN_RUN - 1`, and
 * when that character is not base64 the scan jumps past it; otherwise it reads that one word.
 */
export function maskEncodedTokens(text: string, placeholder: string): string {
  const n = text.length;
  let out = '';
  let copied = 0;
  // Invariant: the character before `i` is not base64 (or i is 0), so no run reaches back past i.
  let i = 0;
  while (i + MIN_RUN <= n) {
    const probe = i + MIN_RUN - 1;
    if (!isBase64Char(text.charCodeAt(probe))) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    while (start > i && isBase64Char(text.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < n && isBase64Char(text.charCodeAt(end))) end++;
    if (end - start >= MIN_RUN && holdsText(text, start, end)) {
      let padded = end;
      while (padded < n && padded - end < 2 && text.charCodeAt(padded) === 61) padded++;
      if (encodesToken(text.slice(start, padded))) {
        out += text.slice(copied, start) + placeholder;
        copied = padded;
      }
    }
    i = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
