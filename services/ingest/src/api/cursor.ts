import { z } from 'zod';
import type { TAnalysisCursor } from '@cia/db';
import { AppError } from '../http/app-error';

const ZCursor = z.tuple([z.iso.datetime(), z.number().int().positive()]);

/** Opaque to clients: base64url of the keyset position. */
export function encodeCursor(cursor: TAnalysisCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): TAnalysisCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('validation_failed', 'cursor: not a cursor returned by this API', 'cursor');
  }
  const ok = ZCursor.safeParse(parsed);
  if (!ok.success) throw new AppError('validation_failed', 'cursor: not a cursor returned by this API', 'cursor');
  return { createdAt: ok.data[0], id: ok.data[1] };
}
