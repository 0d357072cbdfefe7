import { Router } from 'express';
import type { z } from 'zod';
import type { TAnalysisResult } from '@cia/contracts';
import { findAnalysisByRequestId, listAnalyses, summarizeAnalyses, type TAnalysisFilters } from '@cia/db';
import { toAnalysisView } from '../api/analysis-view';
import { ZAnalysisFilterQuery, ZAnalysisListQuery, type TAnalysisFilterQuery, type TAnalysisListItem } from '../api/analysis-api.schema';
import { decodeCursor, encodeCursor } from '../api/cursor';
import { AppError, fromZodError } from '../http/app-error';
import type { TIngestDeps } from '../ingest-deps';

function toFilters(q: TAnalysisFilterQuery): TAnalysisFilters {
  return {
    projectId: q.project_id,
    status: q.status,
    category: q.category,
    trigger: q.trigger,
    since: q.since ? new Date(q.since) : undefined,
  };
}

function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

function briefResult(r: TAnalysisResult): TAnalysisListItem['result'] {
  const { summary, root_cause, category, severity, confidence, fingerprint, flaky_suspected, source } = r;
  return { summary, root_cause, category, severity, confidence, fingerprint, flaky_suspected, source };
}

export function analysisRoutes(deps: TIngestDeps): Router {
  const router = Router();

  router.get('/analysis', async (req, res) => {
    const q = parseQuery(ZAnalysisListQuery, req.query);
    const page = await listAnalyses(deps.db, toFilters(q), { limit: q.limit, cursor: q.cursor ? decodeCursor(q.cursor) : undefined });
    const items: TAnalysisListItem[] = page.rows.map((row) => {
      const view = toAnalysisView(row);
      return { ...view, result: view.result ? briefResult(view.result) : null };
    });
    res.json({ items, next_cursor: page.nextCursor ? encodeCursor(page.nextCursor) : null });
  });

  router.get('/analysis/stats/summary', async (req, res) => {
    const q = parseQuery(ZAnalysisFilterQuery, req.query);
    res.json(await summarizeAnalyses(deps.db, toFilters(q)));
  });

  router.get('/analysis/:request_id', async (req, res) => {
    const row = await findAnalysisByRequestId(deps.db, req.params.request_id);
    if (!row) throw new AppError('not_found', `no analysis with request_id ${req.params.request_id}`);
    res.json(toAnalysisView(row));
  });
  return router;
}
