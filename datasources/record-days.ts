/**
 * Which days each record collection holds: the registry behind day-by-day list reads on FerretDB.
 *
 * FerretDB 1.24 pushes neither a sort nor a range down to PostgreSQL, so a list page ("the newest
 * 100 custody records of area 5002") reads every record that matches the filter and sorts them in
 * its own process: 115,000 records and ~35 s at 1,000,000 records, growing with the store. Every
 * record carries `eventDay` (its `eventAt` day in Beijing time, stamped at ingest), and days cut the
 * `eventAt` order into consecutive slices. So a page is read newest day first, each day one query
 * with `eventDay` as an extra equality, which FerretDB does push down (served by a GIN index,
 * server/ferretdb-indexes.ts): the reads stop once the page is full, and what one day holds does
 * not grow with the years a store keeps. (Months were tried first: the newest month of area 5002
 * holds 4,881 custody records at 1,000,000, and a page still took 0.8 s alone.)
 *
 * To walk days without guessing, the hub keeps `record_days`: one document per (collection, month)
 * with the days of that month that ever held a record. Ingest notes a batch's days before it
 * writes the records (so a stored record's day is always listed; a day whose write then failed is
 * only an empty slice), and a store that predates the registry gets it built once at start, after
 * which a marker in `hub_meta` says it is complete. Until then list reads use the plain plan.
 *
 * Each process keeps the lists it read. A list page reads only the domain's head in `hub_meta`
 * (one document by `_id`), whose token ingest changes after it lists a day no record had before:
 * a changed token and the list is read again. A day is listed, and the token changed, before the
 * day's records are written, so no page misses a stored record. Two writers that change the token
 * at once both leave a new one (FerretDB may lose one of the two updates; either is new).
 *
 * Days hold ten times more records at ten times the data, so a page whose filter fills it from one
 * day read that whole day: 438 custody records of area 5002 for page 1 at 1,000,000 records against
 * 47 at 100,000, and FerretDB spends its CPU per record it reads. So every record also carries
 * `eventBlock`, its six-hour block of the day (four a day, a GIN index too), and a day whose every
 * record has one is listed as "blocked" in its month document. A dense filter reads a blocked day
 * block by block, newest first, and stops once the page is full; a sparse one (a day holds less
 * than the page still needs, as the blocks read so far show) reads whole days as before, so it does
 * not pay four round trips a day. A day no record had before is blocked from the start (its records
 * all come from this version of ingest); days listed earlier get blocked by `block`, a pass at start
 * that stamps their records newest day first, so the days pages read most are ready first.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { DOMAINS, type Domain } from '../domain/records';
import { BLOCK_HOURS, blockStart, eventBlockOf, eventDayOf, type Models } from './models';
import { eachInFlight, upsertRetrying } from './single-updates';

/** `hub_meta` document: `record_days` lists every day of every stored record */
export const DAYS_REGISTRY_MARKER = 'record-days';
const COLLECTION = 'record_days';
/** Most days read at once, once the first days did not fill the page. */
const WAVE_MAX = 32;

/** The range a list read is narrowed to: the position's instant (its day and block and older), and [`from`, `before`). */
export interface ReadBounds {
  newest?: Date | null;
  from?: Date | null;
  before?: Date | null;
}

/** One slice of the `eventAt` order: a whole day, or one six-hour block of it. */
export interface Slice {
  day: string;
  block?: string;
}

const BLOCKS_PER_DAY = 24 / BLOCK_HOURS;
/** A day's blocks' start hours, newest first. */
const BLOCK_STARTS = Array.from({ length: BLOCKS_PER_DAY }, (_, i) => String(24 - BLOCK_HOURS * (i + 1)).padStart(2, '0'));
/** Fewest records a day must hold for its blocks to be read one by one: fewer, and one read of the day costs less. */
const MIN_DENSE_DAY = 32;

/** A day's blocks within the bounds, newest first. */
function blocksWithin(day: string, bounds: ReadBounds): string[] {
  const newest = bounds.newest ? eventBlockOf(bounds.newest) : null;
  const upTo = bounds.before ? eventBlockOf(new Date(bounds.before.getTime() - 1)) : null;
  const from = bounds.from ? eventBlockOf(bounds.from) : null;
  return BLOCK_STARTS.map((h) => `${day}T${h}`).filter((b) => (!newest || b <= newest) && (!upTo || b <= upTo) && (!from || b >= from));
}

/**
 * Up to `limit` records in `eventAt` descending order, read slice by slice: `days` newest first
 * (the registry's list), narrowed to the bounds. `read(slice, isPositionSlice, want)` returns up to
 * `want` of the slice's records in order, strictly after the position when the slice holds it.
 * Days, and the blocks of a day, are consecutive slices of the order, so the concatenation is the
 * sorted whole.
 *
 * A day in `blocked` is read block by block while the slices read so far say a day holds well over
 * what the page still needs (twice, and at least MIN_DENSE_DAY records): the newest block alone
 * first (with any block of that day that has not begun yet: empty unless records are dated ahead),
 * then as many blocks at once as that density says will fill the page. A day found sparser than
 * that is read to its end in one read. Other days are read whole: one, then waves of 2, 4, … up to
 * 32 days at once, so a sparse filter does not pay one round trip per empty day.
 */
export async function readBySlices<T>(
  days: readonly string[],
  blocked: ReadonlySet<string>,
  bounds: ReadBounds,
  limit: number,
  read: (slice: Slice, isPositionSlice: boolean, want: number) => Promise<T[]>,
  now: () => number = Date.now,
): Promise<T[]> {
  const newest = bounds.newest ? eventDayOf(bounds.newest) : null;
  const newestBlock = bounds.newest ? eventBlockOf(bounds.newest) : null;
  const upTo = bounds.before ? eventDayOf(new Date(bounds.before.getTime() - 1)) : null;
  const from = bounds.from ? eventDayOf(bounds.from) : null;
  const todo = days.filter((d) => (!newest || d <= newest) && (!upTo || d <= upTo) && (!from || d >= from));
  const out: T[] = [];
  // What the slices read to their end held, in blocks' worth: the density that picks blocks or days.
  let seen = 0;
  let seenBlocks = 0;
  const observe = (records: number, blocks: number) => { seen += records; seenBlocks += blocks; };
  /** records per block so far; null before any slice was read to its end */
  const perBlock = () => (seenBlocks > 0 ? seen / seenBlocks : null);
  /** Blocks pay when a day holds well over what the page still needs; until anything was read, try them. */
  const dense = (want: number) => {
    const rate = perBlock();
    return rate === null || rate * BLOCKS_PER_DAY >= Math.max(2 * want, MIN_DENSE_DAY);
  };
  const take = (rows: T[]) => {
    const n = Math.min(rows.length, limit - out.length);
    out.push(...rows.slice(0, n));
    return n;
  };

  const readBlocks = async (day: string) => {
    const blocks = blocksWithin(day, bounds);
    // blocks that have not begun yet go with the first one that has
    let first = 1;
    while (first < blocks.length && blockStart(blocks[first - 1]).getTime() > now()) first++;
    let taken = 0;
    for (let j = 0; j < blocks.length && out.length < limit;) {
      const want = limit - out.length;
      if (j > 0 && !dense(want)) {
        // Sparser than it looked: the rest of the day in one read, the day again without the rows its blocks gave.
        const rows = await read({ day }, day === newest, want + taken);
        if (rows.length < want + taken) observe(rows.length - taken, blocks.length - j);
        take(rows.slice(taken));
        return;
      }
      const rate = perBlock();
      const fill = rate ? Math.ceil(want / rate) : 1;
      const wave = blocks.slice(j, j + (j === 0 ? Math.max(first, fill) : fill));
      const rows = await Promise.all(wave.map((b) => read({ day, block: b }, b === newestBlock, want)));
      rows.forEach((r, k) => {
        taken += take(r);
        // A whole block read to its end says how dense blocks are; one that has not begun, or the
        // position's (only its part after the position), says nothing.
        if (r.length < want && wave[k] !== newestBlock && blockStart(wave[k]).getTime() <= now()) observe(r.length, 1);
      });
      j += wave.length;
    }
  };

  let wave = 1;
  for (let i = 0; i < todo.length && out.length < limit;) {
    const want = limit - out.length;
    if (blocked.has(todo[i]) && dense(want)) {
      await readBlocks(todo[i]);
      i++;
      continue;
    }
    const slices = todo.slice(i, i + wave);
    const rows = await Promise.all(slices.map((d) => read({ day: d }, d === newest, want)));
    for (const r of rows) {
      take(r);
      if (r.length < want) observe(r.length, BLOCKS_PER_DAY);
    }
    i += slices.length;
    wave = Math.min(wave * 2, WAVE_MAX);
  }
  return out;
}

/** The same read by whole days only (the floor baseline's plan, and the hub's before days are blocked). */
export function readByDay<T>(
  days: readonly string[],
  bounds: ReadBounds,
  limit: number,
  readDay: (day: string, isPositionDay: boolean, want: number) => Promise<T[]>,
): Promise<T[]> {
  return readBySlices(days, new Set(), bounds, limit, (slice, isPosition, want) => readDay(slice.day, isPosition, want));
}

/** `hub_meta` document whose token changes when `domain` gets a day listed */
function headId(domain: Domain): string {
  return `${DAYS_REGISTRY_MARKER}:${domain}`;
}

interface MonthDoc {
  _id: string;
  domain: Domain;
  month: string;
  days: string[];
  /** days of `days` whose every record carries `eventBlock` */
  blocked?: string[];
}

interface RegistryLog {
  info(obj: object, msg: string): void;
}

/** A domain's listed days, newest first, and those of them that can be read block by block. */
export interface DaySlices {
  days: string[];
  blocked: ReadonlySet<string>;
}

/** Days stamped between two head changes in `block`: other processes see them blocked after this many. */
const BLOCK_FLUSH_DAYS = 10;
/** Days `block` stamps at once (each four updates, one per block, at once). */
const BLOCK_DAYS_IN_FLIGHT = 2;

export class RecordDays {
  /** days this process already knows are listed, as `domain:YYYY-MM-DD` (so ingest writes a day once) */
  private readonly noted = new Set<string>();
  /** domains whose listed days this process has read */
  private readonly loaded = new Set<Domain>();
  private complete = false;
  /** the lists this process read, with the head token they were read under */
  private readonly lists = new Map<Domain, DaySlices & { token: string }>();
  /** set by `stop`: a `block` pass under way ends after its current day */
  private stopped = false;

  constructor(private readonly connection: Connection) {}

  private get collection() {
    return this.connection.db!.collection<MonthDoc>(COLLECTION);
  }

  private get meta() {
    return this.connection.db!.collection<{ _id: string; at: Date; token?: string }>('hub_meta');
  }

  /** Whether the registry lists every stored record's day (its marker, once seen, stays true). */
  private async isComplete(): Promise<boolean> {
    if (!this.complete) this.complete = !!(await this.meta.findOne({ _id: DAYS_REGISTRY_MARKER }));
    return this.complete;
  }

  /** Gives `domain`'s head a new token: lists read before are read again. */
  private async changed(domain: Domain): Promise<string> {
    const token = randomBytes(8).toString('hex');
    const set = () => this.meta.updateOne({ _id: headId(domain) }, { $set: { token, at: new Date() } }, { upsert: true });
    await upsertRetrying(set);
    this.lists.delete(domain);
    return token;
  }

  /**
   * Lists `days` (`YYYY-MM-DD`) for `domain`, before the records are written. Costs store writes
   * only for days this process has not noted: one per month. Once the registry is complete, a day it
   * did not list had no record, so it is listed as blocked: callers write `eventBlock` with `eventDay`.
   */
  async note(domain: Domain, days: Iterable<string>): Promise<void> {
    if (!this.loaded.has(domain)) {
      for (const d of await this.collection.find({ domain }, { projection: { days: 1 } }).toArray()) for (const day of d.days ?? []) this.noted.add(`${domain}:${day}`);
      this.loaded.add(domain);
    }
    const byMonth = new Map<string, string[]>();
    for (const day of new Set(days)) {
      if (this.noted.has(`${domain}:${day}`)) continue;
      const month = day.slice(0, 7);
      byMonth.set(month, [...(byMonth.get(month) ?? []), day]);
    }
    if (byMonth.size === 0) return;
    const blocked = await this.isComplete();
    for (const [month, fresh] of byMonth) {
      const add = () => this.collection.updateOne(
        { _id: `${domain}:${month}` },
        { $setOnInsert: { domain, month }, $addToSet: blocked ? { days: { $each: fresh }, blocked: { $each: fresh } } : { days: { $each: fresh } } },
        { upsert: true },
      );
      // Two pushes creating the same month at once: one upsert loses on the key, and its retry adds to the winner's document.
      await upsertRetrying(add);
      for (const day of fresh) this.noted.add(`${domain}:${day}`);
    }
    await this.changed(domain);
  }

  /** The days `domain` holds records on, newest first; null while the registry is not known to be complete. */
  async list(domain: Domain): Promise<string[] | null> {
    return (await this.slices(domain))?.days ?? null;
  }

  /** `list`, with the days that can be read block by block; null while the registry is not known to be complete. */
  async slices(domain: Domain): Promise<DaySlices | null> {
    if (!(await this.isComplete())) return null;
    // a store whose days were listed before heads existed gets one now
    const token = (await this.meta.findOne({ _id: headId(domain) }, { projection: { token: 1 } }))?.token ?? await this.changed(domain);
    const known = this.lists.get(domain);
    if (known?.token === token) return known;
    const docs = await this.collection.find({ domain }, { projection: { days: 1, blocked: 1 } }).toArray();
    const read = {
      token,
      days: docs.flatMap((d) => d.days ?? []).sort().reverse(),
      blocked: new Set(docs.flatMap((d) => d.blocked ?? [])),
    };
    this.lists.set(domain, read);
    return read;
  }

  /**
   * Builds the registry from the stored records, once per store: for a store whose records were
   * written before it existed. Reads each collection's distinct days (a whole read on FerretDB:
   * minutes at 1,000,000 records, in the background at start). Records must all carry `eventDay`
   * (Statistics.backfillMonths runs first). Returns the number of days listed, or null when the
   * marker says it was built already.
   */
  async build(models: Models, log?: RegistryLog): Promise<number | null> {
    if (await this.meta.findOne({ _id: DAYS_REGISTRY_MARKER })) { this.complete = true; return null; }
    let listed = 0;
    for (const domain of DOMAINS) {
      const days = (await models.records[domain].collection.distinct('eventDay')).filter((d): d is string => typeof d === 'string');
      await this.note(domain, days);
      listed += days.length;
    }
    await this.meta.updateOne({ _id: DAYS_REGISTRY_MARKER }, { $set: { at: new Date() } }, { upsert: true });
    this.complete = true;
    log?.info({ days: listed }, 'list reads: days registry built from the stored records');
    return listed;
  }

  /**
   * Blocks the listed days that are not yet: stamps `eventBlock` on each such day's records that
   * lack it (records stored before it existed), newest day first, and lists the day as blocked.
   * One `updateMany` per block of the day (`eventDay` equality, an indexed read, and the block's
   * `eventAt` range), two days at a time: 1.45 times the records per second of reading the day and
   * updating each record (722 against 498 on the benchmark's prison records), since FerretDB rewrites
   * each document either way and this saves the round trips. Other processes see the days blocked
   * every BLOCK_FLUSH_DAYS days. Idempotent; at start after the statistics counts, in the background.
   * Returns the records stamped.
   */
  async block(models: Models, log?: RegistryLog): Promise<number> {
    let stamped = 0;
    for (const domain of DOMAINS) {
      const listed = await this.slices(domain);
      if (!listed) return stamped;
      const todo = listed.days.filter((d) => !listed.blocked.has(d));
      if (todo.length === 0) continue;
      const collection = models.records[domain].collection;
      const started = Date.now();
      let done: string[] = [];
      let days = 0;
      let said = started;
      const flush = async () => {
        const list = done;
        done = [];
        const byMonth = new Map<string, string[]>();
        for (const day of list) byMonth.set(day.slice(0, 7), [...(byMonth.get(day.slice(0, 7)) ?? []), day]);
        for (const [month, days] of byMonth) await this.collection.updateOne({ _id: `${domain}:${month}` }, { $addToSet: { blocked: { $each: days } } });
        await this.changed(domain);
      };
      await eachInFlight(todo, BLOCK_DAYS_IN_FLIGHT, async (day) => {
        if (this.stopped) return;
        await Promise.all(BLOCK_STARTS.map(async (h) => {
          const block = `${day}T${h}`;
          const from = blockStart(block);
          const r = await collection.updateMany(
            { eventDay: day, eventAt: { $gte: from, $lt: new Date(from.getTime() + BLOCK_HOURS * 3600_000) }, eventBlock: { $ne: block } },
            { $set: { eventBlock: block } },
          );
          stamped += r.modifiedCount;
        }));
        done.push(day);
        days++;
        if (done.length >= BLOCK_FLUSH_DAYS) await flush();
        if (log && Date.now() - said > 10_000) {
          said = Date.now();
          log.info({ domain, days, of: todo.length, stamped }, 'list reads: blocking the days listed before blocks existed');
        }
      });
      if (done.length > 0) await flush();
      log?.info({ domain, days, stamped, seconds: Math.round((Date.now() - started) / 1000) }, 'list reads: days blocked');
    }
    return stamped;
  }

  /** Ends a `block` pass under way after its current day (hub shutdown); what it did stays done. */
  stop(): void {
    this.stopped = true;
  }
}
