import type { Text } from '../definition/schema.js';

/**
 * The engine's own wording (hints, confirmations, urgent advice). A flow can override
 * a question's hint with `hint`, and a confirmation with `confirm.text`; the urgent
 * advice is fixed here on purpose — it must always carry the right number.
 * Placeholders: {min} {max} {unit} {value} {name} {phone}.
 */
export const TEXTS = {
  hintNumber: {
    ja: '{min}〜{max}の数字で答えてください。',
    en: 'Please answer with a number from {min} to {max}.',
    'ja-easy': '{min}から{max}の すうじで こたえて ください。',
    channels: { voice: { ja: '数字をボタンで押してください。', en: 'Please press the number on your keypad.' } },
  },
  hintImplausible: {
    ja: '{value}{unit}は測り間違いかもしれません。もう一度測って答えてください。',
    en: '{value}{unit} looks like a measuring error. Please measure again and answer.',
    'ja-easy': '{value}{unit}は まちがいかも しれません。もう いちど はかって ください。',
  },
  hintYesNo: {
    ja: '「はい」か「いいえ」で答えてください。',
    en: 'Please answer yes or no.',
    'ja-easy': '「はい」か「いいえ」で こたえて ください。',
    channels: { voice: { ja: 'はいは1、いいえは2を押してください。', en: 'Press 1 for yes, 2 for no.' } },
  },
  hintYesNoUnknown: {
    ja: '「はい」「いいえ」「わからない」で答えてください。',
    en: 'Please answer yes, no or not sure.',
    'ja-easy': '「はい」「いいえ」「わからない」で こたえて ください。',
    channels: {
      voice: { ja: 'はいは1、いいえは2、わからないは3を押してください。', en: 'Press 1 for yes, 2 for no, 3 if not sure.' },
    },
  },
  hintSingle: {
    ja: '番号を1つ選んでください。',
    en: 'Please choose one number.',
    'ja-easy': 'ばんごうを ひとつ えらんで ください。',
  },
  hintMulti: {
    ja: '当てはまる番号を全部選んでください（例: 1 3）。',
    en: 'Choose every number that applies (e.g. 1 3).',
    'ja-easy': 'あてはまる ばんごうを ぜんぶ えらんで ください（れい: 1 3）。',
    channels: { voice: { ja: '当てはまる番号を押してください。', en: 'Press the numbers that apply.' } },
  },
  hintScale: {
    ja: '{min}から{max}の数字で答えてください。',
    en: 'Please answer with a number from {min} to {max}.',
    'ja-easy': '{min}から{max}の すうじで こたえて ください。',
  },
  hintText: { ja: 'ひとことで書いてください。', en: 'Please write a few words.', 'ja-easy': 'みじかく かいて ください。' },
  hintTimeout: {
    ja: 'お返事が聞き取れませんでした。',
    en: 'We did not get your answer.',
    'ja-easy': 'へんじが ありませんでした。',
  },
  confirm: {
    ja: '{value}{unit}で正しいですか？',
    en: 'Is {value}{unit} correct?',
    'ja-easy': '{value}{unit}で ただしいですか？',
    channels: { voice: { ja: '{value}{unit}で正しければ1、違えば2を押してください。', en: 'If {value}{unit} is right press 1, if not press 2.' } },
  },
  remeasure: {
    ja: 'もう一度測ってから、数字を入れてください。',
    en: 'Please measure again and enter the number.',
    'ja-easy': 'もう いちど はかって、すうじを いれて ください。',
  },
  urgentOpen: {
    ja: '急いで相談が必要な状態です。今すぐ{name}（{phone}）に電話してください。つながらない時は119番に電話してください。',
    en: 'You need help urgently. Call {name} now on {phone}. If nobody answers, call 119.',
    'ja-easy': 'いそいで そうだんが ひつようです。いますぐ {phone} に でんわ して ください。つながらない ときは 119 に でんわ して ください。',
  },
  urgentClosed: {
    ja: '急いで相談が必要な状態です。{name}は時間外のため、今すぐ119番に電話してください。',
    en: 'You need help urgently. {name} is closed now: call 119 now.',
    'ja-easy': 'いそいで そうだんが ひつようです。いますぐ 119 に でんわ して ください。',
  },
  urgentAfterHours: {
    ja: '急いで相談が必要な状態です。{name}は時間外のため、今すぐ夜間・休日の連絡先（{phone}）に電話してください。つながらない時は119番に電話してください。',
    en: 'You need help urgently. {name} is closed now: call its after-hours number {phone} now. If nobody answers, call 119.',
    'ja-easy': 'いそいで そうだんが ひつようです。いますぐ {phone} に でんわ して ください。つながらない ときは 119 に でんわ して ください。',
  },
  closing: {
    ja: 'ご回答ありがとうございました。',
    en: 'Thank you for your answers.',
    'ja-easy': 'こたえて くれて ありがとう ございました。',
  },
  hintGate: {
    ja: '「{none}」か「{some}」で答えてください。',
    en: 'Please answer "{none}" or "{some}".',
    'ja-easy': '「{none}」か「{some}」で こたえて ください。',
    channels: { voice: { ja: 'あれば1、なければ2を押してください。', en: 'Press 1 if you have any, 2 if not.' } },
  },
  pickWhich: {
    ja: 'どれですか？当てはまるものを全部選んでください。',
    en: 'Which ones? Choose every one that applies.',
    'ja-easy': 'どれですか？ あてはまる ものを ぜんぶ えらんで ください。',
    channels: {
      sms: { ja: 'どれですか？番号を全部（例: 1 3）', en: 'Which? All numbers (e.g. 1 3)' },
      voice: { ja: 'どれですか？当てはまる番号を続けて押して、最後にシャープを押してください。', en: 'Which ones? Press the numbers that apply, then hash.' },
    },
  },
  previousYesterday: { ja: '（参考: 昨日は{value}{unit}でした）', en: '(For reference: {value}{unit} yesterday)', 'ja-easy': '（きのうは {value}{unit} でした）' },
  previousEarlier: { ja: '（参考: 前回は{value}{unit}でした）', en: '(For reference: {value}{unit} last time)', 'ja-easy': '（まえは {value}{unit} でした）' },
  sameAsBefore: { ja: '前回と同じ（{value}{unit}）', en: 'Same as last time ({value}{unit})', 'ja-easy': 'まえと おなじ（{value}{unit}）' },
  some: { ja: 'ある', en: 'Yes, some', 'ja-easy': 'ある' },
  none: { ja: 'なし', en: 'None', 'ja-easy': 'なし' },
  yes: { ja: 'はい', en: 'Yes', 'ja-easy': 'はい' },
  no: { ja: 'いいえ', en: 'No', 'ja-easy': 'いいえ' },
  unknown: { ja: 'わからない', en: 'Not sure', 'ja-easy': 'わからない' },
} satisfies Record<string, Text>;
