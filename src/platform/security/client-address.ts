import { canonicalIp, inRange, parseCidr, parseIp, type CidrRange } from './ip-address';

/**
 * TRUSTED_PROXIES: comma- or space-separated addresses and CIDR ranges of the reverse
 * proxies / load balancers in front of the app. Returns the ranges, or the entries that are
 * not addresses (for the settings error).
 * @example parseTrustedProxies('10.0.0.0/8, 127.0.0.1') → { ranges: [...], bad: [] }
 */
export function parseTrustedProxies(spec: string): { ranges: CidrRange[]; bad: string[] } {
  const ranges: CidrRange[] = [];
  const bad: string[] = [];
  for (const entry of spec.split(/[\s,]+/).filter(Boolean)) {
    const range = parseCidr(entry);
    if (range) ranges.push(range);
    else bad.push(entry);
  }
  return { ranges, bad };
}

const trusted = (ip: string, ranges: readonly CidrRange[]) => {
  const n = parseIp(ip);
  return n !== null && ranges.some((r) => inRange(n, r));
};

/**
 * The client's address. X-Forwarded-For is written by whoever sends the request, so it is
 * believed only as far as a trusted proxy vouches for it: starting from the socket, while
 * the current hop is a trusted proxy, step to the hop it says it received the request from.
 * The first hop that is not a trusted proxy is the client (the right-most untrusted entry;
 * anything a client put further left is ignored). No trusted proxies: the socket address.
 */
export function clientAddress(socket: string | null | undefined, forwardedFor: string | null | undefined, ranges: readonly CidrRange[]): string | null {
  if (!socket) return null;
  let current = canonicalIp(socket);
  const hops = (forwardedFor ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  while (hops.length && trusted(current, ranges)) {
    const previous = hops.pop()!;
    if (parseIp(previous) === null) break; // garbage from the client: the proxy is as far as we can see
    current = canonicalIp(previous.replace(/^\[(.*)\]$/, '$1'));
  }
  return current;
}
