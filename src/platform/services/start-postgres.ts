import { readFile, writeFile } from 'node:fs/promises';
import { findProgram, type Host } from './host-tools';

/** A Debian cluster (pg_lsclusters): version, name, port, whether it runs, its configuration directory. */
interface Cluster {
  version: string;
  name: string;
  port: number;
  online: boolean;
}

async function listClusters(host: Host): Promise<Cluster[]> {
  const out = await host.run('pg_lsclusters', ['--no-header']);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map(([version, name, port, status]) => ({ version: version!, name: name!, port: Number(port), online: status!.startsWith('online') }));
}

/**
 * Start the PostgreSQL that should listen on `port`: on Debian/Ubuntu the cluster with that
 * port, as .ci/run always did (`pg_ctlcluster --skip-systemctl-redirect VERSION NAME start`,
 * which works without systemd, e.g. in containers); with Homebrew, its service. Returns what
 * it did, or throws saying why it could not.
 */
export async function startPostgres(host: Host, port: number): Promise<string> {
  if (findProgram('pg_lsclusters', host.path)) {
    const cluster = (await listClusters(host)).find((c) => c.port === port);
    if (!cluster) throw new Error(`no PostgreSQL cluster is configured for port ${port} (pg_lsclusters lists the clusters; pg_createcluster makes one)`);
    await host.run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, cluster.name, 'start']);
    return `started PostgreSQL ${cluster.version}/${cluster.name} on port ${port}`;
  }
  if (findProgram('brew', host.path)) {
    await host.run('brew', ['services', 'start', 'postgresql@15']);
    return 'started PostgreSQL with brew services';
  }
  throw new Error('PostgreSQL is installed but this machine has neither pg_ctlcluster (Debian/Ubuntu) nor Homebrew to start it: start it as you usually do');
}

/**
 * On a cluster this process has just installed, let local connections in as `postgres`
 * without a password (loopback only), as the test suite and a single-machine trial expect.
 * A cluster that already existed is never changed.
 */
export async function trustLoopback(host: Host, port: number): Promise<void> {
  const cluster = (await listClusters(host)).find((c) => c.port === port);
  if (!cluster) return;
  const file = `/etc/postgresql/${cluster.version}/${cluster.name}/pg_hba.conf`;
  const text = await readFile(file, 'utf8');
  const lines = '# Added by Mimamori (npm test / npm run services) on a freshly installed cluster: loopback only.\nhost all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust\n';
  if (!text.includes('Added by Mimamori')) await writeFile(file, lines + text);
  await host.run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, cluster.name, 'reload']).catch(() => {});
}
