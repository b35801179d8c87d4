import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { RequestInfo } from '../../domain/context';

/**
 * Who is calling, for ctx.request and the audit row: the client address (X-Forwarded-For's
 * first hop when behind a proxy, else the socket), the user agent and the request id.
 */
export function requestInfo(c: Context): RequestInfo {
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  let ip: string | null = forwarded || null;
  if (!ip) {
    try {
      ip = getConnInfo(c).remote.address ?? null;
    } catch {
      ip = null; // app.request() in tests has no socket
    }
  }
  return { ip, userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null, requestId: (c.get('requestId') as string | undefined) ?? null };
}
