import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A local stand-in for Twilio's REST API over real HTTP (so child processes can reach it
 * through TWILIO_API_BASE_URL): records every message and call, answers like Twilio, and
 * can fail the next requests the way Twilio does (429, 503, 400 with code 21610 …) or hold
 * its answers (to kill a worker while a request is in flight).
 */
export interface TwilioRecord {
  kind: 'messages' | 'calls';
  sid: string;
  to: string;
  body: string;
}

export interface TwilioStandIn {
  url: string;
  accepted: TwilioRecord[];
  /** Every request, accepted or failed (how many tries a send took). */
  requests: { kind: 'messages' | 'calls'; to: string; status: number }[];
  /** Fail the next request(s) of this kind — only those to `failure.to` when it is given. */
  failNext(kind: 'messages' | 'calls', failure: Failure, times?: number): void;
  setHold(ms: number): void;
  requestArrived(n?: number): Promise<void>;
  close(): Promise<void>;
}

type Failure = { status: number; code?: number; to?: string };

export async function startTwilioStandIn(): Promise<TwilioStandIn> {
  const accepted: TwilioRecord[] = [];
  const requests: TwilioStandIn['requests'] = [];
  const failures: Record<'messages' | 'calls', Failure[]> = { messages: [], calls: [] };
  let holdMs = 0;
  const waiters: { n: number; resolve: () => void }[] = [];

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    const send = () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (holdMs) setTimeout(send, holdMs);
    else send();
  };

  const handle = (req: IncomingMessage, raw: string, res: ServerResponse) => {
    const m = /^\/2010-04-01\/Accounts\/(AC\w+)\/(Messages|Calls)\.json$/.exec((req.url ?? '').split('?')[0]!);
    if (req.method !== 'POST' || !m) return reply(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const kind = m[2] === 'Messages' ? 'messages' : 'calls';
    const form = new URLSearchParams(raw);
    const to = form.get('To') ?? '';
    const at = failures[kind].findIndex((f) => f.to === undefined || f.to === to);
    const failure = at >= 0 ? failures[kind].splice(at, 1)[0] : undefined;
    requests.push({ kind, to, status: failure?.status ?? 201 });
    for (const w of waiters.filter((x) => requests.length >= x.n)) w.resolve();
    if (failure) return reply(res, failure.status, { code: failure.code ?? failure.status, message: `Twilio error ${failure.code ?? failure.status} for ${to}`, status: failure.status });
    const sid = `${kind === 'messages' ? 'SM' : 'CA'}${randomBytes(16).toString('hex')}`;
    accepted.push({ kind, sid, to, body: form.get('Body') ?? '' });
    return reply(res, 201, { sid, account_sid: m[1], to, from: form.get('From'), body: form.get('Body'), status: 'queued', num_segments: '1' });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    requests,
    failNext(kind, failure, times = 1) {
      for (let i = 0; i < times; i++) failures[kind].push(failure);
    },
    setHold(ms) {
      holdMs = ms;
    },
    requestArrived(n = 1) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
