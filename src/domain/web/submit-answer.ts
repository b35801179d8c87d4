import { eq } from 'drizzle-orm';
import { lockSession } from '../checks/session';
import { checkSessions } from '../../../db/schema';
import type { Deps } from '../../deps';
import type { DbOrTx } from '../../../db/client';
import type { Input, OutMessage, SessionState } from '../../flows';
import { answerCheck } from '../checks/answer-check';
import { withTransaction, type RequestInfo } from '../context';
import { saveReply } from './page-model';
import { contactReporterOf } from '../households/household-contact-session';
import type { LinkedSession } from './resolve-link';

/** The posted form: question id, nonce (engine step at render time), how to read v, the value(s). */
export interface WebAnswerForm {
  q: string;
  n: string;
  t: 'c' | 'm';
  v: string[];
  /** One-page mode: every answer, in the page's order (q, t, v of each question). */
  all?: { q: string; t: 'c' | 'm'; v: string[] }[];
}

const PROMPT_KINDS = new Set(['question', 'reask', 'confirm']);

export type SubmitResult = 'recorded' | 'stale' | 'closed';

/** A form field list into the engine's input: buttons and checklists are choices, typed values are messages. */
export function toInput(form: Pick<WebAnswerForm, 'q' | 't' | 'v'>): Input {
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
export async function submitWebAnswer(deps: Deps, session: LinkedSession, form: WebAnswerForm, request?: RequestInfo, answeredBy?: string): Promise<SubmitResult> {
  // `answeredBy`: a household's reporter answering a member's check through their own link (answerCheck checks they report for them).
  // A household's contact on the web (not a person) answers as the member, recorded with her household.
  const contact = await contactReporterOf(deps.db, session.personId);
  const byContactOf = contact?.channel === 'web' ? contact.householdId : undefined;
  const base = { actor: { kind: 'patient' as const, personId: byContactOf ? session.personId : (answeredBy ?? session.personId), channel: 'web' as const }, now: deps.now(), request };
  return withTransaction(deps.db, base, async (ctx) => {
    await lockSession(ctx, session.id);
    const state = await stateOf(ctx.tx, session.id);
    const step = state?.step ?? 0;
    if (form.n !== String(step)) return 'stale';
    // Before the first answer there is no stored state; answerCheck starts it and the nonce 0 is enough.
    if (state && state.nodeId !== form.q) return 'stale';
    // One answer, or (one-page mode) each in order until one is re-asked or read back.
    let messages: OutMessage[] = [];
    let current = state;
    for (const answer of form.all ?? [form]) {
      if (current && current.nodeId !== answer.q) break;
      const outcome = await answerCheck({ ctx, input: { sessionId: session.id, channel: 'web', input: toInput(answer), ...(byContactOf ? { byContactOf } : {}) } });
      if (outcome.closed) return 'closed';
      // Keep every note (urgent advice!) but only the last step's question.
      messages = [...messages.filter((m) => !PROMPT_KINDS.has(m.kind)), ...outcome.messages];
      current = await stateOf(ctx.tx, session.id);
      if (outcome.completed || !current || current.nodeId === answer.q) break;
    }
    // answerCheck speaks the person's preferred language; the page re-renders in another one.
    await saveReply(ctx.tx, session, { step: current?.step ?? step + 1, lang: session.preferredLanguage, messages }, ctx.now);
    return 'recorded';
  });
}

async function stateOf(tx: DbOrTx, sessionId: string): Promise<SessionState | null> {
  const [row] = await tx.select({ state: checkSessions.state }).from(checkSessions).where(eq(checkSessions.id, sessionId));
  return (row?.state as SessionState | null) ?? null;
}
