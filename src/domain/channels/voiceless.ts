import { LANGUAGES, voiceFor, type Lang } from '../../flows';
import type { ChannelKind } from './person-on-channel';

/**
 * Languages Twilio has no voice for (Nepali): a person who chose the automated call is
 * offered the web check instead — its link goes out by SMS (src/bot/web/dispatcher.ts) —
 * and the console says so on the person form and page (i18n `lang.noVoice`).
 */
export const VOICELESS_LANGS: Lang[] = LANGUAGES.filter((l) => !l.voice).map((l) => l.code);

/** For SQL: `in (${sql.raw(VOICELESS_LANG_LITERALS)})` — codes from the fixed list, never user input. */
export const VOICELESS_LANG_LITERALS = VOICELESS_LANGS.length ? VOICELESS_LANGS.map((c) => `'${c}'`).join(', ') : "''";

/** The channel a check is sent on: the person's, except voice in a language without a voice → web. */
export function voicelessChannel(channel: ChannelKind, lang: Lang): ChannelKind {
  return channel === 'voice' && !voiceFor(lang) ? 'web' : channel;
}
