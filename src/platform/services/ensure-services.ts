import { canInstallWithApt, findProgram, type Host, waitUntil } from './host-tools';
import { hostPort, isLocalHost, probePostgres, probeRedis, type Probe } from './probe-services';
import { startPostgres, trustLoopback } from './start-postgres';
import { startRedis } from './start-redis';

/**
 * `npm test` (tests/support/check-services.ts) and `npm run services` (src/services.ts):
 * make sure PostgreSQL 15+ and Redis 7 answer. Running → nothing to do; installed but stopped
 * → start; missing on Debian/Ubuntu as root → apt-get install, then start; otherwise one
 * message naming what to install and how. Never a wall of connection errors.
 */
export interface ServiceWanted {
  postgresUrl: string;
  redisUrl: string;
}

export interface EnsureResult {
  ok: boolean;
  /** What was done, one line each (started …, installed …). */
  done: string[];
  /** What is wrong, one paragraph for a person; empty when ok. */
  problem: string;
}

interface Service {
  label: string;
  minMajor: number;
  url: string;
  port: number;
  local: boolean;
  probe: () => Promise<Probe>;
  installed: () => boolean;
  aptPackage: string;
  brew: string;
  start: () => Promise<string>;
}

const START_TIMEOUT_MS = 30_000;

function servicesFor(host: Host, wanted: ServiceWanted): Service[] {
  const pg = hostPort(wanted.postgresUrl, 5432);
  const redis = hostPort(wanted.redisUrl, 6379);
  return [
    {
      label: 'PostgreSQL',
      minMajor: 15,
      url: `${pg.host}:${pg.port}`,
      port: pg.port,
      local: isLocalHost(pg.host),
      probe: () => probePostgres(wanted.postgresUrl),
      installed: () => ['pg_ctlcluster', 'pg_ctl', 'postgres'].some((p) => findProgram(p, host.path)),
      aptPackage: 'postgresql',
      brew: 'postgresql@15',
      start: () => startPostgres(host, pg.port),
    },
    {
      label: 'Redis',
      minMajor: 7,
      url: `${redis.host}:${redis.port}`,
      port: redis.port,
      local: isLocalHost(redis.host),
      probe: () => probeRedis(wanted.redisUrl),
      installed: () => findProgram('redis-server', host.path) !== null,
      aptPackage: 'redis-server',
      brew: 'redis',
      start: () => startRedis(host, redis.port),
    },
  ];
}

/** How to install what is missing: the apt and Homebrew commands, nothing else. */
export function installAdvice(apt: string[], brew: string[]): string {
  return [
    `  Debian/Ubuntu: sudo apt-get install ${apt.join(' ')}   (or run this command as root: it installs them itself)`,
    `  macOS (Homebrew): brew install ${brew.join(' ')} && ${brew.map((b) => `brew services start ${b}`).join(' && ')}`,
  ].join('\n');
}

export async function ensureServices(host: Host, wanted: ServiceWanted): Promise<EnsureResult> {
  const services = servicesFor(host, wanted);
  const done: string[] = [];
  const problems: string[] = [];
  const down: Service[] = [];
  for (const s of services) {
    const found = await s.probe();
    if (found.state === 'up' && found.major >= s.minMajor) continue;
    if (found.state === 'up') problems.push(`${s.label} at ${s.url} is version ${found.major}; Mimamori needs ${s.minMajor} or newer.`);
    else if (found.state === 'error') problems.push(`${s.label} at ${s.url} answers but refuses us: ${found.message}`);
    else if (!s.local) problems.push(`${s.label} at ${s.url} does not answer, and it is not on this machine, so it cannot be started from here.`);
    else down.push(s);
  }
  const missing = down.filter((s) => !s.installed());
  if (missing.length && canInstallWithApt(host.path)) {
    const packages = missing.map((s) => s.aptPackage);
    try {
      await host.run('apt-get', ['update', '-qq']);
      await host.run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
      done.push(`installed ${packages.join(', ')} (apt-get)`);
    } catch (err) {
      problems.push(`Installing ${packages.join(' ')} with apt-get failed: ${(err as Error).message}`);
    }
  }
  const stillMissing = down.filter((s) => !s.installed());
  if (stillMissing.length) {
    problems.push(`${stillMissing.map((s) => `${s.label} (${s.url})`).join(' and ')} ${stillMissing.length > 1 ? 'are' : 'is'} not installed. Install:\n${installAdvice(stillMissing.map((s) => s.aptPackage), stillMissing.map((s) => s.brew))}`);
  }
  for (const s of down.filter((d) => d.installed())) {
    try {
      if (missing.includes(s) && s.label === 'PostgreSQL') await trustLoopback(host, s.port).catch(() => {});
      // A freshly installed package may have started the service already.
      if ((await s.probe()).state !== 'up') done.push(await s.start());
      const up = await waitUntil(async () => (await s.probe()).state === 'up', START_TIMEOUT_MS);
      if (!up) problems.push(`${s.label} was started but does not answer at ${s.url} after ${START_TIMEOUT_MS / 1000} s.`);
    } catch (err) {
      problems.push(`${s.label} at ${s.url} is installed but not running, and starting it failed: ${(err as Error).message}`);
    }
  }
  return { ok: problems.length === 0, done, problem: problems.join('\n') };
}
