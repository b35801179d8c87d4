import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';

export interface ListenOptions {
  port: number;
  /** The port's accept queue (HTTP_LISTEN_BACKLOG). */
  backlog: number;
  /** How long an idle keep-alive connection is kept open (HTTP_KEEP_ALIVE_SECONDS). */
  keepAliveSeconds: number;
}

/**
 * A process's HTTP server, listening. Idle keep-alive connections are kept for
 * `keepAliveSeconds`, longer than a load balancer's idle timeout (60 s on the common ones):
 * with Node's 5 s, the balancer reuses a connection the app is closing (a POST then fails
 * with 502), and a webhook sender opens new ones. A new connection is costly on a busy
 * process: since libuv 1.45 (Node 20) its event loop accepts one connection a turn, so at a
 * surge new connections wait in the accept queue for seconds while the open ones are served.
 * `headersTimeout` is a second longer, as Node advises: a request whose headers begin just as
 * the idle time ends is then not cut.
 */
export function listenHttp(fetch: (request: Request) => Response | Promise<Response>, opts: ListenOptions): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createAdaptorServer({ fetch }) as Server;
    server.keepAliveTimeout = opts.keepAliveSeconds * 1000;
    server.headersTimeout = opts.keepAliveSeconds * 1000 + 1000;
    server.once('error', reject);
    server.listen({ port: opts.port, backlog: opts.backlog }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
