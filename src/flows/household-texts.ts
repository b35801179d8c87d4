import type { Text } from './definition/schema.js';
import { fill, pickText } from './text.js';
import type { Channel, Lang } from './types.js';

/**
 * The words a reporter hears between two members of their household (proxy reporting),
 * in the same Text shape as the flows' own wording so they are translated with them.
 * Placeholders: {name} (the given name), {age}.
 */
export const HOUSEHOLD_TEXTS = {
  nextMember: {
    ja: '次は {name}さん（{age}歳）について伺います。',
    en: 'Next, a few questions about {name} (age {age}).',
    'ja-easy': 'つぎは {name}さん（{age}さい）の ことを ききます。',
  },
  nextMemberNoAge: {
    ja: '次は {name}さんについて伺います。',
    en: 'Next, a few questions about {name}.',
    'ja-easy': 'つぎは {name}さんの ことを ききます。',
  },
  membersOpen: {
    ja: '{names}の健康観察がまだです。',
    en: 'Still to answer: the health check of {names}.',
    'ja-easy': '{names}の けんこうかんさつが まだです。',
  },
  continueWith: {
    ja: '次へ：{name}さん',
    en: 'Continue: {name}',
    'ja-easy': 'つぎへ：{name}さん',
  },
  householdDone: {
    ja: 'ご家族全員分のご回答ありがとうございました。',
    en: 'Thank you for answering for everyone in your household.',
    'ja-easy': 'かぞく みんなの こたえを ありがとう ございました。',
  },
} satisfies Record<string, Text>;

/** The given name of a Japanese full name written 「姓 名」 (the whole name when there is no space). */
export function givenName(fullName: string): string {
  const parts = fullName.normalize('NFKC').trim().split(/\s+/);
  return parts.length > 1 ? parts.slice(1).join(' ') : parts[0]!;
}

/** 「次は 花子さん（5歳）について伺います」 for one member, in the reporter's language and channel. */
export function nextMemberIntro(member: { name: string; age: number | null }, lang: Lang, channel: Channel): string {
  const t = member.age === null ? HOUSEHOLD_TEXTS.nextMemberNoAge : HOUSEHOLD_TEXTS.nextMember;
  return fill(pickText(t, lang, channel), { name: givenName(member.name), age: member.age ?? undefined });
}

/**
 * The reminder's line naming the household members whose check is still open
 * (「花子さん、太郎さんの健康観察がまだです。」), in the reporter's language: given names,
 * with さん and 「、」 in Japanese, 「、」 in Chinese, commas elsewhere. Empty for nobody.
 */
export function membersOpenLine(names: readonly string[], lang: Lang, channel: Channel): string {
  if (names.length === 0) return '';
  const given = names.map(givenName);
  const list = lang === 'ja' || lang === 'ja-easy' ? given.map((n) => `${n}さん`).join('、') : lang === 'zh-Hans' ? given.join('、') : given.join(', ');
  return fill(pickText(HOUSEHOLD_TEXTS.membersOpen, lang, channel), { names: list });
}

/** 「次へ：花子さん」: the web check's way on to the next member of the household. */
export function continueWithLabel(name: string, lang: Lang): string {
  return fill(pickText(HOUSEHOLD_TEXTS.continueWith, lang, 'web'), { name: givenName(name) });
}

/** 「ご家族全員分のご回答ありがとうございました。」 */
export function householdDoneText(lang: Lang, channel: Channel): string {
  return pickText(HOUSEHOLD_TEXTS.householdDone, lang, channel);
}
