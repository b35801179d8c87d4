import { describe, expect, it } from 'vitest';
import { inputFromString, simulate } from '../../src/flows/index.js';
import { contactV1, patientV1 } from './helpers.js';

describe('simulate', () => {
  it('turns strings into what a person on the channel sends', () => {
    expect(inputFromString('375#', 'voice')).toEqual({ type: 'digits', digits: '375#' });
    expect(inputFromString('はい', 'voice')).toEqual({ type: 'speech', text: 'はい' });
    expect(inputFromString('375', 'sms')).toEqual({ type: 'message', text: '375' });
    expect(inputFromString('<timeout>', 'line')).toEqual({ type: 'timeout' });
  });

  it('returns a readable transcript, one line each, with observations and flags', () => {
    const t = simulate(contactV1, ['38.1', 'いいえ', '1'], 'sms');
    expect(t.text.split('\n')).toEqual([
      'bot: 今日の健康観察です。1分ほどで終わります。',
      'bot: 今日の体温は？（例: 36.8） (℃)',
      'patient: 38.1',
      'bot: 息苦しさはある？ [1:はい 2:いいえ 3:わからない]',
      'patient: いいえ',
      'bot: 次の症状は？咳・鼻水/のどの痛み/だるさ/味覚・嗅覚の異常 [1:どれもない 2:ある]',
      'patient: 1',
      'bot: ご回答ありがとうございました。',
      '= temperature: 38.1',
      '= breathless: false',
      '= cough: false',
      '= sore_throat: false',
      '= fatigue: false',
      '= taste_smell: false',
      '! amber contact_fever: 37.5℃以上の発熱（発症の疑い）',
    ]);
    expect(t.lines[0]).toEqual({ from: 'bot', text: '今日の健康観察です。1分ほどで終わります。' });
    expect(t.flags).toHaveLength(1);
    expect(t.state?.status).toBe('completed');
  });

  it('takes engine inputs too, ignores inputs after the end and stops when they run out', () => {
    const short = simulate(patientV1, [{ type: 'message', text: '36.5' }], 'line');
    expect(short.state).toMatchObject({ status: 'active', nodeId: 'spo2' });
    const extra = simulate(contactV1, ['36.5', '2', '2', '2', '2', '2', 'まだある'], 'sms');
    expect(extra.lines.at(-1)).toEqual({ from: 'bot', text: 'ご回答ありがとうございました。' });
  });

  it('uses the context it is given (language, health centre)', () => {
    const t = simulate(contactV1, ['36.5', 'yes'], 'web', {
      lang: 'en',
      healthCentre: { name: 'Minato HC', phone: '03-1111-2222', isOpen: true },
    });
    expect(t.text).toContain('bot: You need help urgently. Call Minato HC now on 03-1111-2222. If nobody answers, call 119.');
  });
});
