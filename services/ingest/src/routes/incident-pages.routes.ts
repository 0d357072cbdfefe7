import { Router } from 'express';
import { listIncidents, readIncidentDetail } from '@cia/db';
import { decodeIncidentCursor, encodeIncidentCursor } from '../api/cursor';
import { toIncidentFilters, ZIncidentIdParams, ZIncidentListQuery } from '../api/incident-api.schema';
import { AppError } from '../http/app-error';
import { requireApiToken } from '../http/auth';
import type { TIngestDeps } from '../ingest-deps';
import { html } from '../views/html';
import { renderIncidentDetail } from '../views/incident-detail.view';
import { renderIncidentList, renderIncidentNotFound } from '../views/incident-list.view';
import { renderLayout } from '../views/layout.view';
import { sendPage, withoutEmpty } from './results.routes';

const PAGE_SIZE = 25;
const LIST_PATH = '/ui/incidents';

/** The query of the next page: the same filters, the cursor after this page. */
function olderHref(query: Record<string, unknown>, cursor: string): string {
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'cursor' && typeof v === 'string') next.set(k, v);
  next.set('cursor', cursor);
  return `${LIST_PATH}?${next.toString()}`;
}

/** The incidents pages for people: the list, and one incident with its occurrences and verdicts. */
export function incidentPagesRoutes(deps: TIngestDeps): Router {
  const router = Router();
  const guard = requireApiToken(deps.config.API_TOKEN, { allowBasic: true, realm: 'ci-analyst results' });
  const links = { gitlabBaseUrl: deps.config.GITLAB_BASE_URL, docHosts: deps.config.POSTBACK_LINK_HOSTS };

  router.get(LIST_PATH, guard, async (req, res) => {
    const query = withoutEmpty(req.query as Record<string, unknown>);
    const parsed = ZIncidentListQuery.safeParse(query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const body = html`<div class="card empty"><h1>Bad filter</h1><p>${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid query'}</p><p><a href="${LIST_PATH}">Show all</a></p></div>`;
      return sendPage(res, 400, renderLayout({ title: 'Bad filter', body }));
    }
    const q = parsed.data;
    let cursor;
    try {
      cursor = q.cursor ? decodeIncidentCursor(q.cursor) : undefined;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return res.redirect(303, LIST_PATH);
    }
    const page = await listIncidents(deps.db, toIncidentFilters(q), { limit: req.query.limit ? q.limit : PAGE_SIZE, cursor });
    sendPage(
      res,
      200,
      renderIncidentList({
        items: page.items,
        filters: { project_id: q.project_id, status: q.status, category: q.category },
        olderHref: page.nextCursor ? olderHref(query, encodeIncidentCursor(page.nextCursor)) : null,
        firstPage: !cursor,
      }),
    );
  });

  router.get(`${LIST_PATH}/:id`, guard, async (req, res) => {
    const raw = String(req.params.id);
    const parsed = ZIncidentIdParams.safeParse(req.params);
    const incident = parsed.success ? await readIncidentDetail(deps.db, parsed.data.id) : undefined;
    if (!incident) return sendPage(res, 404, renderIncidentNotFound(raw));
    sendPage(res, 200, renderIncidentDetail(incident, { links }));
  });
  return router;
}
