/**
 * IP addresses and CIDR ranges without node:net, so the settings schema (also parsed on
 * Workers) can validate TRUSTED_PROXIES. Every address is a 128-bit number; IPv4 lives in
 * the IPv4-mapped range ::ffff:0:0/96, so `10.0.0.0/8` also matches `::ffff:10.1.2.3`
 * (what a dual-stack Node socket reports for an IPv4 client).
 */
export interface CidrRange {
  base: bigint;
  bits: number; // prefix length over 128 bits
  text: string;
}

const V4_MAPPED = 0xffffn << 32n;

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseV6(text: string): bigint | null {
  let head = text;
  let tail32: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tail32 = parseV4(text.slice(lastColon + 1));
    if (tail32 === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`; // the dotted quad stands for the last two groups
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return tail32 === null ? n : (n & ~0xffffffffn) | tail32;
}

/** An address as a 128-bit number, or null when it is not an IP address. */
export function parseIp(text: string): bigint | null {
  const t = text.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // [v6] and zone ids
  if (t.includes(':')) return parseV6(t);
  const v4 = parseV4(t);
  return v4 === null ? null : V4_MAPPED | v4;
}

/** `10.0.0.0/8`, `2001:db8::/32` or a single address; null when malformed. */
export function parseCidr(text: string): CidrRange | null {
  const [addr, prefix, extra] = text.trim().split('/');
  if (extra !== undefined || !addr) return null;
  const base = parseIp(addr);
  if (base === null) return null;
  const v4 = !addr.includes(':');
  const max = v4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return null;
  const len = prefix === undefined ? max : Number(prefix);
  if (len > max) return null;
  const bits = v4 ? 96 + len : len;
  return { base: base & mask(bits), bits, text: text.trim() };
}

const mask = (bits: number) => (bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits));

export function inRange(ip: bigint, range: CidrRange): boolean {
  return (ip & mask(range.bits)) === range.base;
}

/** `::ffff:10.1.2.3` → `10.1.2.3`, so audit rows and throttle keys see one form per client. */
export function canonicalIp(text: string): string {
  const t = text.trim();
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(t);
  return m ? m[1]! : t;
}
