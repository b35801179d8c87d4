import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env';
import { clientAddress, parseTrustedProxies } from '../../src/platform/security/client-address';
import { inRange, parseCidr, parseIp } from '../../src/platform/security/ip-address';

const ranges = (spec: string) => parseTrustedProxies(spec).ranges;
const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));

describe('IP addresses and CIDR ranges', () => {
  it('parse IPv4, IPv6, IPv4-mapped and bracketed forms to the same numbers', () => {
    expect(parseIp('10.1.2.3')).toBe(parseIp('::ffff:10.1.2.3'));
    expect(parseIp('::ffff:0a01:0203')).toBe(parseIp('10.1.2.3'));
    expect(parseIp('[2001:db8::1]')).toBe(parseIp('2001:0db8:0:0:0:0:0:1'));
    expect(parseIp('::1')).toBe(1n);
    for (const bad of ['', '1.2.3', '1.2.3.256', '01.2.3.4', '1::2::3', 'example.org', '1.2.3.4:80', '2001:db8::g', '1:2:3:4:5:6:7:8:9']) expect(parseIp(bad), bad).toBeNull();
  });

  it('match every address inside a range and none outside (property)', () => {
    fc.assert(
      fc.property(v4, v4, fc.integer({ min: 0, max: 32 }), (a, b, len) => {
        const range = parseCidr(`${a}/${len}`)!;
        const toInt = (s: string) => s.split('.').reduce((n, p) => n * 256 + Number(p), 0);
        const same = len === 0 || toInt(a) >>> (32 - len) === toInt(b) >>> (32 - len);
        expect(inRange(parseIp(b)!, range)).toBe(same);
        expect(inRange(parseIp(`::ffff:${b}`)!, range)).toBe(same);
      }),
      { seed: 11, numRuns: 500 },
    );
    expect(inRange(parseIp('2001:db8:ffff::1')!, parseCidr('2001:db8::/32')!)).toBe(true);
    expect(inRange(parseIp('2001:db9::1')!, parseCidr('2001:db8::/32')!)).toBe(false);
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('::/129')).toBeNull();
  });
});

describe('the client address', () => {
  it('is the socket when no proxy is trusted, whatever X-Forwarded-For says', () => {
    fc.assert(
      fc.property(v4, fc.string(), (socket, header) => {
        expect(clientAddress(socket, header, [])).toBe(socket);
      }),
      { seed: 12, numRuns: 300 },
    );
    expect(clientAddress('::ffff:192.0.2.1', '1.1.1.1', [])).toBe('192.0.2.1');
    expect(clientAddress(null, '1.1.1.1', ranges('0.0.0.0/0'))).toBeNull();
  });

  it('is the right-most hop that is not a trusted proxy', () => {
    const lb = ranges('10.0.0.0/8, 2001:db8::/32');
    expect(clientAddress('10.0.0.2', '198.51.100.1, 192.0.2.7', lb)).toBe('192.0.2.7');
    expect(clientAddress('::ffff:10.0.0.2', '192.0.2.7, 10.9.9.9', lb)).toBe('192.0.2.7'); // two proxies
    expect(clientAddress('2001:db8::5', '[2001:db8::9], 2400:4050::1', lb)).toBe('2400:4050::1');
    expect(clientAddress('10.0.0.2', '', lb)).toBe('10.0.0.2'); // a proxy calling on its own
    expect(clientAddress('10.0.0.2', '10.1.1.1, 10.2.2.2', lb)).toBe('10.1.1.1'); // every hop trusted: the furthest
    expect(clientAddress('10.0.0.2', 'not-an-ip', lb)).toBe('10.0.0.2'); // garbage stops the walk at the proxy
    expect(clientAddress('192.0.2.9', '10.0.0.2, 203.0.113.1', lb)).toBe('192.0.2.9'); // not from a proxy
  });

  it('TRUSTED_PROXIES is validated at start and names the bad entry', () => {
    expect(parseEnv({ TRUSTED_PROXIES: ' 10.0.0.0/8,127.0.0.1 ::1' }).TRUSTED_PROXIES.map((r) => r.text)).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(parseEnv({}).TRUSTED_PROXIES).toEqual([]);
    expect(() => parseEnv({ TRUSTED_PROXIES: '10.0.0.0/8, lb.internal' })).toThrow(/TRUSTED_PROXIES: .*lb\.internal/);
  });
});
