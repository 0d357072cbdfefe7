/** Request bodies undici sends as they are; others (streams, forms, blobs) are left to the slower, general path. */
export type TPlainBody = string | Uint8Array | ArrayBuffer | null | undefined;

export function isPlainBody(body: unknown): body is TPlainBody {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

/** The body in a form undici's request() takes. */
export function toUndiciBody(body: TPlainBody): string | Uint8Array | undefined {
  return body instanceof ArrayBuffer ? new Uint8Array(body) : (body ?? undefined);
}
