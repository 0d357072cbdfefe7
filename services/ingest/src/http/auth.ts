import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error';

/** Constant-time comparison that does not leak the secret's length through timing. */
export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/**
 * Bearer-token guard for the API, results page, Bull Board and metrics. Without API_TOKEN (only
 * allowed outside production) everything is open. `allowBasic` lets browsers use a basic-auth
 * prompt (any user name, the token as password).
 */
export function requireApiToken(token: string | undefined, options: { allowBasic?: boolean; realm?: string } = {}) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!token) return next();
    const header = req.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ');
    if (scheme?.toLowerCase() === 'bearer' && safeEqual(value.trim(), token)) return next();
    if (options.allowBasic && scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const password = decoded.slice(decoded.indexOf(':') + 1);
      if (safeEqual(password, token)) return next();
    }
    if (options.allowBasic) res.setHeader('WWW-Authenticate', `Basic realm="${options.realm ?? 'ci-analyst'}"`);
    next(new AppError('unauthorized', 'missing or invalid API token (Authorization: Bearer <API_TOKEN>)'));
  };
}
