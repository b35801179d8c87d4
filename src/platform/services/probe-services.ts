import { Redis } from 'ioredis';
import postgres from 'postgres';

/** What a probe found: answering (with its major version), not listening, or answering wrongly. */
export type Probe = { state: 'up'; major: number } | { state: 'down' } | { state: 'error'; message: string };

const REFUSED = /ECONNREFUSED|ENOENT|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|CONNECT_TIMEOUT|the database system is (starting up|shutting down)/;

/** PostgreSQL at `url` (any database the user may connect to): its server version, or why not. */
export async function probePostgres(url: string): Promise<Probe> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, idle_timeout: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ v: string }[]>`select current_setting('server_version_num') as v`;
    return { state: 'up', major: Math.floor(Number(row!.v) / 10_000) };
  } catch (err) {
    const text = `${(err as { code?: string }).code ?? ''} ${(err as Error).message}`;
    return REFUSED.test(text) ? { state: 'down' } : { state: 'error', message: (err as Error).message };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** Redis at `url`: its major version from INFO server, or why not. */
export async function probeRedis(url: string): Promise<Probe> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: 3000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\d+)/.exec(info)?.[1];
    return { state: 'up', major: Number(version ?? 0) };
  } catch (err) {
    const text = `${(err as { code?: string }).code ?? ''} ${(err as Error).message}`;
    return REFUSED.test(text) || redis.status !== 'ready' ? { state: 'down' } : { state: 'error', message: (err as Error).message };
  } finally {
    redis.disconnect();
  }
}

/** Host and port of a postgres:// or redis:// URL (defaults 5432 / 6379). */
export function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) };
}

export function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}
