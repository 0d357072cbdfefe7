import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error';

/**
 * On every answer: no page of ours may be framed by another site (clickjacking Bull Board's retry
 * and clean buttons, or the results page), and no answer is sniffed into another content type.
 * Pages with their own Content-Security-Policy (the results page) repeat `frame-ancestors 'none'`.
 */
export function securityHeaders() {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The hosts this server is reached under: the Host header, a proxy's X-Forwarded-Host, PUBLIC_URL. */
function ownHosts(req: Request, publicUrl: string | undefined): Set<string> {
  const forwarded = req.get('x-forwarded-host')?.split(',')[0]?.trim();
  return new Set([req.get('host'), forwarded, hostOf(publicUrl)].filter((h): h is string => Boolean(h)).map((h) => h.toLowerCase()));
}

/**
 * A browser sends cached basic-auth credentials with a form another site makes it post, so a
 * state-changing request needs more than credentials: a bearer token (which a browser never adds
 * by itself), or proof it comes from our own pages (Sec-Fetch-Site, else Origin). Clients that are
 * not browsers send neither header and are let through to the credential check.
 */
export function requireSameOriginWrites(publicUrl?: string) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (/^bearer\s/i.test(req.get('authorization') ?? '')) return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const crossSite = site !== undefined && site !== 'same-origin' && site !== 'none';
    const foreignOrigin = origin !== undefined && !ownHosts(req, publicUrl).has(hostOf(origin) ?? '');
    if (crossSite || foreignOrigin) {
      return next(
        new AppError('forbidden', 'cross-origin request refused: state-changing calls need Authorization: Bearer or a same-origin page'),
      );
    }
    next();
  };
}
