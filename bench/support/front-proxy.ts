import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface FrontProxy {
  url: string;
  pid: number;
  close(): Promise<void>;
}

/**
 * HAProxy in front of the intake processes, as the load balancer of a deployment: it takes the
 * webhook sender's connections (accepting many a turn, where a busy Node process accepts one)
 * and holds at most `maxConnPerIntake` to each intake, kept alive and shared between senders'
 * requests; requests past that wait in HAProxy's queue. One thread: this machine's two cores
 * are shared by everything. Debian's `haproxy` package (apt-get install haproxy).
 */
export async function startFrontProxy(intakePorts: number[], opts: { port: number; maxConnPerIntake: number }): Promise<FrontProxy> {
  if (spawnSync('haproxy', ['-v']).error) throw new Error('--front haproxy needs HAProxy: apt-get install -y haproxy');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mimamori-front-'));
  const config = path.join(dir, 'haproxy.cfg');
  writeFileSync(config, [
    'global',
    '  maxconn 8000', // two descriptors a connection, within the usual 20,000 open files
    '  nbthread 1',
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    '  timeout connect 5s',
    '  timeout client 65s',
    '  timeout server 35s',
    '  timeout queue 30s',
    '  timeout http-keep-alive 65s',
    'frontend webhooks',
    `  bind 127.0.0.1:${opts.port}`,
    '  maxconn 8000',
    '  default_backend intakes',
    'backend intakes',
    '  balance roundrobin',
    '  http-reuse always',
    ...intakePorts.map((p, i) => `  server intake${i} 127.0.0.1:${p} maxconn ${opts.maxConnPerIntake}`),
    '',
  ].join('\n'));
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const deadline = Date.now() + 10_000;
  while (!(await listening(opts.port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`HAProxy did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${opts.port}`,
    pid: child.pid!,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
