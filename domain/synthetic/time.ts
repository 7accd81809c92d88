/**
 * Day arithmetic in Beijing time (UTC+8, no DST) for the synthetic data generator.
 *
 * A "day" is an integer: days since 1970-01-01 in Beijing time. Instants are epoch milliseconds.
 * Months are calendar months (a month after 01-31 is the last day of February), as the law counts them.
 */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
const TZ_MS = 8 * HOUR_MS;

/** The Beijing calendar day of an instant. */
export function dayOf(ms: number): number {
  return Math.floor((ms + TZ_MS) / DAY_MS);
}

/** The instant of a Beijing wall-clock time on a day. */
export function msAt(day: number, hour: number, minute = 0): number {
  return day * DAY_MS - TZ_MS + hour * HOUR_MS + minute * 60_000;
}

/** `YYYY-MM-DD` of a day. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `2024-03-01T08:00:00+08:00` */
export function isoInstant(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000 + TZ_MS).toISOString().slice(0, 19)}+08:00`;
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

export function dayFromYmd(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** Calendar-month addition, clamped to the month's last day. */
export function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Math.floor(Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / DAY_MS);
}

/** Calendar-month addition keeping the time of day. */
export function addMonthsMs(ms: number, months: number): number {
  const day = dayOf(ms);
  return msAt(addMonths(day, months), 0) + (ms - msAt(day, 0));
}
