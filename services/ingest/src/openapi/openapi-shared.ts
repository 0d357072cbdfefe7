import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ZApiError } from '@cia/contracts';

export const json = (schema: z.ZodType, description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});
export const html = (description: string): ResponseConfig => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

/** The security schemes and the error answers every group of paths uses. */
export function registerShared(r: OpenAPIRegistry) {
  const bearer = r.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'API_TOKEN; required on the analysis API, results page, Bull Board and metrics when API_TOKEN is set',
  });
  const basic = r.registerComponent('securitySchemes', 'basicAuth', {
    type: 'http',
    scheme: 'basic',
    description: 'Any user name, API_TOKEN as password (browsers: results page and Bull Board)',
  });
  const gitlabToken = r.registerComponent('securitySchemes', 'gitlabToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Gitlab-Token',
    description: 'GITLAB_WEBHOOK_SECRET, checked when set',
  });
  const apiAuth = [{ [bearer.name]: [] }];
  const browserAuth = [{ [bearer.name]: [] }, { [basic.name]: [] }];
  const error = ZApiError.meta({ id: 'Error' });
  const errors = {
    400: json(error, 'A parameter or the body is invalid; `error.field` names it'),
    401: json(error, 'Missing or wrong API token'),
  };
  const requestId = z.object({ request_id: z.string().describe('the request_id answered when the failure was accepted') });
  return { apiAuth, browserAuth, gitlabToken, error, errors, requestId };
}

export type TShared = ReturnType<typeof registerShared>;
