import type { Server } from 'node:http';
import type { Logger } from '../logger';

/**
 * Stop accepting connections and wait, at most `graceMs`, for the requests in flight to
 * finish. Keep-alive connections are closed as soon as they fall idle (Node keeps an idle
 * one open for keepAliveTimeout, which would hold the close back for nothing); after the
 * deadline whatever is left is cut, so a hung client cannot hold a deploy forever.
 * Long-lived responses (SSE) must end themselves when the process stops (Deps.stopping).
 * @example await closeHttpServer(server, { graceMs: 10_000, logger })
 */
export async function closeHttpServer(server: Server, opts: { graceMs: number; logger: Logger }): Promise<'drained' | 'cut'> {
  const { graceMs } = opts;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'cut'>((resolve) => (timer = setTimeout(() => resolve('cut'), graceMs)));
  try {
    server.closeIdleConnections();
    const outcome = await Promise.race([closed.then(() => 'drained' as const), deadline]);
    if (outcome === 'cut') {
      opts.logger.warn({ graceMs }, 'HTTP requests still running at the shutdown deadline; cutting their connections');
      server.closeAllConnections();
      await closed;
    }
    return outcome;
  } finally {
    clearInterval(idleSweep);
    clearTimeout(timer);
  }
}
