import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoOnReads, start, type FlowContext, type FlowDefinition, type FlowVersion } from '../../src/flows/index.js';
import { contactV1, ctx, patientV1, version } from './helpers.js';

// Opens on the person: an oximeter asks SpO2 first, a person of 65 or more is greeted apart.
const branching: FlowVersion = version({
  spec: 2,
  key: 'opening-branch',
  name: { ja: '分岐', en: 'Branch' },
  start: 'b',
  nodes: {
    b: { type: 'branch', cases: [{ when: { subject: 'hasOximeter', op: 'eq', value: true }, next: 'spo2' }], default: 'age' },
    age: { type: 'branch', cases: [{ when: { subject: 'age', op: 'gte', value: 65 }, next: 'elder' }], default: 'temp' },
    elder: { type: 'message', next: 'temp', text: { ja: 'ご高齢の方へ', en: 'For older people' } },
    spo2: { type: 'question', kind: 'number', min: 50, max: 100, next: 'end', text: { ja: 'SpO2', en: 'SpO2' } },
    temp: { type: 'question', kind: 'number', min: 34, max: 42, next: 'end', text: { ja: '体温', en: 'Temperature' } },
    end: { type: 'end' },
  },
  rules: [],
} as unknown as FlowDefinition);

const context = fc.record({
  lang: fc.constantFrom('ja', 'en', 'vi'),
  age: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  riskFactors: fc.subarray(['age65', 'underlying_condition', 'pregnancy', 'immunosuppressed']),
  hasOximeter: fc.boolean(),
  classification: fc.constantFrom('confirmed', 'suspected', 'asymptomatic', 'close_contact'),
  monitoringDay: fc.integer({ min: 1, max: 14 }),
  isOpen: fc.boolean(),
  phone: fc.constantFrom('03-0000-0000', '06-1111-1111'),
}).map(({ lang, age, riskFactors, hasOximeter, classification, monitoringDay, isOpen, phone }): FlowContext =>
  ctx('line', {
    lang: lang as FlowContext['lang'],
    subject: { ...(age === undefined ? {} : { age }), riskFactors, hasOximeter, classification: classification as FlowContext['subject']['classification'], monitoringDay },
    healthCentre: { name: '見守り保健所', phone, isOpen },
  }),
);

describe('memoOnReads', () => {
  it('gives every context what start gives it, computing once for those that agree on what it read', () => {
    for (const v of [patientV1, contactV1, branching]) {
      fc.assert(
        fc.property(fc.array(context, { minLength: 1, maxLength: 40 }), (contexts) => {
          let runs = 0;
          const opening = memoOnReads((c) => (runs++, start(v, c)));
          for (const c of contexts) expect(opening(c)).toEqual(start(v, c));
          expect(runs).toBeLessThanOrEqual(contexts.length);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('tells apart what the opening branches on, and shares what it never reads', () => {
    let runs = 0;
    const opening = memoOnReads((c) => (runs++, start(branching, c)));
    const base = ctx('line', { subject: { riskFactors: [], hasOximeter: false, classification: 'confirmed', monitoringDay: 1, age: 40 } });
    const a = opening(base);
    // Another day of monitoring, another centre phone: not read by this opening — no second run.
    expect(opening({ ...base, subject: { ...base.subject, monitoringDay: 9 }, healthCentre: { ...base.healthCentre, phone: '06-1111-1111' } })).toBe(a);
    expect(runs).toBe(1);
    // The oximeter and the age are read: each difference runs the opening again, and gets its own.
    const withOximeter = opening({ ...base, subject: { ...base.subject, hasOximeter: true } });
    const older = opening({ ...base, subject: { ...base.subject, age: 70 } });
    expect(runs).toBe(3);
    expect(withOximeter).toEqual(start(branching, { ...base, subject: { ...base.subject, hasOximeter: true } }));
    expect(older).toEqual(start(branching, { ...base, subject: { ...base.subject, age: 70 } }));
    expect(JSON.stringify(withOximeter)).toContain('SpO2');
    expect(JSON.stringify(older)).toContain('ご高齢');
    // Two readings that differ only in type are different readings.
    expect(opening({ ...base, subject: { ...base.subject, age: '40' as unknown as number } })).not.toBe(a);
  });

  it('reads an object kept in the result, and one enumerated, as a whole', () => {
    let runs = 0;
    const keep = memoOnReads((c) => (runs++, { centre: c.healthCentre }));
    const base = ctx('line');
    const first = keep(base);
    expect(keep({ ...base, healthCentre: { ...base.healthCentre, phone: '06-1111-1111' } }).centre.phone).toBe('06-1111-1111');
    expect(runs).toBe(2);
    const spread = memoOnReads((c) => (runs++, Object.keys({ ...c.subject }).length));
    expect(spread(base)).toBe(Object.keys(base.subject).length);
    expect(spread({ ...base, subject: { ...base.subject, age: 30 } })).toBe(Object.keys(base.subject).length + 1);
    expect(first.centre.phone).toBe(base.healthCentre.phone);
  });
});
