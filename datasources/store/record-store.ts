/**
 * The hosted store of one domain: records that departments pushed into the hub.
 *
 * Every list query is one indexed `find` (sorted `eventAt` desc, `_id` desc, keyset-paged) plus,
 * only when the client asks for `totalCount`, one `countDocuments`. Lookups by person are batched
 * by DataLoader (see loaders.ts) into one `$in` query, or on FerretDB parallel equalities (lookup.ts).
 */
import { Types, type Model } from 'mongoose';
import { regionPrefixProblem } from '../../domain/regions';
import { echo } from '../../domain/text';
import type { Domain } from '../../domain/records';
import type { AnyRecordDoc, RecordDocByDomain } from './models';
import { afterCondition, type Position } from './pagination';
import { badInput } from '../../lib/errors';
import { findByKeys, type BatchLookup } from './lookup';
import type { Projection } from './projection';
import { readByDay, type RecordDays } from './ferretdb/record-days';
import { HourPlans } from './ferretdb/hour-plans';
import { beijingHourOf as hourOfDay } from './models';

/**
 * How a list page is read: `sorted`, one find sorted by the store (MongoDB's index serves it);
 * `by-day`, newest day first, one find per day until the page is full (FerretDB, which sorts every
 * match in its own process: see record-days.ts).
 */
export type ListReads = 'sorted' | 'by-day';

/** Filters on these select a handful of records: one sorted read is cheaper than walking days. */
const SELECTIVE = ['idNumber', 'externalId', '_id'];

/** Filter fields every domain's list query has (docs/api.md). */
export interface CommonFilter {
  regions?: readonly string[] | null;
  sourceIds?: readonly string[] | null;
  eventFrom?: Date | null;
  eventTo?: Date | null;
  idNumber?: string | null;
}

/** Translates a domain's own filter fields; values are already validated scalars and enums. */
export type DomainFilterBuilder<F> = (filter: F, query: Record<string, unknown>) => void;

/** `{ field: { $in: [...] } }` for a non-empty list; the values are strings the schema validated. */
export function inList(query: Record<string, unknown>, field: string, values: readonly string[] | null | undefined): void {
  if (values && values.length > 0) query[field] = { $in: values.map(String) };
}

export function commonQuery(filter: CommonFilter | null | undefined): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (!filter) return query;
  if (filter.regions && filter.regions.length > 0) {
    filter.regions.forEach((r, i) => {
      const problem = regionPrefixProblem(r);
      if (problem) throw badInput(`filter.regions[${i}]`, problem);
    });
    const codes = filter.regions.every((r) => r.length === 6);
    // Whole district codes: equality on the scalar `region`, which FerretDB's PostgreSQL backend
    // pushes down to SQL (it reads the whole collection for `$in` or array fields). Prefixes: regionPath.
    if (codes && filter.regions.length === 1) query.region = filter.regions[0];
    else if (codes) query.region = { $in: [...filter.regions] };
    // One area: equality on the array of prefixes (an array equality matches an element), pushed down too.
    else if (filter.regions.length === 1) query.regionPath = filter.regions[0];
    else query.regionPath = { $in: [...filter.regions] };
  }
  if (filter.sourceIds && filter.sourceIds.length > 0) {
    query.sourceId = {
      $in: filter.sourceIds.map((id, i) => {
        if (!Types.ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id))
          throw badInput(`filter.sourceIds[${i}]`, `${echo(id)} is not a data source id`);
        return new Types.ObjectId(id);
      }),
    };
  }
  if (filter.eventFrom || filter.eventTo) {
    const range: Record<string, Date> = {};
    if (filter.eventFrom) range.$gte = filter.eventFrom;
    if (filter.eventTo) range.$lt = filter.eventTo;
    if (filter.eventFrom && filter.eventTo && filter.eventFrom >= filter.eventTo) {
      throw badInput('filter.eventTo', 'must be after filter.eventFrom');
    }
    query.eventAt = range;
  }
  if (filter.idNumber) query.idNumber = filter.idNumber;
  return query;
}

export class RecordStore<D extends Domain, F extends CommonFilter = CommonFilter> {
  /** how batches of ID numbers are looked up (set by createDataSources from the store's kind) */
  lookup: BatchLookup = 'in';
  /** how list pages are read (set by createDataSources from the store's kind), and the days registry they walk */
  listReads: ListReads = 'sorted';
  days?: RecordDays;
  /** the hour counts of dense days this process learned (by-day reads) */
  readonly hourPlans = new HourPlans();

  constructor(
    readonly domain: D,
    private readonly model: Model<RecordDocByDomain[D]>,
    private readonly buildDomainFilter: DomainFilterBuilder<F>,
  ) {}

  /**
   * Reads go through the driver's collection: mongoose runs with `sanitizeFilter` on, which would
   * neutralise the operators these filters are built with. The filters are built here only from
   * values the schema already validated as scalars, never from a client's object.
   */
  private get collection() {
    return this.model.collection;
  }

  /** The store query for a list filter (without paging). */
  query(filter: F | null | undefined): Record<string, unknown> {
    const query = commonQuery(filter);
    if (filter) this.buildDomainFilter(filter, query);
    return query;
  }

  /** Up to `limit` records strictly after `pos` (or from the start), newest first. One indexed find. */
  async page(
    query: Record<string, unknown>,
    pos: Position | null,
    limit: number,
    projection?: Projection,
  ): Promise<RecordDocByDomain[D][]> {
    if (limit <= 0) return [];
    if (this.listReads === 'by-day' && this.days && !SELECTIVE.some((k) => k in query) && !('eventDay' in query)) {
      // The days list this process read last is read by at once, while the store says whether it still
      // holds (its head token): one round trip less before the page, whose own finds queue behind it
      // under load. Only when another day was listed since are the days read again, and the page.
      const guess = this.days.lastRead(this.domain);
      const [days, rows] = await Promise.all([this.days.list(this.domain), guess && this.pageByDay(guess, query, pos, limit, projection)]);
      if (rows && days === guess) return rows;
      if (days) return this.pageByDay(days, query, pos, limit, projection);
    }
    return this.find(query, pos, limit, projection);
  }

  private async find(
    query: Record<string, unknown>,
    pos: Position | null,
    limit: number,
    projection?: Projection,
  ): Promise<RecordDocByDomain[D][]> {
    // The position's `$or` sits beside the filter's fields rather than in an `$and`: FerretDB pushes
    // top-level equalities (a district, a source, a day) down to SQL, and nothing under `$and`.
    const pageQuery = !pos ? query : '$or' in query ? { $and: [query, afterCondition(pos)] } : { ...query, ...afterCondition(pos) };
    return (await this.collection
      .find(pageQuery, { sort: { eventAt: -1, _id: -1 }, limit, batchSize: limit, projection })
      .toArray()) as RecordDocByDomain[D][];
  }

  /** The same page read day by day, newest first (record-days.ts). */
  private pageByDay(
    days: readonly string[],
    query: Record<string, unknown>,
    pos: Position | null,
    limit: number,
    projection?: Projection,
  ): Promise<RecordDocByDomain[D][]> {
    const range = query.eventAt as { $gte?: Date; $lt?: Date } | undefined;
    const shape = JSON.stringify(query);
    return readByDay(days, { newest: pos?.eventAt, from: range?.$gte, before: range?.$lt }, limit, (day, isPositionDay, want) =>
      this.readDay(shape, query, day, isPositionDay ? pos : null, want, projection),
    );
  }

  /** Up to `want` of a day's records after `pos`: by hours where this process learned that pays (hour-plans.ts), else whole. */
  private async readDay(
    shape: string,
    query: Record<string, unknown>,
    day: string,
    pos: Position | null,
    want: number,
    projection?: Projection,
  ): Promise<RecordDocByDomain[D][]> {
    const start = pos ? hourOfDay(pos.eventAt) : 23;
    const plan = this.hourPlans.plan(shape, day, start, want, pos !== null);
    if (plan && (await this.days!.hoursStamped())) {
      const slices = await Promise.all(
        plan.hours.map((h) =>
          this.find({ ...query, eventHour: `${day}T${String(h).padStart(2, '0')}` }, h === start ? pos : null, want, projection),
        ),
      );
      const rows = slices.flat();
      // every hour down to 0 read: that is the rest of the day, however many it holds
      if (rows.length >= want || plan.restOfDay) return rows.slice(0, want);
      this.hourPlans.forget(shape, day);
    }
    const rows = await this.find({ ...query, eventDay: day }, pos, want, projection);
    // Learned when the read took in more than a page's worth: it filled the page, or it began at a
    // position (FerretDB read the whole day for what follows the position).
    if (rows.length === want || pos !== null) {
      this.hourPlans.learn(
        shape,
        day,
        want,
        async () =>
          (await this.collection.find({ ...query, eventDay: day }, { projection: { _id: 0, eventAt: 1 }, batchSize: 1000 }).toArray()).map(
            (r) => r.eventAt as Date,
          ),
        hourOfDay,
      );
    }
    return rows;
  }

  /** How many records match (for `totalCount`, asked only when a client selects it). */
  count(query: Record<string, unknown>): Promise<number> {
    return this.collection.countDocuments(query);
  }

  /**
   * Who the records matching a name query are about (the name search): the ID number, the name and
   * the version of at most `limit` records, in no particular order. One find on the name's index.
   */
  byName(query: Record<string, unknown>, limit: number): Promise<Pick<AnyRecordDoc, 'idNumber' | 'name' | 'updatedAt'>[]> {
    return this.collection
      .find(query, { projection: { _id: 0, idNumber: 1, name: 1, updatedAt: 1 }, limit })
      .toArray() as unknown as Promise<Pick<AnyRecordDoc, 'idNumber' | 'name' | 'updatedAt'>[]>;
  }

  /**
   * The stored records with these ids (24 hex digits), in key order, null where there is none or the
   * id is not one (for DataLoader; a federation gateway's record entities). One lookup by `_id`.
   */
  async byIds(ids: readonly string[], projection?: Projection): Promise<(RecordDocByDomain[D] | null)[]> {
    const keys = [...new Set(ids.filter((id) => /^[0-9a-f]{24}$/i.test(id)).map((id) => id.toLowerCase()))];
    const rows = await findByKeys<RecordDocByDomain[D]>(
      this.collection,
      '_id',
      keys.map((id) => new Types.ObjectId(id)),
      { _id: 1 },
      this.lookup,
      projection,
    );
    const byId = new Map(rows.map((r) => [r._id.toHexString(), r]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  }

  /** Every record of these persons, newest first, grouped in key order (for DataLoader). */
  async byIdNumbers(idNumbers: readonly string[], projection?: Projection): Promise<RecordDocByDomain[D][][]> {
    // One person (the common dossier): plain equality, which FerretDB's PostgreSQL backend pushes
    // down to SQL; a page of persons: `$in` or parallel equalities, whichever the store serves faster.
    const rows = await findByKeys<RecordDocByDomain[D]>(
      this.collection,
      'idNumber',
      idNumbers,
      { eventAt: -1, _id: -1 },
      this.lookup,
      projection,
    );
    const byId = new Map<string, RecordDocByDomain[D][]>();
    for (const row of rows) {
      let list = byId.get(row.idNumber);
      if (!list) byId.set(row.idNumber, (list = []));
      list.push(row);
    }
    return idNumbers.map((id) => byId.get(id) ?? []);
  }
}
