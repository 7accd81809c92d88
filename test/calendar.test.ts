/**
 * Day counting in Beijing time (domain/calendar.ts): calendar days, months clamped at month ends,
 * working days across weekends, holidays and make-up working days, entry lags.
 */
import {
  addMonthsToDay,
  beijingDay,
  dateOfDay,
  dayOfDate,
  daysBetween,
  DEFAULT_ENTRY_LIMIT,
  entryLag,
  isLateEntry,
  isWorkingDay,
  type WorkCalendar,
  WEEKDAYS_ONLY,
  workingDaysBetween,
} from '../domain/calendar';

const D = dayOfDate;
const S = dateOfDay;
const months = (date: string, n: number) => S(addMonthsToDay(D(date), n));

/** Working days after `from` up to and including `to`, one day at a time: the reference the fast count must match. */
function slowCount(from: number, to: number, cal: WorkCalendar): number {
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (isWorkingDay(d, cal)) n++;
  return n;
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('beijingDay', () => {
  it('gives the same Beijing day at 15:59:59 UTC and the next one at 16:00:00 UTC', () => {
    expect(beijingDay(new Date('2026-03-09T15:59:59.999Z'))).toBe(D('2026-03-09'));
    expect(beijingDay(new Date('2026-03-09T16:00:00Z'))).toBe(D('2026-03-10'));
  });

  it('reads an instant given with its Beijing offset as that Beijing date, at either end of the day', () => {
    expect(beijingDay(new Date('2026-03-10T00:00:00+08:00'))).toBe(D('2026-03-10'));
    expect(beijingDay(new Date('2026-03-10T23:59:59+08:00'))).toBe(D('2026-03-10'));
    expect(beijingDay(new Date('2026-03-10T12:00:00+08:00'))).toBe(D('2026-03-10'));
  });

  it('accepts milliseconds as well as a Date', () => {
    expect(beijingDay(Date.parse('2026-03-09T16:00:00Z'))).toBe(D('2026-03-10'));
    expect(beijingDay(0)).toBe(0);
  });

  it('handles the turn of a year, when UTC is still in the old one', () => {
    expect(S(beijingDay(new Date('2025-12-31T16:30:00Z')))).toBe('2026-01-01');
  });
});

describe('dayOfDate and dateOfDay', () => {
  it('number 1970-01-01 as day 0 and convert both ways', () => {
    expect(D('1970-01-01')).toBe(0);
    expect(D('1970-01-02')).toBe(1);
    expect(D('1969-12-31')).toBe(-1);
    for (const s of ['2024-02-29', '2026-03-10', '2000-12-31', '1999-01-01']) expect(S(D(s))).toBe(s);
  });

  it('counts days between without the first day', () => {
    expect(daysBetween(D('2026-03-01'), D('2026-03-03'))).toBe(2);
    expect(daysBetween(D('2026-03-01'), D('2026-03-01'))).toBe(0);
  });
});

describe('addMonthsToDay', () => {
  it('keeps the day of the month when the target month has it', () => {
    expect(months('2026-01-10', 2)).toBe('2026-03-10');
    expect(months('2026-03-10', 1)).toBe('2026-04-10');
    expect(months('2026-01-15', 0)).toBe('2026-01-15');
  });

  it('clamps to the last day of a shorter month', () => {
    expect(months('2026-01-31', 1)).toBe('2026-02-28');
    expect(months('2026-03-31', 1)).toBe('2026-04-30');
    expect(months('2025-12-31', 2)).toBe('2026-02-28');
    expect(months('2026-08-31', 6)).toBe('2027-02-28');
    expect(months('2026-01-30', 1)).toBe('2026-02-28');
  });

  it('gives 02-29 in leap years', () => {
    expect(months('2028-01-31', 1)).toBe('2028-02-29');
    expect(months('2027-12-31', 2)).toBe('2028-02-29');
    expect(months('2024-02-29', 48)).toBe('2028-02-29');
    expect(months('2000-01-29', 1)).toBe('2000-02-29');
  });

  it('goes from 02-29 to 02-28 in a common year', () => {
    expect(months('2024-02-29', 12)).toBe('2025-02-28');
    expect(months('2020-02-29', 60)).toBe('2025-02-28');
    expect(months('2096-02-29', 48)).toBe('2100-02-28'); // 2100 is not a leap year
  });

  it('crosses year ends and goes back with negative months', () => {
    expect(months('2026-11-30', 3)).toBe('2027-02-28');
    expect(months('2026-03-31', -1)).toBe('2026-02-28');
    expect(months('2026-01-15', -2)).toBe('2025-11-15');
    expect(months('2020-01-01', 156)).toBe('2033-01-01');
  });

  it('does not clamp a month start: every month has a 1st', () => {
    const r = rng(7);
    for (let i = 0; i < 200; i++) {
      const y = 1990 + Math.floor(r() * 60);
      const m = 1 + Math.floor(r() * 12);
      const n = Math.floor(r() * 240);
      const start = `${y}-${String(m).padStart(2, '0')}-01`;
      expect(months(start, n).slice(8)).toBe('01');
    }
  });
});

describe('isWorkingDay', () => {
  it('knows 1970-01-01 was a Thursday and the weekdays around it', () => {
    expect(isWorkingDay(0)).toBe(true); // Thu
    expect(isWorkingDay(2)).toBe(false); // Sat
    expect(isWorkingDay(3)).toBe(false); // Sun
    expect(isWorkingDay(4)).toBe(true); // Mon
  });

  it('takes a configured holiday off and a configured make-up weekend day on', () => {
    const cal: WorkCalendar = { holidays: ['2025-10-01'], workdays: ['2025-10-11'] };
    expect(isWorkingDay(D('2025-10-01'))).toBe(true);
    expect(isWorkingDay(D('2025-10-01'), cal)).toBe(false);
    expect(isWorkingDay(D('2025-10-11'))).toBe(false);
    expect(isWorkingDay(D('2025-10-11'), cal)).toBe(true);
  });
});

describe('workingDaysBetween', () => {
  const mon = D('2026-03-09');
  const fri = D('2026-03-06');
  const sat = D('2026-03-07');
  const sun = D('2026-03-08');

  it('does not count the first day, and gives 0 for an empty or reversed range', () => {
    expect(workingDaysBetween(mon, mon)).toBe(0);
    expect(workingDaysBetween(mon, mon + 1)).toBe(1);
    expect(workingDaysBetween(mon + 3, mon)).toBe(0);
  });

  it('skips the weekend: Friday to Saturday or Sunday is 0, Friday to Monday is 1', () => {
    expect(workingDaysBetween(fri, sat)).toBe(0);
    expect(workingDaysBetween(fri, sun)).toBe(0);
    expect(workingDaysBetween(fri, mon)).toBe(1);
    expect(workingDaysBetween(sat, sun)).toBe(0);
    expect(workingDaysBetween(sat, mon)).toBe(1);
    expect(workingDaysBetween(sun, mon)).toBe(1);
  });

  it('counts 5 in any whole week and 7 from a Friday to the Tuesday week after', () => {
    for (let start = fri; start < fri + 7; start++) expect(workingDaysBetween(start, start + 7)).toBe(5);
    expect(workingDaysBetween(fri, D('2026-03-17'))).toBe(7);
    expect(workingDaysBetween(fri, D('2026-03-18'))).toBe(8);
  });

  it('counts a 10-year span like a day-by-day count', () => {
    const from = D('2016-01-01');
    const to = D('2026-01-01');
    expect(workingDaysBetween(from, to)).toBe(slowCount(from, to, WEEKDAYS_ONLY));
  });

  it('subtracts a holiday on a weekday and ignores one on a weekend', () => {
    expect(workingDaysBetween(fri, D('2026-03-13'), { holidays: ['2026-03-11'], workdays: [] })).toBe(4);
    expect(workingDaysBetween(fri, D('2026-03-13'), { holidays: ['2026-03-07', '2026-03-08'], workdays: [] })).toBe(5);
  });

  it('ignores holidays and make-up days outside the range, including the first day', () => {
    const cal: WorkCalendar = { holidays: ['2026-03-09', '2026-03-20'], workdays: ['2026-03-07'] };
    expect(workingDaysBetween(mon, D('2026-03-13'), cal)).toBe(4);
    expect(workingDaysBetween(D('2026-03-07'), mon, cal)).toBe(0);
  });

  it('adds a make-up working weekend day and does not double-count one listed on a weekday', () => {
    expect(workingDaysBetween(fri, mon, { holidays: [], workdays: ['2026-03-07'] })).toBe(2);
    expect(workingDaysBetween(fri, mon, { holidays: [], workdays: ['2026-03-09'] })).toBe(1);
  });

  it('treats a day listed as both holiday and make-up day as a working day, like isWorkingDay', () => {
    const cal: WorkCalendar = { holidays: ['2026-03-10'], workdays: ['2026-03-10'] };
    expect(isWorkingDay(D('2026-03-10'), cal)).toBe(true);
    expect(workingDaysBetween(mon, D('2026-03-10'), cal)).toBe(1);
  });

  it('counts a National Day week with its two make-up days', () => {
    const cal: WorkCalendar = {
      holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'],
      workdays: ['2025-09-28', '2025-10-11'],
    };
    expect(workingDaysBetween(D('2025-09-26'), D('2025-10-12'), cal)).toBe(6);
    expect(workingDaysBetween(D('2025-09-26'), D('2025-10-12'))).toBe(10);
  });

  it('matches a day-by-day count on 2,000 random ranges with random holidays and make-up days', () => {
    const r = rng(20260310);
    const base = D('2020-01-01');
    for (let i = 0; i < 2000; i++) {
      const holidays: string[] = [];
      const workdays: string[] = [];
      const extra = Math.floor(r() * 30);
      for (let k = 0; k < extra; k++) {
        const d = S(base + Math.floor(r() * 2500));
        (r() < 0.6 ? holidays : workdays).push(d);
      }
      const cal: WorkCalendar = { holidays, workdays };
      const from = base + Math.floor(r() * 2500);
      const to = from + Math.floor(r() * (r() < 0.5 ? 30 : 1500)) - 3;
      const fast = workingDaysBetween(from, to, cal);
      const slow = slowCount(from, to, cal);
      if (fast !== slow) throw new Error(`${S(from)}..${S(to)} with ${JSON.stringify(cal)}: ${fast} ≠ ${slow}`);
    }
  });
});

describe('entry lag', () => {
  const at = (s: string) => new Date(`${s}+08:00`);

  it('measures 7 working days by default and calls 8 late', () => {
    expect(DEFAULT_ENTRY_LIMIT).toEqual({ days: 7, unit: 'WORKING_DAYS' });
    expect(entryLag(at('2026-03-06T15:00:00'), at('2026-03-17T23:59:00'))).toBe(7);
    expect(isLateEntry(at('2026-03-06T15:00:00'), at('2026-03-17T23:59:00'))).toBe(false);
    expect(isLateEntry(at('2026-03-06T15:00:00'), at('2026-03-18T00:00:00'))).toBe(true);
  });

  it('counts calendar days in DAYS and never gives a negative lag for a record entered before its event', () => {
    const limit = { days: 20, unit: 'DAYS' as const };
    expect(entryLag(at('2026-03-06T15:00:00'), at('2026-03-26T09:00:00'), limit)).toBe(20);
    expect(isLateEntry(at('2026-03-06T15:00:00'), at('2026-03-27T09:00:00'), limit)).toBe(true);
    expect(entryLag(at('2026-03-06T15:00:00'), at('2026-03-01T09:00:00'), limit)).toBe(0);
    expect(entryLag(at('2026-03-06T15:00:00'), at('2026-03-01T09:00:00'))).toBe(0);
  });

  it('uses the calendar it is given', () => {
    const cal: WorkCalendar = { holidays: ['2026-03-11'], workdays: [] };
    expect(entryLag(at('2026-03-06T15:00:00'), at('2026-03-18T09:00:00'), DEFAULT_ENTRY_LIMIT, cal)).toBe(7);
  });
});
