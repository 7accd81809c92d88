/**
 * Which calendar months each record collection holds: the registry behind month-by-month list
 * reads on FerretDB.
 *
 * FerretDB 1.24 pushes neither a sort nor a range down to PostgreSQL, so a list page ("the newest
 * 100 custody records of area 5002") reads every record that matches the filter and sorts them in
 * its own process: 115,000 records and ~30 s at 1,000,000 records, growing with the store. Every
 * record carries `eventMonth` (its `eventAt` month in Beijing time, stamped at ingest), and months
 * cut the `eventAt` order into consecutive slices. So a page can be read newest month first, each
 * month one query with `eventMonth` as an extra equality, which FerretDB does push down (served by
 * a GIN index, server/ferretdb-indexes.ts): the reads stop once the page is full, and a month holds
 * a few thousand records however old the store is.
 *
 * To walk months without guessing, the hub keeps `record_months`: one document per (collection,
 * month) that ever held a record. Ingest notes a batch's months before it writes the records (so a
 * stored record's month is always listed; a month whose write then failed is only an empty slice),
 * and a store that predates the registry gets it built once at start, after which a marker in
 * `hub_meta` says it is complete. Until then list reads use the plain plan.
 */
import type { Connection } from 'mongoose';
import { DOMAINS, type Domain } from '../domain/records';
import { eventMonthOf, type Models } from './models';

/** `hub_meta` document: `record_months` lists every month of every stored record */
export const MONTHS_REGISTRY_MARKER = 'record-months';
const COLLECTION = 'record_months';
const DUPLICATE_KEY = 11000;

/** Most months read at once, once the first month did not fill the page. */
const MONTH_WAVE_MAX = 8;

/**
 * Up to `limit` records in `eventAt` descending order, read month by month: `months` newest first
 * (the registry's list), narrowed to the position's month and older (`newest`, the `eventAt` of
 * the position) and to the range [`from`, `before`). `readMonth(month, isPositionMonth, want)`
 * returns up to `want` of that month's records in order, strictly after the position when it is
 * the position's month. Months are consecutive slices of the order, so the concatenation is the
 * sorted whole. The first month is read alone (a dense filter fills the page from it); after
 * that, waves of 2, 4, then 8 months at once, so a sparse filter does not pay one round trip per
 * empty month.
 */
export async function readByMonth<T>(
  months: readonly string[],
  bounds: { newest?: Date | null; from?: Date | null; before?: Date | null },
  limit: number,
  readMonth: (month: string, isPositionMonth: boolean, want: number) => Promise<T[]>,
): Promise<T[]> {
  const newest = bounds.newest ? eventMonthOf(bounds.newest) : null;
  const upTo = bounds.before ? eventMonthOf(new Date(bounds.before.getTime() - 1)) : null;
  const from = bounds.from ? eventMonthOf(bounds.from) : null;
  const todo = months.filter((m) => (!newest || m <= newest) && (!upTo || m <= upTo) && (!from || m >= from));
  const out: T[] = [];
  let wave = 1;
  for (let i = 0; i < todo.length && out.length < limit; i += wave, wave = Math.min(wave * 2, MONTH_WAVE_MAX)) {
    const want = limit - out.length;
    const slices = await Promise.all(todo.slice(i, i + wave).map((m) => readMonth(m, m === newest, want)));
    for (const rows of slices) {
      out.push(...rows.slice(0, limit - out.length));
      if (out.length >= limit) break;
    }
  }
  return out;
}

interface MonthDoc {
  _id: string;
  domain: Domain;
  month: string;
}

interface MonthsLog {
  info(obj: object, msg: string): void;
}

export class RecordMonths {
  /** months this process already knows are listed, per domain (so ingest writes a month once) */
  private readonly noted = new Set<string>();
  /** domains whose listed months this process has read */
  private readonly loaded = new Set<Domain>();
  private complete = false;

  constructor(private readonly connection: Connection) {}

  private get collection() {
    return this.connection.db!.collection<MonthDoc>(COLLECTION);
  }

  private get meta() {
    return this.connection.db!.collection<{ _id: string; at: Date }>('hub_meta');
  }

  /** Lists `months` for `domain` (before the records are written). Costs a store write only for months this process has not noted. */
  async note(domain: Domain, months: Iterable<string>): Promise<void> {
    if (!this.loaded.has(domain)) {
      for (const d of await this.collection.find({ domain }, { projection: { month: 1 } }).toArray()) this.noted.add(`${domain}:${d.month}`);
      this.loaded.add(domain);
    }
    const fresh = [...new Set(months)].filter((m) => !this.noted.has(`${domain}:${m}`));
    if (fresh.length === 0) return;
    const docs = fresh.map((month) => ({ _id: `${domain}:${month}`, domain, month }));
    try {
      await this.collection.insertMany(docs, { ordered: false });
    } catch (error: any) {
      // Already listed (another push or replica noted it first): what matters is that it is there.
      const errors: { code?: number }[] = Array.isArray(error?.writeErrors) ? error.writeErrors : error?.writeErrors ? [error.writeErrors] : [error];
      if (!errors.every((e) => e?.code === DUPLICATE_KEY)) throw error;
      // FerretDB stops an unordered insert at its first error: write the rest one by one.
      for (const doc of docs) {
        await this.collection.insertOne(doc).catch((e: { code?: number }) => { if (e.code !== DUPLICATE_KEY) throw e; });
      }
    }
    for (const m of fresh) this.noted.add(`${domain}:${m}`);
  }

  /** The months `domain` holds records in, newest first; null while the registry is not known to be complete. */
  async list(domain: Domain): Promise<string[] | null> {
    if (!this.complete) {
      this.complete = !!(await this.meta.findOne({ _id: MONTHS_REGISTRY_MARKER }));
      if (!this.complete) return null;
    }
    const docs = await this.collection.find({ domain }, { projection: { month: 1 } }).toArray();
    return docs.map((d) => d.month).sort().reverse();
  }

  /**
   * Builds the registry from the stored records, once per store: for a store whose records were
   * written before it existed. Reads each collection's distinct months (a whole read on FerretDB:
   * minutes at 1,000,000 records, in the background at start). Records must all carry `eventMonth`
   * (Statistics.backfillMonths runs first). Returns the number of months listed, or null when the
   * marker says it was built already.
   */
  async build(models: Models, log?: MonthsLog): Promise<number | null> {
    if (await this.meta.findOne({ _id: MONTHS_REGISTRY_MARKER })) { this.complete = true; return null; }
    let listed = 0;
    for (const domain of DOMAINS) {
      const months = (await models.records[domain].collection.distinct('eventMonth')).filter((m): m is string => typeof m === 'string');
      await this.note(domain, months);
      listed += months.length;
    }
    await this.meta.updateOne({ _id: MONTHS_REGISTRY_MARKER }, { $set: { at: new Date() } }, { upsert: true });
    this.complete = true;
    log?.info({ months: listed }, 'list reads: months registry built from the stored records');
    return listed;
  }
}
