/**
 * Day counting as the supervision rules and quality figures need it, in Beijing time (UTC+8, no DST).
 *
 * The first day is not counted (刑诉法 第105条): from an event on the 1st, the 2nd is day 1. Working
 * days are Monday to Friday, minus configured public holidays, plus configured make-up working days
 * (调休 weekends); both lists are parameters because the State Council publishes them each year.
 */

export const DAY_MS = 86_400_000;
const TZ_MS = 8 * 3_600_000;

/** The Beijing calendar day of an instant, as days since 1970-01-01. */
export function beijingDay(at: Date | number): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  return Math.floor((ms + TZ_MS) / DAY_MS);
}

/** The instant a Beijing day begins (its 00:00 at UTC+8). */
export function beijingMidnight(day: number): Date {
  return new Date(day * DAY_MS - TZ_MS);
}

/** The day of a `YYYY-MM-DD` date. */
export function dayOfDate(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** `YYYY-MM-DD` of a day. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar-month addition, clamped to the month's last day (a month after 01-31 is 02-28/29). */
export function addMonthsToDay(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(d.getUTCFullYear(), m + 1, 0)).getUTCDate();
  return Math.floor(Date.UTC(d.getUTCFullYear(), m, Math.min(d.getUTCDate(), last)) / DAY_MS);
}

/** Whole days from one day to another, the first not counted: from the 1st to the 3rd is 2. */
export function daysBetween(fromDay: number, toDay: number): number {
  return toDay - fromDay;
}

export interface WorkCalendar {
  /** public holidays (YYYY-MM-DD) that fall on weekdays */
  holidays: readonly string[];
  /** weekend days that are working days (调休) */
  workdays: readonly string[];
}

export const WEEKDAYS_ONLY: WorkCalendar = { holidays: [], workdays: [] };

interface CompiledCalendar {
  holidays: Set<number>;
  workdays: Set<number>;
}
const compiled = new WeakMap<WorkCalendar, CompiledCalendar>();

function compile(cal: WorkCalendar): CompiledCalendar {
  let c = compiled.get(cal);
  if (!c) {
    c = { holidays: new Set(cal.holidays.map(dayOfDate)), workdays: new Set(cal.workdays.map(dayOfDate)) };
    compiled.set(cal, c);
  }
  return c;
}

/** Whether a day is a working day: 1970-01-01 was a Thursday. */
export function isWorkingDay(day: number, cal: WorkCalendar = WEEKDAYS_ONLY): boolean {
  const c = compile(cal);
  if (c.workdays.has(day)) return true;
  if (c.holidays.has(day)) return false;
  const weekday = (day + 4) % 7; // 0 = Sunday
  return weekday !== 0 && weekday !== 6;
}

/** Working days after `fromDay` up to and including `toDay` (the first day not counted); 0 when toDay ≤ fromDay. */
export function workingDaysBetween(fromDay: number, toDay: number, cal: WorkCalendar = WEEKDAYS_ONLY): number {
  if (toDay <= fromDay) return 0;
  const c = compile(cal);
  // Whole weeks in one step, then the rest day by day, then the calendar's exceptions in the range.
  const span = toDay - fromDay;
  const weeks = Math.floor(span / 7);
  let n = weeks * 5;
  for (let d = fromDay + 1 + weeks * 7; d <= toDay; d++) {
    const weekday = (d + 4) % 7;
    if (weekday !== 0 && weekday !== 6) n++;
  }
  for (const h of c.holidays)
    if (h > fromDay && h <= toDay && !c.workdays.has(h)) {
      const weekday = (h + 4) % 7;
      if (weekday !== 0 && weekday !== 6) n--;
    }
  for (const w of c.workdays)
    if (w > fromDay && w <= toDay) {
      const weekday = (w + 4) % 7;
      if (weekday === 0 || weekday === 6) n++;
    }
  return n;
}

/** How the lag between an event and its entry into the hub is limited (DATA_LATE_ENTRY, timeliness). */
export interface EntryLimit {
  days: number;
  unit: 'WORKING_DAYS' | 'DAYS';
}

/** docs/domain.md's default: 7 working days. */
export const DEFAULT_ENTRY_LIMIT: EntryLimit = { days: 7, unit: 'WORKING_DAYS' };

/** The entry lag in the limit's unit (days after the event's day up to the recording day). */
export function entryLag(
  eventAt: Date,
  recordedAt: Date,
  limit: EntryLimit = DEFAULT_ENTRY_LIMIT,
  cal: WorkCalendar = WEEKDAYS_ONLY,
): number {
  const from = beijingDay(eventAt);
  const to = beijingDay(recordedAt);
  return limit.unit === 'DAYS' ? Math.max(0, to - from) : workingDaysBetween(from, to, cal);
}

/** Whether a record entered the hub later than the limit allows. */
export function isLateEntry(
  eventAt: Date,
  recordedAt: Date,
  limit: EntryLimit = DEFAULT_ENTRY_LIMIT,
  cal: WorkCalendar = WEEKDAYS_ONLY,
): boolean {
  return entryLag(eventAt, recordedAt, limit, cal) > limit.days;
}
