import twilio from 'twilio';
import { voiceFor, type Lang, type OutMessage } from '../../flows';
import { ALL_HINTS, type AskHints } from './hints';
import { keypadGuide, voiceText } from './speak';


/**
 * The voice: Amazon Polly "Mizuki" (ja-JP, standard engine — it supports SSML prosody),
 * at a slow rate with pauses between sentences for elderly listeners; for every other
 * language the Polly or Google voice of languages/index.ts (Polly.Camila pt-BR,
 * Google.vi-VN-Standard-A …). A language without a voice (Nepali) is never called: the
 * dispatcher offers SMS or web instead (voice/dispatcher.ts); should a call still reach
 * one (a call-in), it is spoken in English (flow-context.ts, and localize's English fallback)
 * rather than in a voice that cannot say it.
 */
export const VOICES = {
  ja: { voice: 'Polly.Mizuki', language: 'ja-JP' },
  en: { voice: 'Polly.Joanna', language: 'en-US' },
} as const;

export function voiceOf(lang: Lang): { voice: string; language: string } {
  return voiceFor(lang) ?? VOICES.en;
}
const PAUSE = '600ms';
const GATHER_TIMEOUT_SECONDS = 8;

export interface VoiceTurn {
  lang: Lang;
  /** Said first (answers to the previous input, advice, info). */
  say: string[];
  /** The question to gather an answer for; none means the call ends after `say`. */
  ask?: OutMessage;
  /** Where the Gather posts: PUBLIC_BASE_URL/webhooks/twilio/voice?s=<session>&n=<step>. */
  actionUrl?: string;
  /** Which guides go with the question (hints.ts); all of them when not given. */
  hints?: AskHints;
}

/** Gather settings per kind of answer: one key for choices, '#'-terminated numbers. */
export function gatherOptions(ask: OutMessage, lang: Lang, actionUrl: string) {
  const oneKey = ask.expects === 'confirm' || ask.expects === 'yes_no' || ask.expects === 'yes_no_unknown' || (ask.expects === 'single' && (ask.choices?.length ?? 0) <= 8);
  const voice = voiceOf(lang);
  return {
    input: ['dtmf', 'speech'] as ('dtmf' | 'speech')[],
    language: voice.language,
    action: actionUrl,
    method: 'POST',
    timeout: GATHER_TIMEOUT_SECONDS,
    speechTimeout: 'auto',
    actionOnEmptyResult: true, // silence posts too: the engine decides (repeat once, then unanswered)
    ...(oneKey ? { numDigits: 1 } : { finishOnKey: '#' }),
    ...(ask.choices?.length ? { hints: ask.choices.map((c) => c.label).join(',') } : {}),
  };
}

function sayAll(target: { say(attrs: object, text: string): { prosody(attrs: object, words: string): unknown; break(attrs: object): unknown } }, lines: string[], lang: Lang) {
  const voice = voiceOf(lang);
  for (const line of lines.filter((l) => l.trim() !== '')) {
    const say = target.say({ voice: voice.voice, language: voice.language }, '');
    say.prosody({ rate: 'slow' }, line);
    say.break({ time: PAUSE });
  }
}

/** The lines of a question: its text, the keypad guide for choices, and 「もう一度聞くには9を」 — those `hints` asks for. */
export function askLines(ask: OutMessage, lang: Lang, hints: AskHints = ALL_HINTS): string[] {
  return [ask.text, hints.keypad ? (keypadGuide(ask, lang) ?? '') : '', hints.repeat ? voiceText('repeatHint', lang) : ''];
}

/** One turn as TwiML (the twilio package escapes the text). Pure. */
export function renderTurn(turn: VoiceTurn): string {
  const response = new twilio.twiml.VoiceResponse();
  sayAll(response as never, turn.say, turn.lang);
  if (turn.ask && turn.actionUrl) {
    const gather = response.gather(gatherOptions(turn.ask, turn.lang, turn.actionUrl) as never);
    sayAll(gather as never, askLines(turn.ask, turn.lang, turn.hints), turn.lang);
  } else {
    response.hangup();
  }
  return response.toString();
}
