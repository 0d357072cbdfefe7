import crypto from 'node:crypto';
import libmime from 'libmime';
import { simpleParser, type AddressObject } from 'mailparser';

/** What the classifier needs from one message, independent of the MIME library. */
export type TMailFacts = {
  /** The Message-ID, or `sha256:<hash of the raw message>` when the message has none. */
  messageId: string;
  hasMessageId: boolean;
  from: string[];
  subject: string;
  /** Header values by lower-cased name (first occurrence), unfolded and with encoded words decoded. */
  headers: Record<string, string>;
  text: string;
  html: string;
  date: Date | undefined;
};

export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

function addressesOf(from: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(from) ? from : from ? [from] : [];
  const out: string[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.address) out.push(e.address.trim().toLowerCase());
      if (e.group) walk(e.group);
    }
  };
  for (const a of list) walk(a.value);
  return out;
}

/**
 * Custom `X-` headers are unstructured text (RFC 5322 optional fields) that mailparser hands on as
 * sent: a value with non-ASCII text (a project name, a branch) arrives as RFC 2047 encoded words
 * (`=?UTF-8?Q?caf=C3=A9?=`), which libmime decodes. Headers mailparser knows it decodes itself.
 */
function decodeUnstructured(key: string, value: string): string {
  return key.startsWith('x-') ? libmime.decodeWords(value) : value;
}

function headerMap(lines: readonly { key: string; line: string }[], decoded: Map<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of lines) {
    if (out[key] !== undefined) continue;
    const value = decoded.get(key);
    // Structured headers mailparser parses into objects (List-Id) are kept as their raw text.
    out[key] =
      typeof value === 'string'
        ? decodeUnstructured(key, value)
        : line
            .slice(line.indexOf(':') + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim();
  }
  return out;
}

/** Parses a raw RFC 5322 message; throws MalformedMessageError when it has no usable header. */
export async function readMessage(raw: Buffer): Promise<TMailFacts> {
  let parsed;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (err) {
    throw new MalformedMessageError(`unparseable MIME: ${(err as Error).message}`);
  }
  const headers = headerMap(parsed.headerLines, parsed.headers as Map<string, unknown>);
  if (!headers.from && !headers.subject && !headers['message-id']) {
    throw new MalformedMessageError('no From, Subject or Message-ID header');
  }
  const messageId = parsed.messageId?.trim();
  return {
    messageId: messageId || `sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`,
    hasMessageId: Boolean(messageId),
    from: addressesOf(parsed.from),
    subject: (parsed.subject ?? '').trim(),
    headers,
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    date: parsed.date,
  };
}
