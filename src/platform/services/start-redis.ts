import { findProgram, type Host } from './host-tools';

/**
 * Start a Redis on 127.0.0.1:`port` in the background, as .ci/run always did: nothing saved
 * to disk (queued work lives in PostgreSQL; Redis holds only what can be re-enqueued).
 */
export async function startRedis(host: Host, port: number): Promise<string> {
  if (findProgram('redis-server', host.path)) {
    await host.run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no']);
    return `started redis-server on 127.0.0.1:${port}`;
  }
  if (findProgram('brew', host.path)) {
    await host.run('brew', ['services', 'start', 'redis']);
    return 'started Redis with brew services';
  }
  throw new Error('redis-server is not on PATH');
}
