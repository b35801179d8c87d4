import type { Env } from '../../config/env';
import type { Actor, Ctx } from '../../domain/context';
import type { SenderAhead } from '../../domain/checks/answer-read-ahead';
import type { LineLink } from '../../domain/channels/person-on-channel';
import type { LineMessage } from './render';
import type { TypedRedHint } from '../../flows';

/** One inbound LINE event being handled, inside the inbound job's transaction. */
export interface LineTurn {
  tx: Ctx['tx'];
  now: Date;
  env: Env;
  userId: string;
  /** Read ahead by the batch (the sender's first event only): the user's link (null: not linked) … */
  link?: LineLink | null;
  /** … and, outside a household, the person's open sessions locked with their context. */
  ahead?: SenderAhead | null;
}

/** What to send back for an event (one request: at most 5 messages). */
export interface LineReply {
  kind: 'reply' | 'link' | 'help' | 'check' | 'closed' | 'note' | 'greeting';
  personId: string | null;
  sessionId: string | null;
  messages: LineMessage[];
  /**
   * What a typed answer to the question this reply asks looks like when red (flows'
   * typedRedHint), kept per sender for the intake's urgent lane: null forgets the sender's
   * hint (nothing red can be typed now), absent leaves it (the same question shown again).
   */
  redHint?: TypedRedHint | null;
}

/** A reply; `redHint` given only when the reply settles it (absent: the sender's hint is left as it is). */
export const lineReply = (kind: LineReply['kind'], personId: string | null, sessionId: string | null, messages: LineMessage[], redHint?: TypedRedHint | null): LineReply => ({
  kind,
  personId,
  sessionId,
  messages,
  ...(redHint === undefined ? {} : { redHint }),
});

export const patientActor = (personId: string): Actor => ({ kind: 'patient', personId, channel: 'line' });
export const lineWebhookActor: Actor = { kind: 'webhook', provider: 'line' };

export function ctxOf(turn: LineTurn, actor: Actor): Ctx {
  return { actor, tx: turn.tx, now: turn.now, ...(turn.ahead ? { ahead: turn.ahead } : {}) };
}
