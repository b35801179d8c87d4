import { describe, expect, it } from 'vitest';
import { closedDayOf, isCentreOpenAt } from '../../src/domain/opening-hours/centre-open';
import { dayKindOf, onCallAt, type Shift } from '../../src/domain/escalation/rota';

// One answer to "is this centre open at t" for every opening-hours check: the weekly hours,
// minus Japanese public holidays (祝日, 振替休日) and the year-end closure (12/29–1/3).
const centre = { openingHours: '{"days":[1,2,3,4,5],"open":"08:30","close":"17:15"}', timeZone: 'Asia/Tokyo' };
const jst = (local: string) => new Date(`${local}+09:00`);

describe('isCentreOpenAt', () => {
  it('is open on a weekday within the hours, closed before, after and at weekends', () => {
    expect(isCentreOpenAt(centre, jst('2026-12-07T10:00:00'))).toBe(true); // Monday
    expect(isCentreOpenAt(centre, jst('2026-12-07T08:29:00'))).toBe(false);
    expect(isCentreOpenAt(centre, jst('2026-12-07T17:15:00'))).toBe(false);
    expect(isCentreOpenAt(centre, jst('2026-12-05T10:00:00'))).toBe(false); // Saturday
  });

  it('is closed on public holidays and substitute holidays that fall on weekdays', () => {
    expect(isCentreOpenAt(centre, jst('2026-11-03T10:00:00'))).toBe(false); // 文化の日 (Tuesday)
    expect(isCentreOpenAt(centre, jst('2026-05-06T10:00:00'))).toBe(false); // 振替休日 (Wednesday)
    expect(closedDayOf('2026-11-03')?.ja).toBe('文化の日');
    expect(isCentreOpenAt(centre, jst('2026-11-04T10:00:00'))).toBe(true);
  });

  it('is closed from 12/29 to 1/3 (年末年始), open again on 1/4 and on 12/28', () => {
    for (const d of ['2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-03']) expect(isCentreOpenAt(centre, jst(`${d}T10:00:00`))).toBe(false);
    expect(closedDayOf('2026-12-30')?.ja).toBe('年末年始');
    expect(isCentreOpenAt(centre, jst('2026-12-28T10:00:00'))).toBe(true);
    expect(isCentreOpenAt(centre, jst('2027-01-04T10:00:00'))).toBe(true);
  });

  it('counts a centre without hours on record (or unreadable ones) as open, as before', () => {
    expect(isCentreOpenAt({ openingHours: null, timeZone: 'Asia/Tokyo' }, jst('2026-11-03T03:00:00'))).toBe(true);
    expect(isCentreOpenAt({ openingHours: 'not json', timeZone: 'Asia/Tokyo' }, jst('2026-11-03T03:00:00'))).toBe(true);
  });
});

describe('the rota on holidays', () => {
  const weekdayNights: Shift = { id: 'a', role: 'on_call', position: 1, name: '平日夜', staffUserId: null, phone: '+819000000001', repeat: 'weekly', days: [1, 2, 3, 4, 5], startsAt: jst('2026-11-02T17:15:00'), endsAt: jst('2026-11-03T08:30:00') };
  const holidays: Shift = { ...weekdayNights, id: 'b', name: '休日', phone: '+819000000002', days: [6, 7, 8], startsAt: jst('2026-11-01T08:30:00'), endsAt: jst('2026-11-02T08:30:00') };
  const override: Shift = { ...weekdayNights, id: 'c', name: '代理', phone: '+819000000003', repeat: 'once', days: null, startsAt: jst('2026-11-04T17:00:00'), endsAt: jst('2026-11-05T09:00:00') };
  const names = (at: Date) => onCallAt([weekdayNights, holidays, override], at, 'Asia/Tokyo').map((e) => e.shift.name);

  it('a holiday is day 8: the holiday pattern runs on it, the weekday pattern does not', () => {
    expect(dayKindOf('2026-11-03')).toBe(8);
    expect(dayKindOf('2026-11-04')).toBe(3);
    expect(names(jst('2026-11-03T12:00:00'))).toEqual(['休日']);
    expect(names(jst('2026-11-03T22:00:00'))).toEqual(['休日']);
    expect(names(jst('2026-11-02T22:00:00'))).toEqual(['平日夜']); // Monday night, into the holiday morning
    expect(names(jst('2026-11-04T12:00:00'))).toEqual([]); // open hours: nobody
  });

  it('a one-off shift overrides the weekly pattern of the same order', () => {
    expect(names(jst('2026-11-04T22:00:00'))).toEqual(['代理']);
    expect(names(jst('2026-11-05T22:00:00'))).toEqual(['平日夜']);
  });
});
