import fs from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import { findAnalysisByRequestId, listAnalyses, summarizeAnalyses } from '@cia/db';
import { ZAnalysisListQuery } from '../api/analysis-api.schema';
import { toAnalysisView } from '../api/analysis-view';
import { decodeCursor, encodeCursor } from '../api/cursor';
import { AppError } from '../http/app-error';
import { requireApiToken } from '../http/auth';
import type { TIngestDeps } from '../ingest-deps';
import { renderAnalysisDetail, renderNotFound } from '../views/analysis-detail.view';
import { renderAnalysisList } from '../views/analysis-list.view';
import { html } from '../views/html';
import { renderLayout, UI_ASSETS_PATH } from '../views/layout.view';

const PAGE_SIZE = 25;
const REFRESH_SECONDS = 5;
const STYLESHEET = fs.readFileSync(path.join(__dirname, '..', 'views', 'results.css'), 'utf8');

/** Log lines are untrusted: no script may run on these pages, whatever an excerpt contains. */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function sendPage(res: Response, status: number, page: string): void {
  res.status(status);
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(page);
}

/** Empty form fields mean "any". */
export function withoutEmpty(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''));
}

/** The results page for people: `/` lists failed pipelines, `/ui/analyses/:request_id` explains one. */
export function resultsRoutes(deps: TIngestDeps): Router {
  const router = Router();
  const guard = requireApiToken(deps.config.API_TOKEN, { allowBasic: true, realm: 'ci-analyst results' });
  const links = { gitlabBaseUrl: deps.config.GITLAB_BASE_URL, docHosts: deps.config.POSTBACK_LINK_HOSTS };

  router.get(`${UI_ASSETS_PATH}/results.css`, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('css').send(STYLESHEET);
  });

  router.get('/', guard, async (req, res) => {
    const parsed = ZAnalysisListQuery.safeParse(withoutEmpty(req.query as Record<string, unknown>));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const body = html`<div class="card empty"><h1>Bad filter</h1><p>${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid query'}</p><p><a href="/">Show all</a></p></div>`;
      return sendPage(res, 400, renderLayout({ title: 'Bad filter', body }));
    }
    const q = parsed.data;
    const filters = {
      projectId: q.project_id,
      status: q.status,
      category: q.category,
      trigger: q.trigger,
      since: q.since ? new Date(q.since) : undefined,
    };
    let cursor;
    try {
      cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return res.redirect(303, '/');
    }
    const limit = req.query.limit ? q.limit : PAGE_SIZE;
    const [page, summary] = await Promise.all([listAnalyses(deps.db, filters, { limit, cursor }), summarizeAnalyses(deps.db, filters)]);
    let olderHref: string | null = null;
    if (page.nextCursor) {
      const next = new URLSearchParams();
      for (const [k, v] of Object.entries(withoutEmpty(req.query as Record<string, unknown>)))
        if (k !== 'cursor' && typeof v === 'string') next.set(k, v);
      next.set('cursor', encodeCursor(page.nextCursor));
      olderHref = `/?${next.toString()}`;
    }
    sendPage(
      res,
      200,
      renderAnalysisList({
        items: page.rows.map(toAnalysisView),
        summary,
        filters: { project_id: q.project_id, status: q.status, category: q.category, trigger: q.trigger },
        olderHref,
        firstPage: !cursor,
        refreshSeconds: REFRESH_SECONDS,
      }),
    );
  });

  router.get('/ui/analyses/:request_id', guard, async (req, res) => {
    const requestId = String(req.params.request_id);
    const row = await findAnalysisByRequestId(deps.db, requestId);
    if (!row) return sendPage(res, 404, renderNotFound(requestId));
    sendPage(res, 200, renderAnalysisDetail(toAnalysisView(row), { refreshSeconds: REFRESH_SECONDS, links }));
  });
  return router;
}
