import { z } from 'zod';
import type { TAnalysisCursor, TIncidentCursor } from '@cia/db';
import { AppError } from '../http/app-error';

const ZCursor = z.tuple([z.iso.datetime(), z.number().int().positive()]);

/** Opaque to clients: base64url of the keyset position (a time as PostgreSQL wrote it, an id). */
function encodePosition(at: string, id: number): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

function decodePosition(value: string): { at: string; id: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('validation_failed', 'cursor: not a cursor returned by this API', 'cursor');
  }
  const ok = ZCursor.safeParse(parsed);
  if (!ok.success) throw new AppError('validation_failed', 'cursor: not a cursor returned by this API', 'cursor');
  return { at: ok.data[0], id: ok.data[1] };
}

export function encodeCursor(cursor: TAnalysisCursor): string {
  return encodePosition(cursor.createdAt, cursor.id);
}

export function decodeCursor(value: string): TAnalysisCursor {
  const { at, id } = decodePosition(value);
  return { createdAt: at, id };
}

export function encodeIncidentCursor(cursor: TIncidentCursor): string {
  return encodePosition(cursor.lastSeenAt, cursor.id);
}

export function decodeIncidentCursor(value: string): TIncidentCursor {
  const { at, id } = decodePosition(value);
  return { lastSeenAt: at, id };
}
