import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeHttpServer } from '../../src/platform/http/drain';
import { createLogger } from '../../src/platform/logger';
import { LogCapture } from '../support/deps';

let server: Server | null = null;
afterEach(() => server?.closeAllConnections());

/** A server whose /hang requests never answer and whose other requests answer at once. */
async function start(): Promise<string> {
  server = createServer((req, res) => {
    if (req.url !== '/hang') res.end('ok');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const get = (url: string, keepAlive: boolean) =>
  new Promise<void>((resolve, reject) => {
    const req = request(url, { agent: false, headers: keepAlive ? { connection: 'keep-alive' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });

describe('closeHttpServer', () => {
  it('does not wait out keep-alive timeouts of idle connections', async () => {
    const url = await start();
    await get(url, true); // leaves an idle keep-alive connection (Node keeps it 5 s)
    const logs = new LogCapture();
    const t0 = performance.now();
    expect(await closeHttpServer(server!, { graceMs: 4000, logger: createLogger({ level: 'info', destination: logs }) })).toBe('drained');
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(logs.lines).toEqual([]);
  });

  it('cuts a request that is still running at the deadline, and says so', async () => {
    const url = await start();
    const hung = get(`${url}/hang`, false).then(
      () => 'answered',
      (err: NodeJS.ErrnoException) => err.code,
    );
    await new Promise((r) => server!.once('request', r));
    const logs = new LogCapture();
    expect(await closeHttpServer(server!, { graceMs: 200, logger: createLogger({ level: 'info', destination: logs }) })).toBe('cut');
    expect(await hung).toBe('ECONNRESET');
    expect(logs.text).toContain('cutting their connections');
  });
});
