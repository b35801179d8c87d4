import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Deps } from '../deps';
import { staffAuth } from './auth/staff-auth';
import type { AdminEnv } from './auth/types';

export const QUEUES_BOARD_PATH = '/admin/queues';

/** Who may see and operate the job queues: administrators, not nurses or clinicians. */
const BOARD_ROLES = new Set(['national_officer', 'centre_admin']);

/** Administrators only. Reuses the console's staff authentication (session or bearer token) when it already ran. */
function administratorsOnly(deps: Deps): MiddlewareHandler<AdminEnv> {
  const auth = staffAuth(deps);
  return async (c, next) => {
    if (!c.get('actor')) {
      let signedIn = false;
      const refused = await auth(c, async () => {
        signedIn = true;
      });
      if (!signedIn) return refused ?? c.json({ code: 'unauthorized', message: 'sign in or send a bearer token' }, 401);
    }
    if (!BOARD_ROLES.has(c.get('actor').role)) {
      return c.json({ code: 'forbidden', message: 'the job queues are for administrators', requestId: c.get('requestId') }, 403);
    }
    await next();
  };
}

/**
 * Bull Board over every Mimamori queue, at /admin/queues. Job payloads hold ids only, so
 * the board shows no personal data; it is still limited to administrators.
 * @example app.route(QUEUES_BOARD_PATH, createQueuesBoardRoutes(deps))
 */
export function createQueuesBoardRoutes(deps: Deps) {
  const serverAdapter = new HonoAdapter(serveStatic);
  serverAdapter.setBasePath(QUEUES_BOARD_PATH);
  createBullBoard({
    queues: deps.jobs.inspectionQueues().map((q) => new BullMQAdapter(q)),
    // @bull-board/hono 9.10.1 pins its own copy of @bull-board/api (9.10.1; ours is 9.10.2):
    // the same shapes, but TypeScript sees two declarations of a private field.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Mimamori 見守り jobs' } },
  });
  const app = new Hono<AdminEnv>();
  app.use('*', administratorsOnly(deps));
  app.route('/', serverAdapter.registerPlugin());
  return app;
}
