import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { ZIncidentDetail, ZIncidentPage } from '@cia/contracts';
import { ZIncidentIdParams, ZIncidentListQuery } from '../api/incident-api.schema';

type TAuth = { [scheme: string]: string[] }[];

/** GET /incidents, GET /incidents/{id} and their pages, registered beside the analysis API. */
export function registerIncidentPaths(
  r: OpenAPIRegistry,
  shared: {
    apiAuth: TAuth;
    browserAuth: TAuth;
    error: z.ZodType;
    json: (schema: z.ZodType, description: string) => ResponseConfig;
    html: (description: string) => ResponseConfig;
  },
): void {
  const { apiAuth, browserAuth, error, json, html } = shared;
  const errors = { 400: json(error, 'A parameter is invalid; `error.field` names it'), 401: json(error, 'Missing or wrong API token') };
  r.registerPath({
    method: 'get',
    path: '/incidents',
    tags: ['incidents'],
    summary: 'List incidents (failed jobs that share a fingerprint), last seen first',
    description:
      'Keyset pagination on (last_seen_at, id): pass `next_cursor` as `cursor` until it is null. An incident seen again while you page moves to the top of the first page.',
    security: apiAuth,
    request: { query: ZIncidentListQuery },
    responses: { 200: json(ZIncidentPage.meta({ id: 'IncidentPage' }), 'One page of incidents'), ...errors },
  });
  r.registerPath({
    method: 'get',
    path: '/incidents/{id}',
    tags: ['incidents'],
    summary: 'One incident: status, red streak, fix, where it failed, its newest occurrences with their verdicts, the same error elsewhere',
    security: apiAuth,
    request: { params: ZIncidentIdParams },
    responses: {
      200: json(ZIncidentDetail.meta({ id: 'Incident' }), 'The incident'),
      ...errors,
      404: json(error, 'No incident has this id'),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/ui/incidents',
    tags: ['results page'],
    summary: 'Incidents for people, last seen first',
    security: browserAuth,
    request: { query: ZIncidentListQuery },
    responses: { 200: html('Incidents page'), 400: html('Bad filter'), 401: errors[401] },
  });
  r.registerPath({
    method: 'get',
    path: '/ui/incidents/{id}',
    tags: ['results page'],
    summary: 'One incident for people: status, red streak, fix, occurrences with verdicts and GitLab links',
    security: browserAuth,
    request: { params: ZIncidentIdParams },
    responses: { 200: html('Incident page'), 401: errors[401], 404: html('Unknown incident') },
  });
}
