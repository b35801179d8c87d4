import { describe, expect, it } from 'vitest';
import { parseSmsKeyword } from '../../../src/bot/sms/keywords';
import { renderSms } from '../../../src/bot/sms/render';
import { countSmsSegments } from '../../../src/bot/sms/segments';
import { URGENT_SYMPTOMS, type OutMessage } from '../../../src/flows';

const yesNo: OutMessage = {
  kind: 'question',
  questionId: 'cough',
  text: '咳・鼻水はある？',
  expects: 'yes_no_unknown',
  choices: [
    { value: 'yes', label: 'はい' },
    { value: 'no', label: 'いいえ' },
    { value: 'unknown', label: 'わからない' },
  ],
};

describe('renderSms', () => {
  it('numbers the choices: 「1:はい 2:いいえ 3:わからない」', () => {
    expect(renderSms([yesNo])).toEqual(['咳・鼻水はある？\n1:はい 2:いいえ 3:わからない']);
  });
  it('puts consecutive messages in one body while it fits two segments', () => {
    const bodies = renderSms([{ kind: 'info', text: '今日の健康観察です。2分ほどで終わります。' }, { kind: 'question', text: '今日の体温は？（例: 36.8）', expects: 'number' }]);
    expect(bodies).toEqual(['今日の健康観察です。2分ほどで終わります。\n今日の体温は？（例: 36.8）']);
  });
  it('continues a long numbered list in the next body; every body is at most two segments', () => {
    const choices = URGENT_SYMPTOMS.filter((c) => !c.channels || c.channels.includes('sms')).map((c) => ({ value: c.value, label: c.label.ja }));
    const bodies = renderSms([{ kind: 'question', text: '当てはまる症状の番号を全部（なければ「なし」）', expects: 'multi', choices }]);
    for (const b of bodies) expect(countSmsSegments(b).segments).toBeLessThanOrEqual(2);
    const joined = bodies.join(' ');
    choices.forEach((c, i) => expect(joined).toContain(`${i + 1}:${c.label}`));
    expect(bodies.length).toBeGreaterThan(1);
  });
});

describe('parseSmsKeyword', () => {
  it.each([
    ['STOP', 'stop'], ['stop', 'stop'], ['ＳＴＯＰ', 'stop'], ['StopAll', 'stop'], ['UNSUBSCRIBE', 'stop'], ['cancel', 'stop'], ['END', 'stop'], ['quit', 'stop'], ['停止', 'stop'], [' 停止。', 'stop'],
    ['START', 'start'], ['再開', 'start'], ['HELP', 'help'], ['ヘルプ', 'help'],
  ])('%s → %s', (body, keyword) => expect(parseSmsKeyword(body)).toBe(keyword));
  it.each(['咳は止まった', 'stop the calls please', '1', 'はい', '停止したい理由'])('%s is an answer, not a keyword', (body) => expect(parseSmsKeyword(body)).toBeNull());
});
