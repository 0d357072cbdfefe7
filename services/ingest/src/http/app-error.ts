import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { TApiError, TErrorCode } from '@cia/contracts';
import type { TLogger } from '@cia/logger';

const STATUS: Record<TErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  service_unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export function errorBody(code: TErrorCode, message: string, field?: string): TApiError {
  return { error: field ? { code, message, field } : { code, message } };
}

/** Turns a zod error into a 400 naming the first failing field. */
export function fromZodError(err: z.ZodError, prefix = ''): AppError {
  const issue = err.issues[0];
  const field = issue ? [prefix, ...issue.path.map(String)].filter(Boolean).join('.') : undefined;
  return new AppError('validation_failed', issue ? `${field ?? 'body'}: ${issue.message}` : 'invalid body', field);
}

/** Maps AppError, zod errors and body-parser errors to the documented error body. */
export function errorHandler(logger: TLogger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let appError: AppError;
    const e = err as { type?: string; status?: number; message?: string };
    if (err instanceof AppError) appError = err;
    else if (err instanceof z.ZodError) appError = fromZodError(err);
    else if (e.type === 'entity.too.large')
      appError = new AppError('payload_too_large', 'request body is larger than the configured limit');
    else if (e.type === 'entity.parse.failed') appError = new AppError('bad_request', `malformed JSON: ${e.message ?? ''}`.trim());
    else if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
      appError = new AppError('unsupported_media_type', e.message ?? 'unsupported encoding');
    else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
      appError = new AppError('bad_request', e.message ?? 'bad request');
    else {
      logger.error('unhandled error', { err, path: req.path });
      appError = new AppError('internal', 'internal error');
    }
    if (res.headersSent) return;
    res.status(appError.status).json(errorBody(appError.code, appError.message, appError.field));
  };
}
