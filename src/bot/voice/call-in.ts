import { isJapanese } from '../../flows';
import { MONITORED_STATUSES } from '../../domain/persons/monitored';
import { householdOpenSession } from '../../domain/households/household-session';
import { contactOpenSession, contactsOnAddress } from '../../domain/households/household-contact-session';
import { startCheck } from '../../domain/checks/start-check';
import { withTransaction } from '../../domain/context';
import type { Deps } from '../../deps';
import { generalContact } from '../../domain/channels/general-contact';
import { ownersOfNumber, type NumberOwner } from '../../domain/channels/channel-state';
import { handleSessionStep } from './handle-call';
import { voiceText } from './speak';
import { renderTurn } from './twiml';

const monitored = (o: NumberOwner) => (MONITORED_STATUSES as readonly string[]).includes(o.status);

/**
 * A patient calls the number (健康コール). A registered caller under monitoring is taken
 * through today's open check, or a new one started for them (source 'patient'); the call
 * then continues exactly like an outbound one. A caller whose monitoring has ended (or who
 * is in hospital) is told so, with their health centre's number, and no check is started.
 * An unknown number hears whom to call (generalContact) and nothing is stored about it.
 */
export async function handleCallIn(deps: Deps, params: Record<string, string>): Promise<string> {
  const from = params.From ?? '';
  const now = deps.now();
  const owners = await ownersOfNumber(deps.db, 'voice', from, now);
  // A number shared by a household: whoever is still being monitored answers today's check.
  const owner = owners.find(monitored) ?? owners[0];
  if (!owner) return (await contactCallingIn(deps, params, from, now)) ?? unknownCaller(deps);
  if (!monitored(owner)) return notMonitored(owner);
  const { sessionId, opening } = await withTransaction(deps.db, { actor: { kind: 'patient', personId: owner.personId, channel: 'voice' }, now }, async (ctx) => {
    // A household's reporter: their own open check, else the first member's still open.
    const open = await householdOpenSession(ctx.tx, owner.personId, now);
    if (open) return { sessionId: open.id, opening: undefined };
    // startCheck runs the engine's start(): its greeting and first question open the call.
    const started = await startCheck({ ctx, input: { personId: owner.personId, channel: 'voice', source: 'patient' } });
    return { sessionId: started.sessionId, opening: started.messages };
  });
  return handleSessionStep(deps, params, sessionId, 0, opening);
}

/**
 * A household's contact (not a person, reached by call) calling in: the call goes to the
 * first member whose check is still open, as an outbound call would. Null when the number
 * is no voice contact's, or none of her members has an open check (she hears whom to call).
 */
async function contactCallingIn(deps: Deps, params: Record<string, string>, from: string, now: Date): Promise<string | null> {
  for (const contact of await contactsOnAddress(deps.db, ['voice'], from)) {
    // Opted out (sent nothing) or without a voice in her language (sent the web link): not taken through a call.
    if (contact.optedOut || contact.channel !== 'voice') continue;
    const open = await contactOpenSession(deps.db, contact.householdId, now);
    if (open) return handleSessionStep(deps, params, open.id, 0);
  }
  return null;
}

/** 「このお電話番号は登録されていません」 and whom to call, in Japanese then English. */
async function unknownCaller(deps: Deps): Promise<string> {
  const c = await generalContact(deps.db, deps.env);
  const ja = c ? voiceText('unknownContact', 'ja', { name: c.nameJa, phone: c.phone }) : voiceText('unknownGeneric', 'ja');
  const en = c ? voiceText('unknownContact', 'en', { name: c.nameEn, phone: c.phone }) : voiceText('unknownGeneric', 'en');
  return renderTurn({ lang: 'ja', say: [voiceText('unknownCaller', 'ja'), ja, voiceText('unknownCaller', 'en'), en] });
}

/** Monitoring over (or in hospital): nothing to answer; their own centre's number. */
function notMonitored(owner: NumberOwner): string {
  const lang = owner.lang;
  const why = voiceText(owner.status === 'monitoring_ended' ? 'monitoringEnded' : 'notMonitored', lang);
  const contact = owner.centre.phone ? voiceText('unknownContact', lang, { name: isJapanese(lang) ? owner.centre.nameJa : owner.centre.nameEn, phone: owner.centre.phone }) : voiceText('unknownGeneric', lang);
  return renderTurn({ lang, say: [why, contact, voiceText('goodbye', lang)] });
}
