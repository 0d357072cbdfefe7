import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router } from 'express';
import type { TQueues } from '@cia/queue';
import { requireApiToken } from '../http/auth';

export const BULL_BOARD_PATH = '/admin/queues';

/** Bull Board for every queue, behind the API token (bearer, or basic for browsers) when one is set. */
export function adminRoutes(queues: TQueues, apiToken: string | undefined): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'ci-analyst queues' } },
  });
  const router = Router();
  router.use(BULL_BOARD_PATH, requireApiToken(apiToken, { allowBasic: true, realm: 'ci-analyst queues' }), serverAdapter.getRouter() as Router);
  return router;
}
