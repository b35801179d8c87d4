import { Hono } from 'hono';
import twilio from 'twilio';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { systemActor, withTransaction } from '../../domain/context';
import { acknowledgePage } from '../../domain/escalation/acknowledge-page';
import { pageCallUrl } from '../../domain/escalation/deliver-page';
import { pageCallScript } from '../../domain/escalation/page-call-script';
import { pageAcknowledgedLine, pageCallRepeatLine, pageNotAcknowledgedLine } from '../../domain/escalation/page-texts';
import { VOICES } from '../voice/twiml';
import { twilioSignature, type TwilioVariables } from './middleware';

const query = z.object({ p: z.uuid(), r: z.enum(['1']).optional() });

function say(target: { say(attrs: object, text: string): unknown }, lines: string[]) {
  for (const line of lines) target.say({ voice: VOICES.ja.voice, language: VOICES.ja.language }, line);
}

/**
 * POST /webhooks/twilio/page?p=<page> — the on-call page's call (staff, not patients): says
 * the centre and the number of alerts, gathers one key; 1 acknowledges the alerts it
 * announced as the paged person (acknowledgePage, number checked against the page). Any
 * other key or silence: said once more, then the call ends and the chain goes on.
 * An answering machine gets nothing (the status callback counts it as no answer).
 */
export function createTwilioPageRoutes(deps: Deps) {
  const app = new Hono<{ Variables: TwilioVariables }>();
  app.post('/', twilioSignature(deps.env), async (c) => {
    const q = query.safeParse({ p: c.req.query('p'), r: c.req.query('r') });
    const params = c.get('twilioParams');
    if (!q.success || !params.CallSid) return c.json({ code: 'invalid_request', message: 'p must be a page id' }, 400);
    const response = new twilio.twiml.VoiceResponse();
    const machine = !!params.AnsweredBy && (params.AnsweredBy.startsWith('machine') || params.AnsweredBy === 'fax');
    const base = { actor: systemActor('twilio'), now: deps.now() };
    if (!machine && params.Digits === '1') {
      const ack = await withTransaction(deps.db, { ...base, actor: { kind: 'webhook', provider: 'twilio' } }, (ctx) => acknowledgePage({ ctx, input: { via: 'call', phone: params.To ?? '', pageId: q.data.p } }));
      say(response, [pageAcknowledgedLine(ack?.acknowledged ?? 0)]);
    } else if (!machine) {
      const script = await withTransaction(deps.db, base, (ctx) => pageCallScript({ ctx, input: { pageId: q.data.p } }));
      if (script) {
        const again = q.data.r === '1';
        const gather = response.gather({ input: ['dtmf'], numDigits: 1, timeout: 10, action: again ? `${pageCallUrl(deps.env, q.data.p)}&r=1` : pageCallUrl(deps.env, q.data.p), method: 'POST', actionOnEmptyResult: false } as never);
        say(gather as never, again ? [pageCallRepeatLine(), ...script.lines] : script.lines);
        if (again) say(response, [pageNotAcknowledgedLine()]);
        else response.redirect({ method: 'POST' }, `${pageCallUrl(deps.env, q.data.p)}&r=1`);
      }
    }
    response.hangup();
    return c.body(response.toString(), 200, { 'content-type': 'text/xml; charset=utf-8' });
  });
  return app;
}
