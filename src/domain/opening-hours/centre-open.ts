import holidayJp from '@holiday-jp/holiday_jp';
import { formatInTimeZone } from 'date-fns-tz';
import { localDateOf, localTimeOf } from '../time';

/**
 * Is this health centre open at instant t? The one answer every opening-hours check uses
 * (urgent advice to patients, amber escalation, staff notices).
 *
 * Opening hours are stored on the jurisdiction as {"days":[1,2,3,4,5],"open":"08:30","close":"17:15"}
 * (ISO weekday 1 = Mon, local time in the centre's zone). On top of the weekly hours:
 * - Japanese public holidays (祝日, 振替休日, 国民の休日; @holiday-jp/holiday_jp) are closed;
 * - the year-end closure 12/29–1/3 (年末年始, 行政機関の休日) is closed.
 * No hours on record counts as open (patients are then told to call the centre, as before);
 * unreadable hours also count as open, for the same reason.
 */
export interface CentreHours {
  openingHours: string | null;
  timeZone: string;
}

interface WeeklyHours {
  days: number[];
  open: string;
  close: string;
}

/** Why a local date (YYYY-MM-DD) is closed all day whatever the weekly hours say, or null. */
export function closedDayOf(localDate: string): { ja: string; en: string } | null {
  const md = localDate.slice(5);
  if (md >= '12-29' || md <= '01-03') return { ja: '年末年始', en: 'Year-end holidays' };
  const holiday = (holidayJp.holidays as Record<string, { name: string; name_en: string } | undefined>)[localDate];
  return holiday ? { ja: holiday.name, en: holiday.name_en } : null;
}

/** The weekly hours of a centre, or null when none are on record or they cannot be read. */
export function weeklyHoursOf(openingHours: string | null): WeeklyHours | null {
  if (!openingHours) return null;
  try {
    const h = JSON.parse(openingHours) as Partial<WeeklyHours>;
    if (!Array.isArray(h.days) || typeof h.open !== 'string' || typeof h.close !== 'string') return null;
    return { days: h.days, open: h.open, close: h.close };
  } catch {
    return null;
  }
}

export function isCentreOpenAt(centre: CentreHours, at: Date): boolean {
  const hours = weeklyHoursOf(centre.openingHours);
  if (!hours) return true;
  const date = localDateOf(at, centre.timeZone);
  if (closedDayOf(date)) return false;
  const weekday = Number(formatInTimeZone(at, centre.timeZone, 'i'));
  const time = localTimeOf(at, centre.timeZone);
  return hours.days.includes(weekday) && time >= hours.open && time < hours.close;
}
