import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { RequestInfo } from '../../domain/context';
import { clientAddress } from '../../platform/security/client-address';
import type { CidrRange } from '../../platform/security/ip-address';

const CLIENT_IP = 'clientIp' as never;

function socketAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
}

/**
 * Resolve the client address once per request: the socket, or X-Forwarded-For's right-most
 * hop that is not one of TRUSTED_PROXIES (src/platform/security/client-address.ts).
 */
export function resolveClientAddress(trustedProxies: readonly CidrRange[]): MiddlewareHandler {
  return async (c, next) => {
    c.set(CLIENT_IP, clientAddress(socketAddress(c), c.req.header('x-forwarded-for'), trustedProxies) as never);
    await next();
  };
}

/**
 * Who is calling, for ctx.request, the audit row and the sign-in throttle: the client address
 * resolved above (the socket when that middleware did not run), the user agent and the request id.
 */
export function requestInfo(c: Context): RequestInfo {
  const resolved = c.get(CLIENT_IP) as string | null | undefined;
  const ip = resolved === undefined ? socketAddress(c) : resolved;
  return { ip, userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null, requestId: (c.get('requestId') as string | undefined) ?? null };
}
