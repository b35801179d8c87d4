import type { Text } from './definition/schema.js';
import { fillVars, PHRASEBOOK_LANGS, phrase } from './languages/index.js';
import type { Channel, Lang } from './types.js';

/**
 * Picks the wording for a person: the channel's own wording first (voice needs
 * 「3、7、5 と押してください」, SMS needs it short), then the base text; in their language,
 * falling back from やさしい日本語 to Japanese, and for every other language to the
 * phrasebook's translation of the English wording (languages/phrasebook), then English,
 * then Japanese (a missing translation is a validation error, but a running session must
 * still speak — and a Vietnamese reader is better served by English than by Japanese).
 * For やさしい日本語 the channel's Japanese wording beats the base easy text, because
 * channel wording is functional (「3、7、5と押して」) and the base text would lose it.
 */
export function pickText(text: Text | undefined, lang: Lang, channel: Channel): string {
  if (!text) return '';
  const variant = text.channels?.[channel];
  const order: (string | undefined)[] =
    lang === 'ja'
      ? [variant?.ja, text.ja]
      : lang === 'ja-easy'
        ? [variant?.['ja-easy'], variant?.ja, text['ja-easy'], text.ja] // a voice wording carries keypad instructions: keep it
        : lang === 'en'
          ? [variant?.en, text.en, variant?.ja, text.ja]
          : [variant?.[lang], phrase(lang, variant?.en), text[lang], phrase(lang, text.en), variant?.en, text.en, variant?.ja, text.ja];
  return order.find((t) => t !== undefined && t !== '') ?? '';
}

/**
 * The text with every language the phrasebooks know filled in where it has none (base and
 * channel wordings): what the default flows store, so the editor shows each language.
 */
export function withLanguages(text: Text): Text {
  const out: Text = { ...text };
  for (const lang of PHRASEBOOK_LANGS) if (!out[lang]) { const p = phrase(lang, text.en); if (p) out[lang] = p; }
  if (text.channels) {
    const channels: NonNullable<Text['channels']> = {};
    for (const [c, w] of Object.entries(text.channels) as [Channel, NonNullable<Text['channels']>[Channel]][]) {
      if (!w) continue;
      const filled = { ...w };
      for (const lang of PHRASEBOOK_LANGS) if (!filled[lang]) { const p = phrase(lang, w.en); if (p) filled[lang] = p; }
      channels[c] = filled;
    }
    out.channels = channels;
  }
  return out;
}

/** Replaces {name} placeholders; unknown names are left visible rather than dropped (one fill for every text). */
export const fill = fillVars;
