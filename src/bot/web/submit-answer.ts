import { eq, sql } from 'drizzle-orm';
import { checkSessions } from '../../../db/schema';
import type { Deps } from '../../deps';
import type { Input, SessionState } from '../../flows';
import { answerCheck } from '../../domain/checks/answer-check';
import { withTransaction, type RequestInfo } from '../../domain/context';
import { saveReply } from './page-model';
import type { LinkedSession } from './resolve-link';

/** The posted form: question id, nonce (engine step at render time), how to read v, the value(s). */
export interface WebAnswerForm {
  q: string;
  n: string;
  t: 'c' | 'm';
  v: string[];
}

export type SubmitResult = 'recorded' | 'stale' | 'closed';

/** A form field list into the engine's input: buttons and checklists are choices, typed values are messages. */
export function toInput(form: WebAnswerForm): Input {
  if (form.t === 'm') return { type: 'message', text: form.v[0] ?? '' };
  return { type: 'choice', questionId: form.q, value: form.v.length > 1 ? form.v : (form.v[0] ?? '') };
}

/**
 * Record one answer from the page, exactly once. Under the session's row lock the form's
 * nonce must equal the engine's current step and its question the waiting one; otherwise
 * it is a double tap, a back-button or a resubmitted form, and nothing is recorded (the
 * caller redirects to the current question). Answers go through answerCheck like every
 * other channel; the messages it returns are kept for the page to show.
 */
export async function submitWebAnswer(deps: Deps, session: LinkedSession, form: WebAnswerForm, request?: RequestInfo): Promise<SubmitResult> {
  const base = { actor: { kind: 'patient' as const, personId: session.personId, channel: 'web' as const }, now: deps.now(), request };
  return withTransaction(deps.db, base, async (ctx) => {
    await ctx.tx.execute(sql`select id from check_sessions where id = ${session.id} for update`);
    const [row] = await ctx.tx.select({ state: checkSessions.state }).from(checkSessions).where(eq(checkSessions.id, session.id));
    const state = (row?.state as SessionState | null) ?? null;
    const step = state?.step ?? 0;
    if (form.n !== String(step)) return 'stale';
    // Before the first answer there is no stored state; answerCheck starts it and the nonce 0 is enough.
    if (state && state.nodeId !== form.q) return 'stale';
    const outcome = await answerCheck({ ctx, input: { sessionId: session.id, channel: 'web', input: toInput(form) } });
    if (outcome.closed) return 'closed';
    // answerCheck speaks the person's preferred language; the page re-renders in another one.
    await saveReply(ctx.tx, session, { step: step + 1, lang: session.preferredLanguage, messages: outcome.messages }, ctx.now);
    return 'recorded';
  });
}
