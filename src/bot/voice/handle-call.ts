import { membersOpenLine, nextMemberIntro, type Lang, type OutMessage, type SessionState } from '../../flows';
import { raiseAlert } from '../../domain/alerts/raise-alert';
import { answerCheck } from '../../domain/checks/answer-check';
import { beginSession } from '../../domain/checks/begin-session';
import { currentPrompt } from '../../domain/checks/current-prompt';
import { isSessionOpen, lockSession, sessionState } from '../../domain/checks/session';
import { preferredLanguage } from '../../domain/persons/preferred-language';
import { withTransaction, type Ctx } from '../../domain/context';
import { loadFlowVersion } from '../../domain/flows/flow-versions';
import type { Deps } from '../../deps';
import { senderKeyOf, webhookUrl } from '../twilio/config';
import { markChannelVerified, ownersOfNumber } from '../../domain/channels/channel-state';
import type { SessionRow } from '../../domain/channels/place-call';
import { hintsFor, type HintSituation } from './hints';
import { confirmText, voiceText } from './speak';
import { renderTurn, type VoiceTurn } from './twiml';
import { lastAsked, saveReply, storeVoiceEvent } from '../../domain/channels/voice-events';
import { answererOnNumber, beginNextHouseholdMember, openMemberNames, type NextMember } from '../../domain/households/household-session';
import { beginNextContactMember, contactMember, contactReporterOf, openContactMemberNames, type ContactReporter } from '../../domain/households/household-contact-session';

const ASKING = new Set<OutMessage['kind']>(['question', 'reask', 'confirm']);

/** 9 repeats, 0 asks for a nurse — except where they are answers (a 0–10 scale, a plausible number). */
export function commandOf(digits: string | undefined, speech: string | undefined, ask: OutMessage | null): 'repeat' | 'callback' | null {
  const d = digits?.replace(/#$/, '');
  const isAnswer = (n: number) => ask?.expects === 'scale' || (ask?.expects === 'number' && n >= (ask.min ?? Infinity) && n <= (ask.max ?? -Infinity));
  if (d === '9' && !isAnswer(9)) return 'repeat';
  if (d === '0' && !isAnswer(0)) return 'callback';
  if (!d && speech) {
    if (/もう一度|もういちど|もう1度|repeat/i.test(speech)) return 'repeat';
    if (/看護師|折り返し|nurse/i.test(speech)) return 'callback';
  }
  return null;
}

/**
 * One step of a call that belongs to a check session (`?s=<session>&n=<step>`), in one
 * transaction: store the request under `${CallSid}:${n}` (a retried request re-renders
 * what we said the first time), then begin the session (call just answered), repeat the
 * question (9), raise a call-back alert (0), or feed Digits / SpeechResult / silence to
 * answerCheck. Returns TwiML.
 */
export async function handleSessionStep(deps: Deps, params: Record<string, string>, sessionId: string, step: number, opening?: OutMessage[]): Promise<string> {
  const patientNumber = params.Direction?.startsWith('outbound') ? params.To : params.From;
  const senderKey = await senderKeyOf(patientNumber ?? '');
  return withTransaction(deps.db, { actor: { kind: 'webhook', provider: 'twilio_voice' }, now: deps.now() }, async (base) => {
    const session = await lockSession(base, sessionId);
    if (!session) return renderTurn({ lang: 'ja', say: [voiceText('closed', 'ja')] });
    // A household's reporter on the call answers for each member in turn: the actor is whoever owns the number.
    const owners = patientNumber ? (await ownersOfNumber(base.tx, 'voice', patientNumber, base.now)).map((o) => o.personId) : [];
    // A household's contact (not a person) on the line: she answers each member's check, recorded as the member's.
    const contact = owners.length === 0 ? await contactOnCall(base, session.personId, patientNumber) : null;
    const answerer = contact ? session.personId : await answererOnNumber(base.tx, session.personId, owners);
    const ctx: Ctx = { ...base, actor: { kind: 'patient', personId: answerer, channel: 'voice' } };
    const lang = contact ? contact.lang : await preferredLanguage(ctx.tx, answerer);
    const nextMember = () => (contact ? beginNextContactMember(ctx, contact.householdId, 'voice') : beginNextHouseholdMember(ctx, answerer, 'voice'));
    const stored = await storeVoiceEvent(ctx.tx, { providerEventId: `${params.CallSid}:${step}`, senderKey, payload: { params, sessionId }, now: ctx.now });
    const next = webhookUrl(deps.env, '/webhooks/twilio/voice', { s: sessionId, n: String(step + 1) });
    if ('duplicate' in stored) {
      // A retried request: what we said, gathering for the session we went on to (the next member's, after a turn between members).
      const r = stored.duplicate.reply;
      const url = webhookUrl(deps.env, '/webhooks/twilio/voice', { s: stored.duplicate.sessionId, n: String(step + 1) });
      return renderTurn({ lang, say: r?.say ?? [], ask: r?.ask, actionUrl: url, hints: r?.hints });
    }
    if (!isSessionOpen(session, ctx.now)) return finish(ctx, stored.id, { lang, say: [voiceText('closed', lang)] });
    const previous = await lastAsked(ctx.tx, senderKey, sessionId);

    if (step === 0 && answerer !== session.personId && !opening) {
      // A reporter calling in after their own check: straight on to the member whose turn it is.
      const member = await nextMemberTurn(deps, ctx, await nextMember(), lang, step, []);
      if (member) return finish(ctx, stored.id, member.turn, member.sessionId);
    }
    if (step === 0) {
      const begun = opening ? null : await beginSession({ ctx, input: { sessionId, channel: 'voice' } });
      const first = opening ?? (begun?.begun ? begun.messages : [{ kind: 'info', text: voiceText('resume', lang) } as OutMessage, ...(previous ? [previous] : await resumeQuestion(ctx, session, lang))]);
      // A reminder call to a household's reporter names the members still to answer (「花子さんの健康観察がまだです。」).
      const reminded = session.remindersSent > 0 || session.callAttempts > 1 ? membersOpenLine(await (contact ? openContactMemberNames(ctx.tx, contact.householdId, ctx.now) : openMemberNames(ctx.tx, answerer, ctx.now)), lang, 'voice') : '';
      // To a contact the call names the member it asks about (「花子さん（5歳）について伺います」), as her SMS does.
      const about = contact ? await contactMember(ctx.tx, contact.householdId, session) : null;
      const said = [reminded, about && nextMemberIntro(about, lang, 'voice')].filter((t): t is string => !!t).map((text) => ({ kind: 'info', text }) as OutMessage).concat(first);
      return finish(ctx, stored.id, turnOf(said, lang, next, { opening: true, again: false, previous }, [voiceText('callbackHint', lang)]));
    }
    const command = commandOf(params.Digits, params.SpeechResult, previous);
    const again: HintSituation = { opening: false, again: true, previous };
    if (command === 'repeat' && previous) return finish(ctx, stored.id, { lang, say: [], ask: previous, actionUrl: next, hints: hintsFor(previous, lang, again) });
    if (command === 'callback') {
      await raiseCallback(ctx, session);
      return finish(ctx, stored.id, { lang, say: [voiceText('callbackAck', lang)], ask: previous ?? undefined, actionUrl: next, hints: previous ? hintsFor(previous, lang, again) : undefined });
    }
    const input = params.Digits
      ? ({ type: 'digits', digits: params.Digits } as const)
      : params.SpeechResult
        ? ({ type: 'speech', text: params.SpeechResult, ...(params.Confidence ? { confidence: Number(params.Confidence) } : {}) } as const)
        : ({ type: 'timeout' } as const);
    const outcome = await answerCheck({ ctx, input: { sessionId, input, channel: 'voice', ...(contact ? { byContactOf: contact.householdId } : {}) } });
    if (outcome.closed) return finish(ctx, stored.id, { lang, say: [voiceText('closed', lang)] });
    if (params.Digits || params.SpeechResult) await markVoiceVerified(ctx, session.personId, patientNumber);
    const messages = await readBack(ctx, session, outcome.messages, lang);
    if (outcome.completed) {
      const member = await nextMemberTurn(deps, ctx, await nextMember(), lang, step, messages);
      if (member) return finish(ctx, stored.id, member.turn, member.sessionId);
    }
    return finish(ctx, stored.id, turnOf(messages, lang, outcome.completed ? undefined : next, { opening: false, again: false, previous }));
  });
}

/**
 * Proxy reporting on a call: one member's check ended and the caller reports for another
 * member with an open check — say the end of this one, 「次は 花子さんについて伺います」
 * and that member's first question, gathering into the member's own session (one session
 * per person; the step number runs on, so each request of the call has its own key).
 */
async function nextMemberTurn(deps: Deps, ctx: Ctx, next: NextMember | null, lang: Lang, step: number, said: OutMessage[]): Promise<{ turn: VoiceTurn; sessionId: string } | null> {
  if (!next) return null;
  const opening = next.begun ? next.messages : (await currentPrompt(ctx.tx, next.sessionId, 'voice', ctx.now)).slice(-1);
  const intro: OutMessage = { kind: 'info', text: nextMemberIntro(next.member, lang, 'voice') };
  const url = webhookUrl(deps.env, '/webhooks/twilio/voice', { s: next.sessionId, n: String(step + 1) });
  const turn = turnOf([...said, intro, ...opening], lang, url, { opening: true, again: false, previous: null });
  return { turn, sessionId: next.sessionId };
}

/** The household contact (not a person) on a call about this member: the member's contact on voice, reached at this number. */
async function contactOnCall(ctx: Ctx, memberId: string, number: string | undefined): Promise<ContactReporter | null> {
  const contact = number ? await contactReporterOf(ctx.tx, memberId) : null;
  return contact?.channel === 'voice' && contact.phone === number ? contact : null;
}

/** Split the engine's messages: everything is said, the last asking one is gathered for (with the guides hintsFor picks). */
function turnOf(messages: OutMessage[], lang: Lang, actionUrl: string | undefined, at: HintSituation, extra: string[] = []): VoiceTurn {
  const lastAsk = [...messages].reverse().find((m) => ASKING.has(m.kind));
  const say = [...messages.filter((m) => m !== lastAsk).map((m) => m.text), ...(lastAsk ? extra : [])];
  if (!lastAsk || !actionUrl) return { lang, say: [...say, voiceText(messages.some((m) => m.kind === 'closing') ? 'farewell' : 'goodbye', lang)] };
  return { lang, say, ask: lastAsk, actionUrl, hints: hintsFor(lastAsk, lang, at) };
}

/** Store what we say (to repeat it on a retried request); `askedIn`: the session the question belongs to when the call moved on to another member's. */
async function finish(ctx: Ctx, eventId: string, turn: VoiceTurn, askedIn?: string): Promise<string> {
  await saveReply(ctx.tx, eventId, { say: turn.say, ...(turn.ask ? { ask: turn.ask } : {}), ...(turn.hints ? { hints: turn.hints } : {}) }, askedIn);
  return renderTurn(turn);
}

/** The engine's read-back becomes 「37度8分ですね。正しければ1を、違う場合は2を押してください。」 */
async function readBack(ctx: Ctx, session: SessionRow, messages: OutMessage[], lang: Lang): Promise<OutMessage[]> {
  if (!messages.some((m) => m.kind === 'confirm')) return messages;
  const pending = (await sessionState(ctx.tx, session.id))?.pendingConfirmation;
  if (!pending || typeof pending.value !== 'number') return messages;
  const version = await loadFlowVersion(ctx.tx, session.flowVersionId);
  const node = version.definition.nodes[pending.questionId];
  const unit = node && node.type === 'question' ? node.unit : undefined;
  return messages.map((m) => (m.kind === 'confirm' ? { ...m, text: confirmText(pending.value as number, unit, lang) } : m));
}

async function resumeQuestion(ctx: Ctx, session: SessionRow, lang: Lang): Promise<OutMessage[]> {
  if (!(await sessionState(ctx.tx, session.id))) return [];
  const [q] = await currentPrompt(ctx.tx, session.id, 'voice', ctx.now);
  return q ? [await readBack(ctx, session, [q], lang).then((m) => m[0]!)] : [];
}

async function raiseCallback(ctx: Ctx, session: SessionRow): Promise<void> {
  await raiseAlert({
    ctx,
    input: {
      personId: session.personId,
      sessionId: session.id,
      severity: 'amber',
      reason: 'callback_request',
      reasons: [{ ruleId: 'callback_request', ja: '自動音声で看護師からの折り返し電話を希望しました', en: 'Asked on the automated call for a nurse to call back', values: {} }],
      dedupeKey: `callback:${session.id}`,
    },
  });
}

async function markVoiceVerified(ctx: Ctx, personId: string, number: string | undefined): Promise<void> {
  if (!number) return;
  const owner = (await ownersOfNumber(ctx.tx, 'voice', number, ctx.now)).find((o) => o.personId === personId);
  if (owner) await markChannelVerified(ctx.tx, owner.channelId, ctx.now);
}
