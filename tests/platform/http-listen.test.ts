import { Agent, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env';
import { listenHttp } from '../../src/platform/http/listen';

let server: Server | null = null;
let agent: Agent | null = null;
afterEach(() => {
  agent?.destroy();
  server?.closeAllConnections();
  server?.close();
});

/** A kept-alive GET through `agent`; the socket it went over. */
const get = (url: string, via: Agent) =>
  new Promise<Socket>((resolve, reject) => {
    const req = request(url, { agent: via }, (res) => {
      res.resume();
      res.on('end', () => resolve(req.socket as Socket));
    });
    req.on('error', reject);
    req.end();
  });

async function start(keepAliveSeconds: number): Promise<string> {
  server = await listenHttp(() => new Response('ok'), { port: 0, backlog: 511, keepAliveSeconds });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closedWithin = (socket: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe('listenHttp: idle keep-alive connections', () => {
  it('are kept past a load balancer\'s idle timeout by default (65 s, not Node\'s 5 s)', () => {
    expect(parseEnv({}).HTTP_KEEP_ALIVE_SECONDS).toBe(65);
    expect(() => parseEnv({ HTTP_KEEP_ALIVE_SECONDS: '0' })).toThrow(/HTTP_KEEP_ALIVE_SECONDS/);
  });

  it('are kept for the seconds set, the next request reusing the connection', async () => {
    const url = await start(3);
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(url, agent);
    expect(await closedWithin(first, 1500)).toBe(false);
    expect(await get(url, agent)).toBe(first);
    expect(server!.headersTimeout).toBeGreaterThan(server!.keepAliveTimeout);
  });

  it('are closed by the server once idle for the seconds set', async () => {
    const url = await start(1);
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const socket = await get(url, agent);
    expect(await closedWithin(socket, 3000)).toBe(true);
  });
});
