import type { Text } from './definition/schema.js';
import type { Channel, Lang } from './types.js';

/**
 * Picks the wording for a person: the channel's own wording first (voice needs
 * 「3、7、5 と押してください」, SMS needs it short), then the base text; in their language,
 * falling back from やさしい日本語 to Japanese and from a missing English to Japanese
 * (a missing translation is a validation error, but a running session must still speak).
 * For やさしい日本語 the channel's Japanese wording beats the base easy text, because
 * channel wording is functional (「3、7、5と押して」) and the base text would lose it.
 */
export function pickText(text: Text | undefined, lang: Lang, channel: Channel): string {
  if (!text) return '';
  const variant = text.channels?.[channel];
  const order: (string | undefined)[] =
    lang === 'ja'
      ? [variant?.ja, text.ja]
      : lang === 'en'
        ? [variant?.en, text.en, variant?.ja, text.ja]
        : [variant?.['ja-easy'], variant?.ja, text['ja-easy'], text.ja]; // a voice wording carries keypad instructions: keep it
  return order.find((t) => t !== undefined && t !== '') ?? '';
}

/** Replaces {name} placeholders; unknown names are left visible rather than dropped. */
export function fill(template: string, vars: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => {
    const v = vars[key];
    return v === undefined ? all : String(v);
  });
}
