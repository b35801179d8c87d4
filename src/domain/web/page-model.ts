import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { outboundMessages } from '../../../db/schema';
import { openingMessages, prompt, remainingPrompts, splitMessages, stateOrStart, type FlowContext, type FlowVersion, type Lang, type OutMessage, type PageMessages, type SessionState } from '../../flows';
import { buildFlowContext } from '../checks/flow-context';
import { loadFlowVersion } from '../flows/flow-versions';
import type { LinkedSession } from './resolve-link';

export interface CheckPage extends PageMessages {
  /** The engine's step counter at render time: the form's nonce, so a resubmitted form records nothing. */
  nonce: number;
  answered: number;
  /** Urgent advice was given in this session: keep the call buttons on every page. */
  advised: boolean;
  /** The last answer was not understood and the question is asked again. */
  reasked: boolean;
  /** A short, straight rest of the flow: every remaining question on one page (null: one at a time). */
  all: OutMessage[] | null;
}

interface StoredReply {
  step: number;
  lang: Lang;
  messages: OutMessage[];
}

const replyKey = (sessionId: string, step: number) => `web:reply:${sessionId}:${step}`;

/**
 * What the page shows for a session, in `lang`. The engine's messages of the last answer
 * (re-ask hints, urgent advice, closing words) are kept in outbound_messages, so a reload
 * or the redirect after a POST shows them again; in another language than the one they
 * were made in, the waiting question is re-rendered from the state instead.
 */
export async function buildCheckPage(db: DbOrTx, session: LinkedSession, lang: Lang, now: Date): Promise<CheckPage> {
  const version = await loadFlowVersion(db, session.flowVersionId);
  const flowCtx = { ...(await buildFlowContext(db, session.personId, 'web', now, session.localDate)), lang };
  const state = stateOrStart(version, session.state as SessionState | null, flowCtx);
  const base = { nonce: state.step, answered: Object.keys(state.answers).length, advised: state.advised === true };
  const page = await pageMessages(db, session.id, version, state, flowCtx, lang);
  const all = page.prompt?.kind === 'question' && !page.reasked ? remainingPrompts(version, state, flowCtx) : null;
  return { ...base, ...page, all };
}

async function pageMessages(db: DbOrTx, sessionId: string, version: FlowVersion, state: SessionState, flowCtx: FlowContext, lang: Lang): Promise<PageMessages & { reasked: boolean }> {
  if (state.step === 0) return { ...splitMessages(openingMessages(version, flowCtx)), reasked: false };
  const stored = await loadReply(db, sessionId, state.step);
  if (stored && stored.lang === lang) {
    const page = splitMessages(stored.messages);
    return { ...page, prompt: page.prompt ?? prompt(version, state, flowCtx), reasked: page.prompt?.kind === 'reask' };
  }
  return { notes: [], prompt: prompt(version, state, flowCtx), reasked: state.attempts > 0 && !state.pendingConfirmation };
}

async function loadReply(db: DbOrTx, sessionId: string, step: number): Promise<StoredReply | null> {
  const [row] = await db.select({ body: outboundMessages.body }).from(outboundMessages).where(eq(outboundMessages.retryKey, replyKey(sessionId, step)));
  return (row?.body as StoredReply | undefined) ?? null;
}

/**
 * Keep the messages one answer produced (the page is how they are "sent" on the web
 * channel). Unique per session and step, so a replay stores nothing twice.
 */
export async function saveReply(tx: DbOrTx, session: { id: string; personId: string }, reply: StoredReply, now: Date): Promise<void> {
  await tx
    .insert(outboundMessages)
    .values({
      personId: session.personId,
      sessionId: session.id,
      channel: 'web',
      kind: 'reply',
      retryKey: replyKey(session.id, reply.step),
      status: 'delivered',
      attempts: 1,
      body: reply,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
}
