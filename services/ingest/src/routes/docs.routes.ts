import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import pkg from '../../package.json';
import { buildOpenApiDocument } from '../openapi/openapi-document';

/** GET /openapi.json and the Swagger UI at /docs (assets from swagger-ui-dist, no CDN). */
export function docsRoutes(): Router {
  const document = buildOpenApiDocument(pkg.version);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // serveFiles (not serve): swagger-ui-express keeps `serve`'s page in module state shared by every app.
  router.use(
    '/docs',
    swaggerUi.serveFiles(document),
    swaggerUi.setup(document, { customSiteTitle: 'ci-analyst API', swaggerOptions: { persistAuthorization: true, validatorUrl: null } }),
  );
  return router;
}
