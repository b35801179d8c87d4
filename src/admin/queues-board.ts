import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { setCookie } from 'hono/cookie';
import type { Deps } from '../deps';
import { operateJobQueue } from '../domain/jobs/operate-job-queue';
import { runVerb } from './auth/run-verb';
import { staffAuth } from './auth/staff-auth';
import type { AdminEnv } from './auth/types';
import { queueOperationOf } from './queues-board-operation';

export const QUEUES_BOARD_PATH = '/admin/queues';

/**
 * The cookie Bull Board's client (axios) reads and echoes as X-XSRF-TOKEN on its PUT/PATCH/
 * POST calls, which staffAuth accepts like X-CSRF-Token: the board's buttons then pass the
 * console's CSRF check. Readable by script by design, limited to the board's path.
 */
export const BOARD_XSRF_COOKIE = 'XSRF-TOKEN';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * National officers only: the queues are the whole installation's (every centre's rounds),
 * so nobody scoped to one centre or prefecture may see or operate them. Reuses the console's
 * staff authentication (session + CSRF, or bearer token) when it already ran. Every
 * state-changing request is allowed and audited by a verb before Bull Board carries it out.
 */
/** The board's paths, where the console also takes API tokens (staff-auth.ts). */
export const onQueuesBoard = (path: string) => path === QUEUES_BOARD_PATH || path.startsWith(`${QUEUES_BOARD_PATH}/`);

function nationalOfficersOnly(deps: Deps): MiddlewareHandler<AdminEnv> {
  const auth = staffAuth(deps, { bearerOutsideApi: onQueuesBoard }); // scripts pause and resume queues with a token
  return async (c, next) => {
    if (!c.get('actor')) {
      let signedIn = false;
      const refused = await auth(c, async () => {
        signedIn = true;
      });
      if (!signedIn) return refused ?? c.json({ code: 'unauthorized', message: 'sign in or send a bearer token' }, 401);
    }
    if (c.get('actor').role !== 'national_officer') {
      return c.json({ code: 'forbidden', message: 'the job queues are for national officers (国の管理者)', requestId: c.get('requestId') }, 403);
    }
    if (SAFE_METHODS.has(c.req.method)) {
      const csrf = c.get('csrfToken');
      if (csrf) setCookie(c, BOARD_XSRF_COOKIE, csrf, { path: QUEUES_BOARD_PATH, sameSite: 'Strict', secure: deps.env.NODE_ENV !== 'development', httpOnly: false });
    } else {
      const operation = queueOperationOf(c.req.method, c.req.path.slice(QUEUES_BOARD_PATH.length));
      await runVerb(deps, c, (ctx) => operateJobQueue({ ctx, input: operation }));
    }
    await next();
  };
}

/**
 * Bull Board over every Mimamori queue, at /admin/queues. Job payloads hold ids only and
 * failed jobs' errors are scrubbed (src/jobs/job-failures.ts), so the board shows no
 * personal data; it is still limited to national officers.
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
  app.use('*', nationalOfficersOnly(deps));
  app.route('/', serverAdapter.registerPlugin());
  return app;
}
