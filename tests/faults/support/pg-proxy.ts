import { createServer, Socket, type Server } from 'node:net';

/**
 * A TCP proxy in front of the machine's PostgreSQL, so a test can make "the database"
 * unavailable for one app without stopping the shared server. `down()` cuts every open
 * connection and refuses new ones (as a crashed or failed-over primary does); `up()`
 * forwards again.
 * @example const proxy = await startPgProxy(); const url = proxy.urlFor(testDb.url); proxy.down();
 */
export interface PgProxy {
  port: number;
  /** The same database URL, through the proxy. */
  urlFor(databaseUrl: string): string;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startPgProxy(target = { host: '127.0.0.1', port: 5432 }): Promise<PgProxy> {
  let available = true;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!available) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(target.port, target.host, () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    urlFor(databaseUrl) {
      const u = new URL(databaseUrl);
      u.host = `127.0.0.1:${port}`;
      return u.toString();
    },
    down() {
      available = false;
      for (const s of open) s.destroy();
      open.clear();
    },
    up() {
      available = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        available = false;
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
