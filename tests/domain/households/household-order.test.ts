import { describe, expect, it } from 'vitest';
import { answeredByLabel, householdOrder, type HouseholdMember } from '../../../src/domain/households/household-order';
import { givenName, nextMemberIntro } from '../../../src/flows';

const m = (personId: string, over: Partial<HouseholdMember> = {}): HouseholdMember => ({ personId, name: `見守 ${personId}`, dateOfBirth: null, relation: null, position: 1, isReporter: false, ...over });

describe('household order', () => {
  it('asks the reporter first, whatever their position', () => {
    const order = householdOrder([m('a', { position: 0 }), m('mother', { isReporter: true, position: 5 })]);
    expect(order.map((x) => x.personId)).toEqual(['mother', 'a']);
  });

  it('then the position staff gave, then the oldest first, an unknown birth date last', () => {
    const order = householdOrder([
      m('baby', { dateOfBirth: '2025-01-01', position: 1 }),
      m('unknown', { dateOfBirth: null, position: 1 }),
      m('teen', { dateOfBirth: '2012-04-01', position: 1 }),
      m('first', { dateOfBirth: '2024-01-01', position: 0 }),
      m('mother', { isReporter: true }),
    ]);
    expect(order.map((x) => x.personId)).toEqual(['mother', 'first', 'teen', 'baby', 'unknown']);
  });

  it('is total: twins with the same birth date and position by name, then id; the input is not changed', () => {
    const input = [m('b', { name: '見守 美咲', dateOfBirth: '2020-05-05' }), m('a', { name: '見守 美咲', dateOfBirth: '2020-05-05' }), m('c', { name: '見守 愛', dateOfBirth: '2020-05-05' })];
    const copy = [...input];
    expect(householdOrder(input).map((x) => x.personId)).toEqual(['c', 'a', 'b']);
    expect(input).toEqual(copy);
    expect(householdOrder([...input].reverse()).map((x) => x.personId)).toEqual(['c', 'a', 'b']);
  });

  it('says who answered as the queue shows it, and introduces the next member by given name and age', () => {
    expect(answeredByLabel({ name: '見守 花子', relation: '母' })).toBe('母 見守 花子');
    expect(answeredByLabel({ name: '見守 花子', relation: null })).toBe('見守 花子');
    expect(givenName('見守　花子')).toBe('花子'); // an ideographic space too
    expect(givenName('ハナコ')).toBe('ハナコ');
    expect(nextMemberIntro({ name: '見守 花子', age: 5 }, 'ja', 'line')).toBe('次は 花子さん（5歳）について伺います。');
    expect(nextMemberIntro({ name: '見守 花子', age: null }, 'en', 'sms')).toBe('Next, a few questions about 花子.');
  });
});
