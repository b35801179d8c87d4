import { describe, expect, it } from 'vitest';
import { deniesChoice, kanjiToArabic, parseChoices, parseNumberAnswer, parseYesNo, toHalfWidth } from '../../src/flows/index.js';

const TEMP = { unit: '℃', min: 34, max: 42, precision: 0.1, keypad: 'temperature' as const };
const SPO2 = { unit: '%', min: 70, max: 100, precision: 1, keypad: 'spo2' as const };
const PULSE = { unit: '回/分', min: 30, max: 200, precision: 1, keypad: 'pulse' as const };

describe('toHalfWidth', () => {
  it.each([
    ['３７．５', '37.5'],
    ['３７，５℃', '37,5℃'],
    ['ＳｐＯ２　９６％', 'SpO2 96%'],
    ['（３６．８）', '(36.8)'],
    ['はい', 'はい'],
    ['', ''],
  ])('%s → %s', (raw, want) => expect(toHalfWidth(raw)).toBe(want));
});

describe('kanjiToArabic', () => {
  it.each([
    ['三十七度五分', '37度5分'], ['九十六', '96'], ['百二十', '120'], ['三七・五', '37.5'], ['三十七点五', '37.5'],
    ['さんじゅうななどごぶ', '37度5分'], ['きゅうじゅうろく', '96'], ['ひゃくじゅう', '110'], ['はい', 'はい'], ['咳', '咳'],
    ['さんじゅうななどご', '37度5'], ['三十七度五', '37度5'],
  ])('%s → %s', (raw, want) => expect(kanjiToArabic(raw)).toBe(want));

  it.each([[undefined], [null], [42], [{}], [['三']]])('%j (not a string) → empty, never a throw', (bad) => {
    expect(kanjiToArabic(bad as unknown as string)).toBe('');
  });
});

describe('parseNumberAnswer: temperature', () => {
  it.each([
    ['37.5', 37.5], ['３７．５', 37.5], ['37.5℃', 37.5], ['37.5°C', 37.5], ['37,5', 37.5], ['37度5分', 37.5],
    ['３７度５分', 37.5], ['三十七度五分', 37.5], ['37度', 37], ['三十六度八分', 36.8], ['三七・五', 37.5],
    ['36.8度です', 36.8], ['体温は36.4でした', 36.4], ['375', 37.5], ['375#', 37.5], ['37*5', 37.5],
    ['3 7 5', 37.5], ['さんじゅうななどごぶ', 37.5], ['さんじゅうななてんご', 37.5], ['サンジュウロクドハチブ', 36.8],
    ['36.85', 36.9], ['  36.2  ', 36.2], ['38', 38], ['37.5度', 37.5], ['36度8分くらい', 36.8], ['３６度８分', 36.8],
    ['37。5', 37.5], ['熱は38.2℃です', 38.2], ['さんじゅうろくてんはち', 36.8], ['三十八度', 38], ['37.5 ど', 37.5],
    // 分 left out — the way most people write it
    ['37度5', 37.5], ['36度8', 36.8], ['38度2', 38.2], ['３７度５', 37.5], ['37度 5', 37.5], ['37度5です', 37.5], ['体温は36度8でした', 36.8],
    ['三十七度五', 37.5], ['三十八度二', 38.2], ['37度5ぶ', 37.5],
    // speech that drops ぶ
    ['さんじゅうななどご', 37.5], ['さんじゅうろくどはち', 36.8], ['サンジュウハチドニ', 38.2], ['さんじゅうななど', 37],
  ])('%s → %d', (raw, want) => expect(parseNumberAnswer(raw, TEMP)).toEqual({ ok: true, value: want }));

  it.each([
    ['45', 'out_of_range'], ['4', 'out_of_range'], ['450', 'out_of_range'], ['', 'empty'], ['#', 'empty'],
    ['熱はない', 'not_a_number'], ['abc', 'not_a_number'], ['平熱', 'not_a_number'],
    // never a guess made by dropping digits or reading a range as a reading
    ['36度後半', 'not_a_number'], ['37度台', 'not_a_number'], ['37-5', 'not_a_number'], ['朝36.5 夜37.0', 'not_a_number'],
    ['37度5分5秒', 'not_a_number'], ['38度以上', 'not_a_number'],
  ])('%s → %s', (raw, reason) => expect(parseNumberAnswer(raw, TEMP)).toMatchObject({ ok: false, reason }));

  it('reports the implausible value it read', () => {
    expect(parseNumberAnswer('45.0', TEMP)).toEqual({ ok: false, reason: 'out_of_range', value: 45 });
  });
});

describe('parseNumberAnswer: SpO2 and pulse', () => {
  it.each([
    ['96', 96], ['９６', 96], ['96%', 96], ['96％', 96], ['96#', 96], ['096', 96], ['九十六', 96],
    ['きゅうじゅうろく', 96], ['きゅうじゅうろくぱーせんと', 96], ['SpO2 95', 95], ['ＳｐＯ２　９８％', 98], ['97パーセント', 97], ['百', 100],
  ])('SpO2 %s → %d', (raw, want) => expect(parseNumberAnswer(raw, SPO2)).toEqual({ ok: true, value: want }));

  it('SpO2 120 % is implausible', () => {
    expect(parseNumberAnswer('120', SPO2)).toEqual({ ok: false, reason: 'out_of_range', value: 120 });
  });

  it('a second reading said with its ordinal: 「2回目は97」', () => {
    expect(parseNumberAnswer('2回目は97', SPO2)).toEqual({ ok: true, value: 97 });
  });

  it.each([['72', 72], ['72回', 72], ['脈は78', 78], ['７８回/分', 78], ['百二十', 120], ['ななじゅうに', 72], ['72#', 72], ['1分間に72回', 72], ['脈は1分で80', 80]])('pulse %s → %d', (raw, want) =>
    expect(parseNumberAnswer(raw, PULSE)).toEqual({ ok: true, value: want }),
  );

  it('keypad folding is only for temperature', () => {
    expect(parseNumberAnswer('375', PULSE)).toMatchObject({ ok: false, reason: 'out_of_range' });
  });
});

describe('parseYesNo', () => {
  it.each([
    ['はい', 'yes'], ['ハイ', 'yes'], ['うん', 'yes'], ['ええ', 'yes'], ['ある', 'yes'], ['あります', 'yes'], ['あり', 'yes'],
    ['少しある', 'yes'], ['すこしあります', 'yes'], ['ちょっとある', 'yes'], ['はい、少し', 'yes'], ['yes', 'yes'], ['Yes', 'yes'],
    ['Y', 'yes'], ['ｙ', 'yes'], ['1', 'yes'], ['１', 'yes'], ['有', 'yes'],
    ['いいえ', 'no'], ['いえ', 'no'], ['ううん', 'no'], ['ない', 'no'], ['ないです', 'no'], ['なし', 'no'], ['ありません', 'no'],
    ['特にない', 'no'], ['大丈夫です', 'no'], ['no', 'no'], ['NO', 'no'], ['n', 'no'], ['2', 'no'], ['無', 'no'],
    ['わからない', 'unknown'], ['分からない', 'unknown'], ['わかりません', 'unknown'], ['不明', 'unknown'], ['3', 'unknown'],
    ['?', 'unknown'], ["don't know", 'unknown'], ['イエス', 'yes'], ['ノー', 'no'],
    // hedged yes is yes: a suspected symptom is reported as present
    ['あるかもしれない', 'yes'], ['少しあるかもしれない', 'yes'], ['あるかもしれないです', 'yes'], ['あるかも', 'yes'], ['ありそう', 'yes'],
    ['ある気がする', 'yes'], ['はい、少し', 'yes'], ['あると思う', 'yes'], ['そうかも', 'yes'],
    // a denied no is yes
    ['なくはない', 'yes'], ['なくもない', 'yes'], ['ないことはない', 'yes'], ['ないわけではない', 'yes'], ['大丈夫じゃない', 'yes'],
    ['大丈夫ではありません', 'yes'], ['平気じゃない', 'yes'],
    // neither, or a hedged no, is unknown — never no
    ['どちらとも言えない', 'unknown'], ['どっちとも言えない', 'unknown'], ['なんとも言えない', 'unknown'], ['微妙', 'unknown'], ['びみょう', 'unknown'],
    ['ないかもしれない', 'unknown'], ['ないかも', 'unknown'], ['かもしれません', 'unknown'], ['なさそう', 'unknown'], ['よくわからないです', 'unknown'],
    // a plain opinion keeps its side
    ['ないと思う', 'no'], ['ないと思います', 'no'], ['少しもない', 'no'], ['問題ない', 'no'], ['ないですね', 'no'],
  ])('%s → %s', (raw, want) => expect(parseYesNo(raw, true)).toBe(want));

  it('hedged answers that mean unknown are re-asked when unknown is not allowed (never turned into no)', () => {
    for (const raw of ['どちらとも言えない', 'ないかもしれない', '微妙']) expect(parseYesNo(raw, false), raw).toBeNull();
  });

  it.each([['ふつう'], [''], ['37.5'], ['hmm'], ['4']])('%s → null', (raw) => expect(parseYesNo(raw, true)).toBeNull());

  it('わからない is refused when unknown is not allowed (never turned into no)', () => {
    expect(parseYesNo('わからない', false)).toBeNull();
    expect(parseYesNo('3', false)).toBeNull();
  });
});

describe('parseChoices', () => {
  const C = [
    { value: 'cough', label: '咳', aliases: ['せき', 'cough'] },
    { value: 'nose', label: '鼻水', aliases: ['はなみず'] },
    { value: 'unusual', label: 'いつもと違う・様子がおかしい' },
    { value: 'lips', label: '唇が紫色' },
    { value: 'none', label: 'なし', aliases: ['ない'] },
  ];
  it.each([
    ['1 3', ['cough', 'unusual']], ['1、3', ['cough', 'unusual']], ['1,3', ['cough', 'unusual']], ['１　３', ['cough', 'unusual']],
    ['13', ['cough', 'unusual']], ['3 1', ['cough', 'unusual']], ['咳と鼻水', ['cough', 'nose']], ['咳、鼻水', ['cough', 'nose']],
    ['せきとはなみず', ['cough', 'nose']], ['いつもと違う', ['unusual']], ['様子がおかしい', ['unusual']], ['唇が紫', ['lips']],
    ['なし', ['none']], ['特にない', ['none']], ['5', ['none']], ['cough', ['cough']], ['lips', ['lips']],
  ])('multi %s → %j', (raw, want) => expect(parseChoices(raw, C, true)).toEqual(want));

  it.each([['6'], ['0'], ['頭痛'], [''], ['1 9'], ['わからない'], ['ないかも']])('multi %s → null', (raw) => expect(parseChoices(raw, C, true)).toBeNull());

  it.each([
    ['咳が出ています', ['cough']], ['鼻水が少し出る', ['nose']], ['せきがあります', ['cough']], ['咳と鼻水があります', ['cough', 'nose']],
    ['唇が紫色になっています', ['lips']], ['様子がおかしいです', ['unusual']], ['咳かもしれない', ['cough']],
    ['咳がひどい', null], ['頭が痛い', null],
  ])('multi, natural phrasing %s → %j', (raw, want) => expect(parseChoices(raw, C, true)).toEqual(want));

  it.each([['咳はない'], ['咳は出ていません'], ['鼻水はなくて咳']])('a denied choice is no choice (and not 「なし」): %s', (raw) => {
    expect(parseChoices(raw, C, true)).toBeNull();
    expect(deniesChoice(raw, C)).toBe(true);
  });

  it('single choice refuses two answers', () => {
    expect(parseChoices('2', C, false)).toEqual(['nose']);
    expect(parseChoices('1 2', C, false)).toBeNull();
  });

  it('a two-digit number is one choice when the list is long', () => {
    const long = Array.from({ length: 14 }, (_, i) => ({ value: `v${i + 1}`, label: `L${i + 1}` }));
    expect(parseChoices('13', long, true)).toEqual(['v13']);
    expect(parseChoices('1 13', long, true)).toEqual(['v1', 'v13']);
  });
});
