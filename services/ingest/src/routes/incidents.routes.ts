import { Router } from 'express';
import type { z } from 'zod';
import type { TIncidentPage } from '@cia/contracts';
import { listIncidents, readIncidentDetail } from '@cia/db';
import { decodeIncidentCursor, encodeIncidentCursor } from '../api/cursor';
import { toIncidentFilters, ZIncidentIdParams, ZIncidentListQuery } from '../api/incident-api.schema';
import { AppError, fromZodError } from '../http/app-error';
import type { TIngestDeps } from '../ingest-deps';

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

/** GET /incidents and GET /incidents/:id: failures that share a fingerprint, for machines (auth: app.ts). */
export function incidentsRoutes(deps: TIngestDeps): Router {
  const router = Router();

  router.get('/incidents', async (req, res) => {
    const q = parse(ZIncidentListQuery, req.query);
    const page = await listIncidents(deps.db, toIncidentFilters(q), {
      limit: q.limit,
      cursor: q.cursor ? decodeIncidentCursor(q.cursor) : undefined,
    });
    const body: TIncidentPage = { items: page.items, next_cursor: page.nextCursor ? encodeIncidentCursor(page.nextCursor) : null };
    res.json(body);
  });

  router.get('/incidents/:id', async (req, res) => {
    const { id } = parse(ZIncidentIdParams, req.params);
    const incident = await readIncidentDetail(deps.db, id);
    if (!incident) throw new AppError('not_found', `no incident with id ${id}`);
    res.json(incident);
  });
  return router;
}
