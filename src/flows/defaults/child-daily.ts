import type { FlowDefinition, RuleDef } from '../definition/schema.js';
import { FLOW_SPEC_VERSION } from '../definition/migrations/index.js';
import { r, symptom, text, unsureOf } from './build.js';
import { TEMPERATURE } from './measurements.js';

/**
 * Where each red rule of the children's flow comes from (the signs a parent is told to act
 * on at once while a child is cared for at home):
 *  - JPS: 日本小児科学会「新型コロナウイルス感染症（COVID-19）に罹患した子どもの受診の目安」
 *    (2022): 息が荒い・肩で息をする・胸がペコペコへこむ, 顔色が悪い・唇が紫色,
 *    呼びかけへの反応が弱い・ぐったりしている・視線が合わない, けいれん,
 *    水分がとれない, 半日（約12時間）以上おしっこが出ない.
 *  - MHLW: 厚生労働省「自宅療養中の子どもの症状の悪化に注意」/「診療の手引き」小児の項
 *    (the same signs for the 自宅療養 leaflet: 呼吸が苦しそう, 意識がおかしい, けいれん,
 *    水分が取れない, 半日以上尿が出ない).
 * Amber: a fever of 38.0 ℃ or more, eating much less than usual, and 「わからない」 to any
 * red question (a nurse calls rather than it passing as "no"). No SpO2: most households
 * have no child-sized probe; a centre that lends one copies the flow and adds it.
 */
export const CHILD_RULE_SOURCES: Record<string, 'JPS' | 'MHLW' | 'JPS+MHLW'> = {
  child_breathing: 'JPS+MHLW',
  child_responsiveness: 'JPS+MHLW',
  child_convulsion: 'JPS+MHLW',
  child_cannot_drink: 'JPS+MHLW',
  child_no_urine: 'JPS+MHLW',
  child_colour: 'JPS',
};

const CHILD_RULES: RuleDef[] = [
  { id: 'child_breathing', type: 'answer', question: 'breathing', anyOf: [true], severity: 'red', callNow: true, reason: r('呼吸が苦しそう（速い・肩で息・胸がへこむ・ゼーゼー）［日本小児科学会・厚労省］', 'Laboured breathing (fast, shoulders, chest drawing in, wheeze) [JPS, MHLW]') },
  unsureOf('breathing', '子どもの呼吸', "the child's breathing"),
  { id: 'child_colour', type: 'answer', question: 'colour', anyOf: [true], severity: 'red', callNow: true, reason: r('顔色が悪い・唇が紫色［日本小児科学会］', 'Pale or purple lips [JPS]') },
  unsureOf('colour', '子どもの顔色', "the child's colour"),
  { id: 'child_responsiveness', type: 'answer', question: 'responsiveness', anyOf: [true], severity: 'red', callNow: true, reason: r('呼びかけへの反応が弱い・ぐったりしている［日本小児科学会・厚労省］', 'Responds weakly, floppy or drowsy [JPS, MHLW]') },
  unsureOf('responsiveness', '子どもの反応', "the child's responsiveness"),
  { id: 'child_convulsion', type: 'answer', question: 'convulsion', anyOf: [true], severity: 'red', callNow: true, reason: r('けいれん（ひきつけ）があった［日本小児科学会・厚労省］', 'Had a seizure (convulsion) [JPS, MHLW]') },
  unsureOf('convulsion', 'けいれん', 'a seizure'),
  { id: 'child_cannot_drink', type: 'answer', question: 'drinking', anyOf: [true], severity: 'red', callNow: true, reason: r('水分（母乳・ミルク）がとれない［日本小児科学会・厚労省］', 'Cannot drink (breast milk, formula) [JPS, MHLW]') },
  unsureOf('drinking', '水分', 'drinking'),
  { id: 'child_no_urine', type: 'answer', question: 'urine', anyOf: [true], severity: 'red', callNow: true, reason: r('半日（約12時間）以上おしっこが出ていない［日本小児科学会・厚労省］', 'No urine for about 12 hours or more [JPS, MHLW]') },
  unsureOf('urine', 'おしっこ', 'urine'),
  { id: 'child_fever', type: 'threshold', question: 'temperature', gte: 38, severity: 'amber', reason: r('38.0℃以上の発熱', 'Fever ≥ 38.0 °C') },
  { id: 'child_poor_feeding', type: 'answer', question: 'feeding', anyOf: [true], severity: 'amber', reason: r('食事（授乳）がいつもの半分以下', 'Eating (feeding) half of usual or less') },
  { id: 'child_fever_3days', type: 'trend', trend: 'consecutive', questions: ['temperature'], gte: 38, days: 3, severity: 'amber', reason: r('38.0℃以上の発熱が3日続いている', 'Fever ≥ 38.0 °C for 3 days in a row') },
];

/**
 * 毎日の健康観察（子ども）: the default flow of a person under 15 (chosen by age when the
 * flow is assigned: src/domain/persons/person-input.ts). Asked of the parent or carer, so
 * every question is about 「お子さん」; 「はい」 always means the worrying answer.
 */
export const childDaily: FlowDefinition = {
  spec: FLOW_SPEC_VERSION,
  key: 'child-daily',
  name: text('毎日の健康観察（子ども）', 'Daily health check (children)'),
  start: 'intro',
  nodes: {
    intro: {
      type: 'message', next: 'temperature',
      text: text('お子さんの今日の健康観察です。1分ほどで終わります。', "Today's health check for your child. It takes about a minute.", 'こどもの きょうの けんこう チェックです。', {
        voice: { ja: 'こちらは保健所の、お子さんの健康観察の自動音声です。', en: "This is the automated health check for your child from your health centre." },
      }),
    },
    temperature: {
      ...TEMPERATURE, next: 'breathing',
      text: text('お子さんの今日の体温は何度ですか？（例: 37.2）', "What is your child's temperature today? (e.g. 37.2)", 'こどもの きょうの たいおんは なんどですか？（れい: 37.2）', {
        sms: { ja: 'お子さんの体温は？（例: 37.2）', en: "Child's temperature? (e.g. 37.2)" },
        voice: { ja: 'お子さんの体温を3桁で押してください。37度5分なら 3、7、5 です。', en: "Please key in your child's temperature as three digits. For 37.5, press 3, 7, 5." },
      }),
    },
    breathing: symptom('colour', {
      ja: '息が苦しそうですか？（呼吸が速い、肩で息をする、胸がペコペコへこむ、ゼーゼーする）', en: 'Is your child struggling to breathe? (fast breathing, using shoulders, chest drawing in, wheezing)', easy: 'こどもの いきが くるしそうですか？',
      sms: '息が苦しそう？（速い・肩で息・ゼーゼー）', smsEn: 'Struggling to breathe?', voice: 'お子さんの息が苦しそうですか？呼吸が速い、肩で息をする、ゼーゼーする、などです。', voiceEn: 'Is your child struggling to breathe, breathing fast or wheezing?',
    }),
    colour: symptom('responsiveness', {
      ja: '顔色が悪い、または唇が紫色ですか？', en: "Is your child's face pale, or are the lips purple?", easy: 'かおいろが わるいですか？ くちびるが むらさきですか？',
      sms: '顔色が悪い・唇が紫色？', smsEn: 'Pale, or purple lips?', voice: '顔色が悪い、または唇が紫色ですか？', voiceEn: "Is your child's face pale, or are the lips purple?",
    }),
    responsiveness: symptom('convulsion', {
      ja: '呼びかけへの反応が弱い、ぐったりしている、視線が合わないことはありますか？', en: 'Does your child respond weakly, seem floppy, or not meet your eyes?', easy: 'よびかけても へんじが よわいですか？ ぐったり していますか？',
      sms: '反応が弱い・ぐったりしている？', smsEn: 'Weak response or floppy?', voice: '呼びかけても反応が弱い、ぐったりしている、ということはありますか？', voiceEn: 'Does your child respond weakly, or seem floppy?',
    }),
    convulsion: symptom('drinking', {
      ja: 'けいれん（ひきつけ）がありましたか？', en: 'Has your child had a seizure (convulsion)?', easy: 'ひきつけ（けいれん）が ありましたか？',
      sms: 'けいれん（ひきつけ）があった？', smsEn: 'Any seizure?', voice: 'けいれん、ひきつけが、ありましたか？', voiceEn: 'Has your child had a seizure?',
    }),
    drinking: symptom('urine', {
      ja: '水分（母乳・ミルクを含む）がとれていませんか？', en: 'Is your child unable to drink (including breast milk or formula)?', easy: 'のみものが のめて いませんか？',
      sms: '水分・ミルクがとれない？', smsEn: 'Unable to drink?', voice: '水分やミルクが、とれていませんか？とれていなければ、はい、です。', voiceEn: 'Is your child unable to drink? If so, say yes.',
    }),
    urine: symptom('feeding', {
      ja: '半日（12時間くらい）以上、おしっこが出ていませんか？', en: 'Has your child passed no urine for half a day (about 12 hours) or more?', easy: 'はんにち いじょう おしっこが でて いませんか？',
      sms: '半日以上おしっこが出ていない？', smsEn: 'No urine for 12 hours?', voice: '半日以上、おしっこが出ていませんか？出ていなければ、はい、です。', voiceEn: 'Has your child passed no urine for about 12 hours? If so, say yes.',
    }),
    feeding: symptom('comment', {
      ja: '食事（授乳）がいつもの半分以下ですか？', en: 'Is your child eating (feeding) half of the usual or less?', easy: 'ごはんが いつもの はんぶん いかですか？',
      sms: '食事・授乳がいつもの半分以下？', smsEn: 'Eating half of usual or less?', voice: '食事や授乳が、いつもの半分以下ですか？', voiceEn: 'Is your child eating half of the usual or less?',
    }),
    comment: {
      type: 'question', kind: 'text', optional: true, maxLength: 500, next: 'done',
      text: text('お子さんのことで保健所に伝えたいことがあれば書いてください。なければ「なし」。', 'Anything about your child to tell the health centre? If not, answer "none".', 'こどもの ことで ほけんじょに つたえたい ことが あれば かいて ください。なければ「なし」。', {
        sms: { ja: '保健所への伝言（なければ「なし」）', en: 'Message for the health centre (or "none")' },
        web: { ja: 'お子さんのことで保健所に伝えたいことがあれば書いてください。', en: 'Anything about your child to tell the health centre?' },
        voice: { ja: '伝えたいことがあれば、お話しください。なければシャープを。', en: 'If you have a message, please speak now. If not, press hash.' },
      }),
    },
    done: { type: 'end', text: text('ご回答ありがとうございました。', 'Thank you for answering.', 'こたえて くれて ありがとう ございました。') },
  },
  rules: CHILD_RULES,
};

/** Persons younger than this are given the children's flow by default. */
export const CHILD_FLOW_BELOW_AGE = 15;
