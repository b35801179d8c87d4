import { randomBytes } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

/**
 * A stand-in for Twilio's REST API (msw): records every message and call the code sends
 * and answers like Twilio. `failNext` makes the next request of a kind fail the way Twilio
 * does (e.g. 400 with code 21610 for a recipient who sent STOP, or 503).
 * @example
 * const twilioApi = createTwilioApiMock(); twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
 * twilioApi.failNext('messages', { status: 400, code: 21610 });
 */
export interface SentMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
}
export interface PlacedCall {
  sid: string;
  to: string;
  from: string;
  /** Where Twilio fetches the TwiML; empty when the TwiML came with the request. */
  url: string;
  twiml?: string;
  statusCallback?: string;
  statusCallbackEvent: string[];
  machineDetection?: string;
}

export function createTwilioApiMock(base = 'https://twilio-api.test') {
  const messages: SentMessage[] = [];
  const calls: PlacedCall[] = [];
  const failures: Record<'messages' | 'calls', { status: number; code?: number }[]> = { messages: [], calls: [] };
  const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;
  const fail = (kind: 'messages' | 'calls') => {
    const f = failures[kind].shift();
    return f ? HttpResponse.json({ code: f.code ?? f.status, message: `Twilio error ${f.code ?? f.status} for +81 90 1234 5678`, status: f.status }, { status: f.status }) : null;
  };
  const handlers = [
    http.post(`${base}/2010-04-01/Accounts/:account/Messages.json`, async ({ request, params }) => {
      const failed = fail('messages');
      if (failed) return failed;
      const form = new URLSearchParams(await request.text());
      const m: SentMessage = { sid: sid('SM'), to: form.get('To')!, from: form.get('From')!, body: form.get('Body') ?? '', statusCallback: form.get('StatusCallback') ?? undefined };
      messages.push(m);
      return HttpResponse.json({ sid: m.sid, account_sid: params.account, to: m.to, from: m.from, body: m.body, status: 'queued', num_segments: '1' }, { status: 201 });
    }),
    http.post(`${base}/2010-04-01/Accounts/:account/Calls.json`, async ({ request, params }) => {
      const failed = fail('calls');
      if (failed) return failed;
      const form = new URLSearchParams(await request.text());
      const c: PlacedCall = {
        sid: sid('CA'),
        to: form.get('To')!,
        from: form.get('From')!,
        url: form.get('Url') ?? '',
        twiml: form.get('Twiml') ?? undefined,
        statusCallback: form.get('StatusCallback') ?? undefined,
        statusCallbackEvent: form.getAll('StatusCallbackEvent'),
        machineDetection: form.get('MachineDetection') ?? undefined,
      };
      calls.push(c);
      return HttpResponse.json({ sid: c.sid, account_sid: params.account, to: c.to, from: c.from, status: 'queued' }, { status: 201 });
    }),
  ];
  return {
    server: setupServer(...handlers),
    messages,
    calls,
    failNext(kind: 'messages' | 'calls', failure: { status: number; code?: number }) {
      failures[kind].push(failure);
    },
    reset() {
      messages.length = 0;
      calls.length = 0;
      failures.messages.length = 0;
      failures.calls.length = 0;
    },
  };
}
