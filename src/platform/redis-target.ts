/**
 * REDIS_URL, read in one place. Three shapes:
 *
 * - one Redis: `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS), as before;
 * - a Redis Cluster: `redis+cluster://[user:password@]host1:port1,host2:port2,…`
 *   (`rediss+cluster://` for TLS), or several single URLs separated by commas
 *   (`redis://host1:7000,redis://host2:7001`): the nodes are only the seeds, the client
 *   discovers the rest of the cluster from them;
 * - Sentinel: `redis+sentinel://[user:password@]sentinel1:26379,sentinel2:26379/<master name>[/db]`
 *   (`rediss+sentinel://` for TLS to the master); `?sentinelPassword=…` when the sentinels
 *   have a password of their own. The user and password are the master's.
 *
 * Pure (no Node-only module): env.ts validates REDIS_URL with it, also on Workers.
 */
export type RedisTarget =
  | { kind: 'single'; url: string; tls: boolean; hosts: RedisHost[] }
  | { kind: 'cluster'; nodes: RedisHost[]; tls: boolean; username?: string; password?: string; hosts: RedisHost[] }
  | { kind: 'sentinel'; sentinels: RedisHost[]; name: string; db: number; tls: boolean; username?: string; password?: string; sentinelPassword?: string; hosts: RedisHost[] };

export interface RedisHost {
  host: string;
  port: number;
}

export class RedisUrlError extends Error {}

const SCHEME = /^(rediss?)(?:\+(cluster|sentinel))?:\/\//;

/** Parse REDIS_URL; throws RedisUrlError with a message fit for the settings error. */
export function parseRedisUrl(raw: string): RedisTarget {
  const value = raw.trim();
  const scheme = SCHEME.exec(value);
  if (!scheme) throw new RedisUrlError('must start with redis://, rediss://, redis+cluster:// or redis+sentinel://');
  const tls = scheme[1] === 'rediss';
  const mode = scheme[2] as 'cluster' | 'sentinel' | undefined;

  if (!mode) {
    // Several plain URLs: the seeds of a cluster.
    const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
    if (parts.length > 1) {
      const parsed = parts.map((p) => {
        const m = SCHEME.exec(p);
        if (!m || m[2]) throw new RedisUrlError('a list of cluster nodes must be plain redis:// (or rediss://) URLs separated by commas');
        return splitAuthority(p.slice(m[0].length), m[1] === 'rediss');
      });
      const first = parsed[0]!;
      const nodes = parsed.map((p) => p.hosts[0]!);
      return { kind: 'cluster', nodes, tls: parts.every((p) => p.startsWith('rediss://')), username: first.username, password: first.password, hosts: nodes };
    }
    const one = splitAuthority(value.slice(scheme[0].length), tls);
    if (one.hosts.length > 1) throw new RedisUrlError('must name one host (several nodes: redis+cluster://host1:port1,host2:port2)');
    return { kind: 'single', url: value, tls, hosts: one.hosts };
  }

  const parsed = splitAuthority(value.slice(scheme[0].length), tls, mode === 'sentinel' ? 26379 : 6379);
  if (parsed.hosts.length === 0) throw new RedisUrlError(`must name at least one ${mode === 'cluster' ? 'cluster node' : 'sentinel'}`);
  if (mode === 'cluster') {
    if (parsed.path.replace(/\//g, '') !== '') throw new RedisUrlError('a cluster has no database number (remove the /path)');
    return { kind: 'cluster', nodes: parsed.hosts, tls, username: parsed.username, password: parsed.password, hosts: parsed.hosts };
  }
  const [name, dbText] = parsed.path.replace(/^\//, '').split('/');
  if (!name) throw new RedisUrlError('Sentinel needs the master name: redis+sentinel://host:26379,host2:26379/<master name>');
  const db = dbText ? Number(dbText) : 0;
  if (!Number.isInteger(db) || db < 0) throw new RedisUrlError('the database number after the master name must be a whole number');
  const sentinelPassword = parsed.query.get('sentinelPassword') ?? undefined;
  return { kind: 'sentinel', sentinels: parsed.hosts, name: decodeURIComponent(name), db, tls, username: parsed.username, password: parsed.password, sentinelPassword, hosts: parsed.hosts };
}

/** Every host is this machine (loopback): Redis is not reached over a network. */
export function redisIsLocal(target: RedisTarget): boolean {
  return target.hosts.every((h) => h.host === '' || h.host === 'localhost' || h.host === '::1' || h.host.startsWith('127.'));
}

/** The URL with its passwords hidden, for logs. */
export function redactRedisUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@,]*:)[^@/,]*@/g, '$1***@').replace(/([?&]sentinelPassword=)[^&]*/g, '$1***');
}

function splitAuthority(rest: string, _tls: boolean, defaultPort = 6379): { hosts: RedisHost[]; username?: string; password?: string; path: string; query: URLSearchParams } {
  const queryAt = rest.indexOf('?');
  const query = new URLSearchParams(queryAt >= 0 ? rest.slice(queryAt + 1) : '');
  const beforeQuery = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  const slash = beforeQuery.indexOf('/');
  const authority = slash >= 0 ? beforeQuery.slice(0, slash) : beforeQuery;
  const path = slash >= 0 ? beforeQuery.slice(slash) : '';
  const at = authority.lastIndexOf('@');
  let username: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    username = decodeURIComponent(colon >= 0 ? userinfo.slice(0, colon) : userinfo) || undefined;
    password = colon >= 0 ? decodeURIComponent(userinfo.slice(colon + 1)) || undefined : undefined;
  }
  const hostList = at >= 0 ? authority.slice(at + 1) : authority;
  const hosts = hostList
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)
    .map((h) => {
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(h);
      if (!m) throw new RedisUrlError(`"${h}" is not host or host:port`);
      const port = m[2] ? Number(m[2]) : defaultPort;
      if (port < 1 || port > 65535) throw new RedisUrlError(`port ${m[2]} is out of range`);
      return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
    });
  return { hosts, username, password, path, query };
}
