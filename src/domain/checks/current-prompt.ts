import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { checkSessions } from '../../../db/schema';
import { openingMessages, prompt, type Channel, type Lang, type OutMessage, type SessionState } from '../../flows';
import { loadFlowVersion } from '../flows/flow-versions';
import { buildFlowContext } from './flow-context';

/**
 * What a session is asking now on `channel`, in the person's language (or `lang`): the
 * flow's opening when nobody has answered yet (a session prompted by multicast or by link
 * has no state: computed, not stored), else the waiting question or read-back (the
 * engine's prompt()). Empty when the session is over or unknown. Nothing is stored.
 * @example const [question] = await currentPrompt(tx, sessionId, 'sms', now)
 */
export async function currentPrompt(db: DbOrTx, sessionId: string, channel: Channel, now: Date, lang?: Lang): Promise<OutMessage[]> {
  const [session] = await db.select().from(checkSessions).where(eq(checkSessions.id, sessionId));
  if (!session) return [];
  const version = await loadFlowVersion(db, session.flowVersionId);
  const base = await buildFlowContext(db, session.personId, channel, now, session.localDate);
  const flowCtx = lang ? { ...base, lang } : base;
  const state = session.state as SessionState | null;
  if (!state) return openingMessages(version, flowCtx);
  const asked = prompt(version, state, flowCtx);
  return asked ? [asked] : [];
}
