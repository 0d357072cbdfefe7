import { Router } from 'express';
import { findAnalysisByRequestId, toAnalysisView } from '@cia/db';
import { AppError } from '../http/app-error';
import type { TIngestDeps } from '../ingest-deps';

export function analysisRoutes(deps: TIngestDeps): Router {
  const router = Router();
  router.get('/analysis/:request_id', async (req, res) => {
    const row = await findAnalysisByRequestId(deps.db, req.params.request_id);
    if (!row) throw new AppError('not_found', `no analysis with request_id ${req.params.request_id}`);
    res.json(toAnalysisView(row));
  });
  return router;
}
