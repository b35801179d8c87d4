import http from 'node:http';
import https from 'node:https';

/** LINE's answer to one request: status, a header by name, the body as text. */
export interface LineHttpAnswer {
  status: number;
  header(name: string): string | null;
  body: string;
}

/** A request given up after its time (the socket is destroyed): the caller treats it as a network failure. */
export class LineRequestTimeout extends Error {
  constructor(readonly ms: number) {
    super(`LINE API did not answer within ${ms / 1000} s`);
    this.name = 'LineRequestTimeout';
  }
}

/**
 * One JSON POST to the Messaging API over node:http(s) and Node's keep-alive global agents.
 * The sends of the answer path (reply, push, multicast) do not go through fetch: a CPU
 * profile of the worker at 380 answers/s (topology bench) spent a quarter of its busy time
 * in fetch's machinery (Request, Headers, web streams, abort signals) for one small JSON
 * POST an answer. Past `timeoutMs` the socket is destroyed, so a stalled LINE holds nothing.
 */
export function postLineJson(url: string, token: string, body: unknown, headers: Record<string, string>, timeoutMs: number): Promise<LineHttpAnswer> {
  const payload = JSON.stringify(body);
  const transport = url.startsWith('http:') ? http : https;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    const req = transport.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${token}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const header = (name: string) => {
            const value = res.headers[name.toLowerCase()];
            return (Array.isArray(value) ? value[0] : value) ?? null;
          };
          resolve({ status: res.statusCode ?? 0, header, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    timer = setTimeout(() => req.destroy(new LineRequestTimeout(timeoutMs)), timeoutMs);
    req.on('error', fail);
    req.end(payload);
  });
}
