import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error';

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest();

/**
 * A constant-time check against one secret that does not leak its length through timing: both
 * sides are compared as SHA-256 digests, the secret's worked out once rather than on every request.
 */
export function secretMatcher(secret: string): (candidate: string) => boolean {
  const expected = sha256(secret);
  return (candidate) => crypto.timingSafeEqual(sha256(candidate), expected);
}

/**
 * Bearer-token guard for the API, results page, Bull Board and metrics. Without API_TOKEN (only
 * allowed outside production) everything is open. `allowBasic` lets browsers use a basic-auth
 * prompt (any user name, the token as password).
 */
export function requireApiToken(token: string | undefined, options: { allowBasic?: boolean; realm?: string } = {}) {
  const matches = token ? secretMatcher(token) : undefined;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!matches) return next();
    const header = req.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ');
    if (scheme?.toLowerCase() === 'bearer' && matches(value.trim())) return next();
    if (options.allowBasic && scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const password = decoded.slice(decoded.indexOf(':') + 1);
      if (matches(password)) return next();
    }
    if (options.allowBasic) res.setHeader('WWW-Authenticate', `Basic realm="${options.realm ?? 'ci-analyst'}"`);
    next(new AppError('unauthorized', 'missing or invalid API token (Authorization: Bearer <API_TOKEN>)'));
  };
}
