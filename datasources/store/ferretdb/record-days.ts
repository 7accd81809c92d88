/**
 * Which days each record collection holds: the registry behind day-by-day list reads on FerretDB.
 *
 * FerretDB 1.24 pushes neither a sort nor a range down to PostgreSQL, so a list page ("the newest
 * 100 custody records of area 5002") reads every record that matches the filter and sorts them in
 * its own process: 115,000 records and ~35 s at 1,000,000 records, growing with the store. Every
 * record carries `eventDay` (its `eventAt` day in Beijing time, stamped at ingest), and days cut the
 * `eventAt` order into consecutive slices. So a page is read newest day first, each day one query
 * with `eventDay` as an extra equality, which FerretDB does push down (served by a GIN index,
 * datasources/store/ferretdb/indexes.ts): the reads stop once the page is full, and what one day holds does
 * not grow with the years a store keeps. (Months were tried first: the newest month of area 5002
 * holds 4,881 custody records at 1,000,000, and a page still took 0.8 s alone.)
 *
 * To walk days without guessing, the hub keeps `record_days`: one document per (collection, day)
 * that ever held a record, only ever inserted. (It was one document per month
 * with an `$addToSet` of its days, and stores written then keep those documents, read as before;
 * but FerretDB 1.24 updates by reading the document and writing it back without a lock, so of 20
 * days noted at once in one month it kept 4: the records of a lost day were missing from every list
 * page. An insert of a new document cannot lose another's.) Ingest notes a batch's days before it
 * writes the records (so a stored record's day is always listed; a day whose write then failed is
 * only an empty slice), and a store that predates the registry gets it built once at start, after
 * which a marker in `hub_meta` says it is complete. Until then list reads use the plain plan.
 *
 * Each process keeps the lists it read. A list page reads only the domain's head in `hub_meta`
 * (one document by `_id`), whose token ingest changes after it lists a day no record had before:
 * a changed token and the list is read again. A day is listed, and the token changed, before the
 * day's records are written, so no page misses a stored record. Two writers that change the token
 * at once both leave a new one (FerretDB may lose one of the two updates; either is new).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Connection } from 'mongoose';
import { DOMAINS, type Domain } from '../../../domain/records';
import { EVENT_STAMPS_MARKER, eventDayOf, type Models } from '../models';
import { insertUntilDuplicate, upsertRetrying } from '../single-updates';

/** `hub_meta` document: `record_days` lists every day of every stored record */
export const DAYS_REGISTRY_MARKER = 'record-days';
const COLLECTION = 'record_days';
/** Most days read at once, once the first days did not fill the page. */
const WAVE_MAX = 32;
/**
 * A domain's listed days in one reply: a day is a document, and the driver's default first batch of
 * 101 made the 100k benchmark's ~1,800 custody days 18 round trips (17 `getMore`) at a hub's first
 * page and after every new day another process lists.
 */
const REGISTRY_BATCH = 100_000;

/**
 * Up to `limit` records in `eventAt` descending order, read day by day: `days` newest first (the
 * registry's list), narrowed to the position's day and older (`newest`, the `eventAt` of the
 * position) and to the range [`from`, `before`). `readDay(day, isPositionDay, want)` returns up to
 * `want` of that day's records in order, strictly after the position when it is the position's
 * day. Days are consecutive slices of the order, so the concatenation is the sorted whole. The
 * first day is read alone (a dense filter fills the page from it); after that, waves of 2, 4, …
 * up to 32 days at once, so a sparse filter does not pay one round trip per empty day.
 */
export async function readByDay<T>(
  days: readonly string[],
  bounds: { newest?: Date | null; from?: Date | null; before?: Date | null },
  limit: number,
  readDay: (day: string, isPositionDay: boolean, want: number) => Promise<T[]>,
): Promise<T[]> {
  const newest = bounds.newest ? eventDayOf(bounds.newest) : null;
  const upTo = bounds.before ? eventDayOf(new Date(bounds.before.getTime() - 1)) : null;
  const from = bounds.from ? eventDayOf(bounds.from) : null;
  const todo = days.filter((d) => (!newest || d <= newest) && (!upTo || d <= upTo) && (!from || d >= from));
  const out: T[] = [];
  let wave = 1;
  for (let i = 0; i < todo.length && out.length < limit; i += wave, wave = Math.min(wave * 2, WAVE_MAX)) {
    const want = limit - out.length;
    const slices = await Promise.all(todo.slice(i, i + wave).map((d) => readDay(d, d === newest, want)));
    for (const rows of slices) {
      out.push(...rows.slice(0, limit - out.length));
      if (out.length >= limit) break;
    }
  }
  return out;
}

/** `hub_meta` document whose token changes when `domain` gets a day listed */
function headId(domain: Domain): string {
  return `${DAYS_REGISTRY_MARKER}:${domain}`;
}

/** A listed day (`_id` `domain:YYYY-MM-DD`), or, in stores written before those, a month's days. */
interface RegistryDoc {
  _id: string;
  domain: Domain;
  day?: string;
  /** the month documents of earlier versions */
  month?: string;
  days?: string[];
}

/** The days a registry document lists (a day document's one, or an earlier version's month document's). */
function daysOf(doc: Pick<RegistryDoc, 'day' | 'days'>): string[] {
  return doc.days ?? (doc.day ? [doc.day] : []);
}

/** Every day the registry lists for `domain`, newest first, read in one reply. */
export async function readListedDays(db: Db, domain: Domain): Promise<string[]> {
  const docs = await db
    .collection<RegistryDoc>(COLLECTION)
    .find({ domain }, { projection: { days: 1, day: 1 }, batchSize: REGISTRY_BATCH })
    .toArray();
  return [...new Set(docs.flatMap(daysOf))].sort().reverse();
}

interface RegistryLog {
  info(obj: object, msg: string): void;
}

export class RecordDays {
  /** days this process already knows are listed, as `domain:YYYY-MM-DD` (so ingest writes a day once) */
  private readonly noted = new Set<string>();
  /** days being listed by a batch of this process, as `domain:YYYY-MM-DD`, until listed */
  private readonly listing = new Map<string, Promise<void>>();
  /** domains whose listed days this process has read */
  private readonly loaded = new Set<Domain>();
  private complete = false;
  /** the lists this process read, newest day first, with the head token they were read under */
  private readonly lists = new Map<Domain, { token: string; days: string[] }>();

  /** every stored record has its `eventHour` (seen once, it stays so: ingest stamps every record) */
  private stamped = false;
  private stampedAskedAt = 0;

  constructor(private readonly connection: Connection) {}

  /**
   * Whether every stored record has its `eventHour`, so a day may be read hour by hour: the start-up
   * pass's marker (Statistics.backfillMonths), read when a page would read by hours, at most every 10 s until seen.
   */
  async hoursStamped(): Promise<boolean> {
    if (this.stamped || Date.now() - this.stampedAskedAt < 10_000) return this.stamped;
    this.stampedAskedAt = Date.now();
    this.stamped = (await this.meta.findOne({ _id: EVENT_STAMPS_MARKER })) !== null;
    return this.stamped;
  }

  private get collection() {
    return this.connection.db!.collection<RegistryDoc>(COLLECTION);
  }

  private get meta() {
    return this.connection.db!.collection<{ _id: string; at: Date; token?: string }>('hub_meta');
  }

  /** Gives `domain`'s head a new token: lists read before are read again. */
  private async changed(domain: Domain): Promise<string> {
    const token = randomBytes(8).toString('hex');
    const set = () => this.meta.updateOne({ _id: headId(domain) }, { $set: { token, at: new Date() } }, { upsert: true });
    await upsertRetrying(set);
    this.lists.delete(domain);
    return token;
  }

  /** Lists `days` (`YYYY-MM-DD`) for `domain`, before the records are written. Costs one store write for the days this process has not noted (more only when another process lists some at the same time). */
  async note(domain: Domain, days: Iterable<string>): Promise<void> {
    if (!this.loaded.has(domain)) {
      for (const day of await readListedDays(this.connection.db!, domain)) this.noted.add(`${domain}:${day}`);
      this.loaded.add(domain);
    }
    const wanted = [...new Set(days)].filter((day) => !this.noted.has(`${domain}:${day}`));
    // Days another batch of this process is listing right now: wait for it (its token change too)
    // rather than insert them again (each duplicate key would cost a round trip).
    const others = wanted.map((day) => this.listing.get(`${domain}:${day}`)).filter((p): p is Promise<void> => !!p);
    const fresh = wanted.filter((day) => !this.listing.has(`${domain}:${day}`));
    if (fresh.length > 0) {
      const mine = this.insertDays(domain, fresh);
      for (const day of fresh) this.listing.set(`${domain}:${day}`, mine);
      others.push(mine);
      void mine
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          for (const day of fresh) this.listing.delete(`${domain}:${day}`);
        });
    }
    await Promise.all(others);
  }

  private async insertDays(domain: Domain, fresh: string[]): Promise<void> {
    // Only ever inserts, all in one command. A day another process listed meanwhile stops it at its
    // duplicate key; the rest go again after it (some may be in already: duplicates in turn).
    const docs = fresh.map((day) => ({ _id: `${domain}:${day}`, domain, day }));
    for (let from = 0; from < docs.length;) {
      const r = await insertUntilDuplicate(this.collection, docs.slice(from));
      from += r.complete ? r.inserted : r.inserted + 1;
    }
    await this.changed(domain);
    for (const day of fresh) this.noted.add(`${domain}:${day}`);
  }

  /**
   * The days list of `domain` this process read last (newest first), without asking the store whether
   * it still holds; undefined before one was read. `list` answers with this same array while it holds.
   */
  lastRead(domain: Domain): readonly string[] | undefined {
    return this.lists.get(domain)?.days;
  }

  /** The days `domain` holds records on, newest first; null while the registry is not known to be complete. */
  async list(domain: Domain): Promise<string[] | null> {
    if (!this.complete) {
      this.complete = !!(await this.meta.findOne({ _id: DAYS_REGISTRY_MARKER }));
      if (!this.complete) return null;
    }
    // a store whose days were listed before heads existed gets one now
    const token = (await this.meta.findOne({ _id: headId(domain) }, { projection: { token: 1 } }))?.token ?? (await this.changed(domain));
    const known = this.lists.get(domain);
    if (known?.token === token) return known.days;
    const days = await readListedDays(this.connection.db!, domain);
    this.lists.set(domain, { token, days });
    return days;
  }

  /**
   * Says the registry is no longer complete (a store profile that does not keep it, store/profile.ts):
   * a process that reads by day later builds it anew instead of trusting a list that missed writes.
   */
  async forget(): Promise<void> {
    await this.meta.deleteOne({ _id: DAYS_REGISTRY_MARKER });
    this.complete = false;
  }

  /**
   * Builds the registry from the stored records, once per store: for a store whose records were
   * written before it existed. Reads each collection's distinct days (a whole read on FerretDB:
   * minutes at 1,000,000 records, in the background at start). Records must all carry `eventDay`
   * (Statistics.backfillMonths runs first). Returns the number of days listed, or null when the
   * marker says it was built already.
   */
  async build(models: Models, log?: RegistryLog): Promise<number | null> {
    if (await this.meta.findOne({ _id: DAYS_REGISTRY_MARKER })) {
      this.complete = true;
      return null;
    }
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
}
