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
