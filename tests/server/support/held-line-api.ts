import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A LINE Messaging API stand-in that holds every reply until the test releases it, so a
 * job is known to be running (waiting on LINE) for as long as the test wants.
 */
export interface HeldLineApi {
  url: string;
  /** Resolves when the first reply request arrived (the job is now running). */
  replyArrived: Promise<void>;
  /** Answer every held request (200), and the later ones at once. */
  release(): void;
  close(): Promise<void>;
}

export async function startHeldLineApi(): Promise<HeldLineApi> {
  const held: ServerResponse[] = [];
  let released = false;
  let arrived!: () => void;
  const replyArrived = new Promise<void>((resolve) => (arrived = resolve));
  const answer = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-line-request-id': randomUUID() });
    res.end(JSON.stringify({ sentMessages: [{ id: randomUUID(), quoteToken: randomUUID() }] }));
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/v2/bot/message/reply')) arrived();
      if (released) answer(res);
      else held.push(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    replyArrived,
    release() {
      released = true;
      held.splice(0).forEach(answer);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
