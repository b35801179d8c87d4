import { and, eq, isNotNull } from 'drizzle-orm';
import { jurisdictions } from '../../../db/schema';
import { findOpenSession } from '../../domain/checks/find-open-session';
import { startCheck } from '../../domain/checks/start-check';
import { withTransaction } from '../../domain/context';
import type { Deps } from '../../deps';
import { ownersOfNumber } from '../twilio/person-channels';
import { handleSessionStep } from './handle-call';
import { voiceText } from './speak';
import { renderTurn } from './twiml';

/**
 * A patient calls the number (健康コール). A registered caller is taken through today's
 * open check, or a new one started for them (source 'patient'); the call then continues
 * exactly like an outbound one. An unknown number hears the health centre's contact and
 * nothing is stored about it.
 */
export async function handleCallIn(deps: Deps, params: Record<string, string>): Promise<string> {
  const from = params.From ?? '';
  const now = deps.now();
  const owner = (await ownersOfNumber(deps.db, 'voice', from, now))[0];
  if (!owner) return unknownCaller(deps);
  const { sessionId, opening } = await withTransaction(deps.db, { actor: { kind: 'patient', personId: owner.personId, channel: 'voice' }, now }, async (ctx) => {
    const open = await findOpenSession(ctx.tx, owner.personId, now);
    if (open) return { sessionId: open.id, opening: undefined };
    // startCheck runs the engine's start(): its greeting and first question open the call.
    const started = await startCheck({ ctx, input: { personId: owner.personId, channel: 'voice', source: 'patient' } });
    return { sessionId: started.sessionId, opening: started.messages };
  });
  return handleSessionStep(deps, params, sessionId, 0, opening);
}

/**
 * 「このお電話番号は登録されていません」 and where to ask: the health centre's number when
 * the deployment serves one centre, otherwise "your local health centre".
 */
async function unknownCaller(deps: Deps): Promise<string> {
  const centres = await deps.db
    .select({ name: jurisdictions.nameJa, phone: jurisdictions.phone })
    .from(jurisdictions)
    .where(and(eq(jurisdictions.kind, 'health_centre'), isNotNull(jurisdictions.phone)))
    .limit(2);
  const only = centres.length === 1 ? centres[0]! : null;
  const contact = only ? voiceText('unknownContact', 'ja', { name: only.name, phone: only.phone! }) : voiceText('unknownGeneric', 'ja');
  return renderTurn({ lang: 'ja', say: [voiceText('unknownCaller', 'ja'), contact, voiceText('unknownCaller', 'en'), voiceText('unknownGeneric', 'en')] });
}
