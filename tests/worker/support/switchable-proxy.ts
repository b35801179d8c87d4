import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP hop in front of the test PostgreSQL that can be cut. While `down`, new connections
 * are accepted and never answered — a database (or the path to it) that has gone away —
 * so the Worker gives up after its connect timeout. They are not reset: Miniflare's own
 * Hyperdrive proxy has no error handler on its sockets and would crash the test process.
 * The Worker's Hyperdrive binding points here, so a test can take the database away and
 * bring it back without touching the shared PostgreSQL.
 */
export async function startSwitchableProxy(target: { host: string; port: number }) {
  const open = new Set<Socket>();
  let down = false;
  const track = (s: Socket) => {
    open.add(s);
    s.on('error', () => s.destroy()).on('close', () => open.delete(s));
  };
  const server = createServer((client) => {
    track(client);
    if (down) return void client.resume(); // swallow the startup packet, say nothing
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** `url` with its host and port replaced by the proxy's. */
    via(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    setDown(value: boolean) {
      down = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
