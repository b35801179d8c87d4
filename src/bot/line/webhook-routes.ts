import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { limitBody } from '../../platform/http/body-limits';
import { refuseOtherMediaType } from '../../platform/http/media-type';
import type { IntakeDeps, IntakeGate, IntakeJobs } from '../intake/types';
import { bodyHoldsTypedRed } from '../intake/urgent-lane';
import { createInboxWriter, type InboxWriter } from '../intake/inbox-writer';
import { lineInboxRows, parseWebhookBody } from './intake';
import { lineSignature } from './signature';
import { mayHoldUrgentAnswer } from '../../platform/line/postback';

type LineDeps = IntakeDeps;

/** LINE sends small batches of events; anything far larger is not LINE and is refused before hashing. */
export const LINE_BODY_LIMIT = 1024 * 1024;

/**
 * POST /webhooks/line — verify X-Line-Signature over the raw bytes (then 415 unless the
 * body is declared application/json), store each event in inbound_events, answer 200 at
 * the commit (the inbox writer, group commit, enqueues the jobs right after). Nothing here
 * talks to LINE or runs the conversation: that happens in the inbound job. Without LINE settings the route answers
 * 503 and the rest of the app runs (demo mode without providers). While the inbox backlog
 * is past its limit (deps.inboxGate) every request is answered 503 with Retry-After before
 * it is verified or parsed — unless it carries a red answer, tapped or typed (shedOverload).
 */
export function createLineWebhookRoutes(deps: LineDeps, inbox: InboxWriter = createInboxWriter(deps.db, deps.jobs)) {
  const app = new Hono<{ Variables: { lineRawBody: Uint8Array } }>();
  const secret = deps.env.LINE_CHANNEL_SECRET;
  if (!secret) {
    app.post('/', (c) =>
      c.json({ code: 'line_not_configured', message: 'LINE is not configured on this server: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN' }, 503),
    );
    return app;
  }
  const limit = limitBody(LINE_BODY_LIMIT, (c) => c.json({ code: 'payload_too_large', message: `the body is larger than ${LINE_BODY_LIMIT} bytes` }, 413));
  app.post('/', shedOverload(deps.inboxGate, deps.jobs), limit, lineSignature(secret), async (c) => {
    const wrongType = refuseOtherMediaType(c, 'application/json'); // LINE always sends JSON
    if (wrongType) return wrongType;
    const parsed = parseWebhookBody(c.get('lineRawBody'));
    if (!parsed.ok) return c.json({ code: 'bad_request', message: parsed.message }, 400);
    // A verification request from the LINE console has no events: nothing to store.
    if (parsed.body.events.length === 0) return c.json({ ok: true, stored: 0 });
    // Stored (with the events of other requests arriving meanwhile) before the 200; enqueued right after.
    const stored = (await inbox.store(await lineInboxRows(parsed.body, deps.now()))).filter((e) => !e.duplicate).length;
    deps.logger.debug({ events: parsed.body.events.length, stored }, 'line webhook stored');
    return c.json({ ok: true, stored });
  });
  return app;
}

const OVERLOADED_BODY = JSON.stringify({ code: 'overloaded', message: 'too many answers waiting; deliver again later' });

/**
 * Overloaded (the inbox backlog past INBOX_BACKLOG_LIMIT): answer 503 with Retry-After
 * before the body is hashed or parsed, so a refusal costs the intake almost nothing when it
 * refuses thousands a second. Deciding before the signature check is safe: the answer is the
 * same for everyone and says nothing a stranger could use, nothing is stored, and LINE
 * delivers its signed events again. The gate's figure is read on its timer, so this is a
 * comparison, no database work. One exception: a body (of a declared length within the
 * limit) holding a button marked red (`u=1`, the urgent lane) or a text its sender's hint
 * says is red (one Redis read, for texts only) goes on to be verified and stored — LINE's
 * redelivery may take minutes, a red answer must not wait for it. A forged mark earns the
 * signature check any request gets without the gate.
 */
function shedOverload(gate: IntakeGate | undefined, jobs: IntakeJobs): MiddlewareHandler {
  return async (c, next) => {
    if (!gate?.shedding()) return next();
    if (await carriesRedAnswer(c, jobs)) {
      gate.admitUrgent('line');
      return next();
    }
    const retryAfter = gate.shed('line');
    if (!retryAfter) return next();
    return c.body(OVERLOADED_BODY, 503, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
  };
}

/**
 * The raw body (read once: the signature check reuses it), when its declared length is within
 * the limit, searched for a red mark — or, holding a text, read for a typed answer its
 * sender's hint says is red (one Redis read, only while shedding and only for texts).
 */
async function carriesRedAnswer(c: Context, jobs: IntakeJobs): Promise<boolean> {
  const declared = Number(c.req.header('content-length'));
  if (!Number.isInteger(declared) || declared <= 0 || declared > LINE_BODY_LIMIT) return false;
  const body = new TextDecoder().decode(await c.req.arrayBuffer());
  return mayHoldUrgentAnswer(body) || bodyHoldsTypedRed(jobs, body);
}
