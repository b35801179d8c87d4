import { createServer, Socket, type Server } from 'node:net';

/**
 * A TCP proxy in front of the machine's PostgreSQL, so a test can make "the database"
 * unavailable for one app without stopping the shared server. `down()` cuts every open
 * connection and stops listening, so new connections are refused (ECONNREFUSED, as when
 * PostgreSQL is stopped or restarting); `up()` listens on the same port again.
 * (A proxy that accepts and then drops connections makes postgres.js wait for its
 * connect timeout instead: a hang, not an error.)
 * @example const proxy = await startPgProxy(); const url = proxy.urlFor(testDb.url); await proxy.down();
 */
export interface PgProxy {
  port: number;
  /** The same database URL, through the proxy. */
  urlFor(databaseUrl: string): string;
  down(): Promise<void>;
  up(): Promise<void>;
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
  const listen = (p: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(p, '127.0.0.1', () => resolve()));
  await listen(0);
  const port = (server.address() as { port: number }).port;
  return {
    port,
    urlFor(databaseUrl) {
      const u = new URL(databaseUrl);
      u.host = `127.0.0.1:${port}`;
      return u.toString();
    },
    async down() {
      available = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of open) s.destroy();
      open.clear();
      await closed;
    },
    async up() {
      available = true;
      await listen(port);
    },
    close: () =>
      new Promise<void>((resolve) => {
        available = false;
        for (const s of open) s.destroy();
        if (server.listening) server.close(() => resolve());
        else resolve();
      }),
  };
}
