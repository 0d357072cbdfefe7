/**
 * The baseline of the ingest benchmark, in its own process like ingest: a bare Express handler
 * that parses the same JSON body and answers 202.
 *   PORT=<port> node --import tsx bench/ingest/bare-express.ts
 */
import express from 'express';

const port = Number(process.env.PORT ?? 0);
const app = express();
app.post('/webhooks/gitlab', express.json({ limit: '25mb' }), (req, res) => {
  res
    .status(202)
    .json({ status: 'accepted', request_id: String((req.body as { object_attributes?: { id?: number } }).object_attributes?.id) });
});
app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});
app.listen(port, '127.0.0.1');
