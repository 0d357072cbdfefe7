import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type Express, type RequestHandler } from 'express';
import type { TQueues } from '@cia/queue';
import { AppError } from '../http/app-error';
import { requireApiToken } from '../http/auth';
import { requireSameOriginWrites } from '../http/security-headers';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * The board's page loads without Redis, but its API would wait for Redis as long as it is down
 * (BullMQ waits for the connection): while it is, the API answers 503 at once instead.
 */
function whenRedisUp(redisDown: (() => string | undefined) | undefined): RequestHandler {
  return (req, _res, next) => {
    const down = redisDown?.();
    if (down && req.path.startsWith('/api/')) return next(new AppError('service_unavailable', `${down}: the queues cannot be read now`));
    next();
  };
}

/**
 * Bull Board for every queue, behind the API token (bearer, or basic for browsers) when one is set.
 * Its retry, clean, pause and add actions are refused to other sites' pages (Bull Board has no
 * CSRF protection of its own, and a browser replays cached basic auth on a cross-site form).
 */
export function adminRoutes(
  queues: TQueues,
  options: { apiToken: string | undefined; publicUrl?: string; redisDown?: () => string | undefined },
): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'ci-analyst queues' } },
  });
  // The adapter is an Express app of its own, which would announce itself in X-Powered-By.
  const board = serverAdapter.getRouter() as Express;
  board.disable('x-powered-by');
  const router = Router();
  router.use(
    BULL_BOARD_PATH,
    requireApiToken(options.apiToken, { allowBasic: true, realm: 'ci-analyst queues' }),
    requireSameOriginWrites(options.publicUrl),
    whenRedisUp(options.redisDown),
    board,
  );
  return router;
}
