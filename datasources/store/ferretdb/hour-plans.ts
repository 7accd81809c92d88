/**
 * Which hours of a dense day a list page reads, from what this process learned of that day.
 *
 * On FerretDB a list page is read day by day (record-days.ts), and each day is one find that
 * FerretDB answers by reading every record of that day the filter matches, then sorting them. A
 * page of 100 from a day of 438 matching records read all 438: at 1,000,000 benchmark records the
 * newest day of area 5002 held ten times what it held at 100,000, and page 1 took 2.5 times as long.
 * Every record also carries `eventHour` (`YYYY-MM-DDTHH`, Beijing time), an equality FerretDB
 * pushes down like `eventDay`, and hours are consecutive slices of the order as days are. But
 * which hours hold the page is not known before reading: the records come in office hours (of
 * those 438, 35 after 18:00 and 336 between 12:00 and 18:00), so fixed blocks of hours, or waves
 * of doubling size, still read most of such a day (six-hour blocks were measured: no gain).
 *
 * So the first time a day fills what a page asks of it, the day's hour counts for that filter are
 * learned in the background (one more read of the day, only `eventAt`). Later pages with the same
 * filter read, in parallel, every hour from their start down to the hour where the learned counts
 * reach what they need, when that is clearly less than the day: at 1M page 1 reads 8 hours holding
 * about 145 records instead of 438. Every hour in that span is read, empty or not, so records
 * stored since (new ones, late ones) are never skipped; if the hours give fewer records than
 * wanted (records moved to another time since), the day is read whole as before and learned again.
 * The counts only choose how much to read; what is read is always whole hours in order.
 */

/** Hour counts kept (filter and day); the oldest learned is dropped first. */
const MAX_DAYS = 5000;
/** A day whose read asked for fewer records than this is not worth learning. */
const LEARN_FROM = 20;
/** The cost of one more find, in records read (a round trip and a query plan on FerretDB). */
const FIND_COST = 8;
/** Read by hours only when that reads at most this share of what reading the day would. */
const WORTH = 0.75;

export class HourPlans {
  private readonly counts = new Map<string, number[]>();
  private readonly learning = new Map<string, Promise<void>>();

  /**
   * The hours (0–23, newest first) to read for up to `want` records of `day` from hour `start`
   * down, or null to read the day whole. `partialStart`: the start hour is read only after a
   * position, so its records are not counted on. When the learned counts hold fewer than `want`
   * from `start` down, the plan is every hour down to 0: the rest of the day, whatever it holds now.
   *
   * A whole-day read costs the whole day, not the part after the position: FerretDB applies the
   * position (an `$or` of ranges) only after reading every record of the day. So hours are weighed
   * against the day's count. (Weighed against the part after the position, page 50 of the
   * benchmark's 1M set read a day of 438 records whole for the ~100 after its position.)
   */
  plan(shape: string, day: string, start: number, want: number, partialStart: boolean): { hours: number[]; restOfDay: boolean } | null {
    const counts = this.counts.get(`${shape}|${day}`);
    if (!counts) return null;
    const whole = counts.reduce((a, b) => a + b, 0);
    const hours: number[] = [];
    let got = 0;
    for (let h = start; h >= 0 && got < want; h--) {
      hours.push(h);
      if (!(partialStart && h === start)) got += counts[h];
    }
    return got + FIND_COST * hours.length <= WORTH * whole ? { hours, restOfDay: hours[hours.length - 1] === 0 } : null;
  }

  /** Starts learning `day`'s hour counts for this filter, unless known or under way; `times` reads the day's `eventAt`s. */
  learn(shape: string, day: string, want: number, times: () => Promise<Date[]>, hourOf: (at: Date) => number): void {
    const key = `${shape}|${day}`;
    if (want < LEARN_FROM || this.counts.has(key) || this.learning.has(key)) return;
    const work = times()
      .then((all) => {
        const counts = new Array<number>(24).fill(0);
        for (const at of all) counts[hourOf(at)]++;
        this.counts.set(key, counts);
        while (this.counts.size > MAX_DAYS) this.counts.delete(this.counts.keys().next().value!);
      })
      // A failed read only means the day is read whole next time too.
      .catch(() => undefined)
      .finally(() => {
        this.learning.delete(key);
      });
    this.learning.set(key, work);
  }

  /** The day's records are not where they were learned: read it whole next time, and learn it again. */
  forget(shape: string, day: string): void {
    this.counts.delete(`${shape}|${day}`);
  }

  /** Resolves when every learning under way has finished (tests). */
  async settled(): Promise<void> {
    while (this.learning.size > 0) await Promise.all(this.learning.values());
  }
}
