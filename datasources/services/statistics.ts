/**
 * Statistics for analysts: one domain's records counted by REGION, MONTH, YEAR, STATUS, CATEGORY,
 * FACILITY and SOURCE, over the hosted store and every live source of the domain.
 *
 * Hosted records are counted in the store: `$match` (the list query, jurisdiction and suspended
 * sources applied) then `$group` on plain field paths. Live sources are paged through their list
 * protocol and counted here; both feed the same folding, so a bucket means the same wherever its
 * records live. A live source that fails is left out whole (never counted in part) and reported.
 *
 * FerretDB 1.24, measured (docs/store.md: only what it and MongoDB both support):
 * - no date operators (`$year`, `$dateToString`: "not implemented yet"), so months come from the
 *   stored `eventMonth` (Beijing time, written at ingest; older documents are filled by
 *   `backfillMonths`), and YEAR is folded from months here. Grouping by `eventAt` itself is no way
 *   out: it makes a group per instant;
 * - `$project`/`$addFields` take `'$field'` as a literal string, so group keys are field paths in
 *   `$group._id` only;
 * - a `$group` computes only its first accumulator; the others come back 0 (FerretDB issue #4616).
 *   So the amount of enforcement cases is a second pipeline with one accumulator, run in parallel.
 */
import { GraphQLError } from 'graphql';
import { Types } from 'mongoose';
import { DOMAINS, RECORD_DOMAINS, type Domain, type Terms } from '../../domain/record-domains';
import { regionName } from '../../domain/regions';
import {
  EVENT_STAMPS_MARKER,
  eventDayOf,
  eventHourOf,
  eventMonthOf,
  type AnyRecordDoc,
  type DataSourceDoc,
  type Models,
} from '../store/models';
import { badInput } from '../../lib/errors';
import { commonQuery, type CommonFilter, type RecordStore } from '../store/record-store';
import { domainFilterParams, matchesDomainFilter, type DomainFilter } from '../store/record-filters';
import { hostedStoreQuery, narrowRegions, type RequestScope } from '../sources/federated-records';
import { SourceCallError, type ConnectorPool } from '../sources/connectors';
import type { SourceRegistry } from '../sources/registry';
import { updateEach, type SingleUpdate } from '../store/single-updates';
import type { RecordDays } from '../store/ferretdb/record-days';
import {
  FLAG_RELEASED,
  FLAG_SUSPECTED_CRIME,
  FLAG_TRANSFERRED,
  monthSpan,
  type Group,
  type GroupShape,
  type Partition,
  type StatCounts,
} from './stat-counts';

export type StatDimension = 'REGION' | 'MONTH' | 'YEAR' | 'STATUS' | 'CATEGORY' | 'FACILITY' | 'SOURCE';

/** `StatFilter` of the schema. */
export interface StatFilter extends Omit<CommonFilter, 'idNumber'> {
  statuses?: readonly string[] | null;
  categories?: readonly string[] | null;
  facilityCodes?: readonly string[] | null;
  inCustody?: boolean | null;
  stageDeadlineBefore?: Date | null;
  suspectedCrime?: boolean | null;
  withTransfer?: boolean | null;
}

export interface StatKey {
  dimension: StatDimension;
  value: string;
  label: string;
}
export interface StatBucket {
  keys: StatKey[];
  count: number;
  amount: number | null;
}

/** Most dimensions in one `groupBy`: beyond that buckets approach single records. */
export const MAX_GROUP_BY = 4;
/** Most buckets one answer may hold unless configured (STATISTICS_MAX_BUCKETS): a four-dimension question returned 47,303 (14 MB of JSON). */
export const DEFAULT_MAX_BUCKETS = 10_000;
/** Records per request when paging through a live source. */
export const LIVE_STAT_PAGE = 1000;
/** Most records counted from one live source in one answer; past it the source is reported, not miscounted. */
export const MAX_LIVE_RECORDS = 200_000;
const BACKFILL_BATCH = 1000;
/** `hub_meta` document: every stored record has its `eventMonth`, `eventDay` and `eventHour` (models.ts) */
export const MONTH_DAY_MARKER = EVENT_STAMPS_MARKER;

/** Where each dimension lives in a domain's records, and the Chinese terms of its enum values (from its description, domain/record-domains/). */
interface DomainShape {
  status: string;
  category: string;
  unit: string;
  statuses: Readonly<Record<string, string>>;
  categories: Readonly<Record<string, string>>;
  /** the field added up as the amount, if any */
  amount?: string;
}

const zh = (terms: Terms<string>) => Object.fromEntries(Object.entries(terms).map(([v, t]) => [v, t.zh]));
const SHAPES = Object.fromEntries(
  DOMAINS.map((d) => {
    const r = RECORD_DOMAINS[d];
    return [
      d,
      {
        status: r.status.path,
        category: r.category.path,
        unit: r.unit,
        statuses: zh(r.status.terms),
        categories: zh(r.category.terms),
        amount: 'amount' in r ? r.amount : undefined,
      },
    ];
  }),
) as Record<Domain, DomainShape>;

/** Filter fields that only one domain has. */
const DOMAIN_ONLY: Partial<Record<keyof StatFilter, Domain>> = {
  inCustody: 'DETENTION',
  stageDeadlineBefore: 'DETENTION',
  suspectedCrime: 'ENFORCEMENT_CASE',
  withTransfer: 'ENFORCEMENT_CASE',
};

/** A counted group before folding: the raw key fields (short names, as in the store's `$group._id`). */
interface RawKey {
  r?: string;
  m?: string | null;
  s?: string;
  c?: string;
  f?: string;
  fn?: string;
  src?: string;
}
interface RawRow {
  key: RawKey;
  count: number;
  amount: number;
}

/** The `$group._id` fields a dimension needs. */
function groupFields(shape: DomainShape, dim: StatDimension): Record<string, string> {
  switch (dim) {
    case 'REGION':
      return { r: '$region' };
    case 'MONTH':
    case 'YEAR':
      return { m: '$eventMonth' };
    case 'STATUS':
      return { s: `$${shape.status}` };
    case 'CATEGORY':
      return { c: `$${shape.category}` };
    case 'FACILITY':
      return { f: `$${shape.unit}.code`, fn: `$${shape.unit}.name` };
    case 'SOURCE':
      return { src: '$sourceId' };
  }
}

function path(record: unknown, dotted: string): string | undefined {
  let v: any = record;
  for (const part of dotted.split('.')) v = v?.[part];
  return typeof v === 'string' ? v : undefined;
}

/** What a record adds to its bucket's amount: its domain's amount field (yuan), or nothing. */
function amountOf(shape: DomainShape, r: object): number {
  const v = shape.amount ? (r as Record<string, unknown>)[shape.amount] : undefined;
  return typeof v === 'number' ? v : 0;
}

/** The raw key of a live record (every field; folding picks what `groupBy` asked). */
function rawKeyOf(shape: DomainShape, r: AnyRecordDoc): RawKey {
  const unit = (r as unknown as Record<string, { code: string; name: string } | undefined>)[shape.unit];
  return {
    r: r.region,
    m: eventMonthOf(r.eventAt),
    s: path(r, shape.status),
    c: path(r, shape.category),
    f: unit?.code,
    fn: unit?.name,
    src: r.sourceId.toHexString(),
  };
}

/**
 * How records map to the groups counted ahead (stat-counts.ts): the fields every dimension and
 * filter of `statistics` reads (the source among them), except `eventAt`: a partition is a month.
 * `stageDeadlineBefore` is the one filter a group cannot answer.
 */
export const GROUP_SHAPE: GroupShape = {
  projection(domain) {
    const shape = SHAPES[domain];
    return {
      sourceId: 1,
      region: 1,
      [shape.status]: 1,
      [shape.category]: 1,
      [shape.unit]: 1,
      releasedAt: 1,
      suspectedCrime: 1,
      transfer: 1,
      ...(shape.amount ? { [shape.amount]: 1 } : {}),
    };
  },
  key(domain, r) {
    const shape = SHAPES[domain];
    const unit = r[shape.unit] as { code?: string; name?: string } | undefined;
    const flags =
      (r.releasedAt != null ? FLAG_RELEASED : 0) |
      (r.suspectedCrime === true ? FLAG_SUSPECTED_CRIME : 0) |
      (r.transfer != null ? FLAG_TRANSFERRED : 0);
    return [
      String(r.sourceId),
      r.region ?? null,
      path(r, shape.status) ?? null,
      path(r, shape.category) ?? null,
      unit?.code ?? null,
      unit?.name ?? null,
      flags,
    ];
  },
  amount: (domain, r) => amountOf(SHAPES[domain], r),
};

/** A record with only what a group knows of it, for the live matchers (they are the hub's own reading of every filter). */
function groupRecord(shape: DomainShape, g: Group): AnyRecordDoc {
  const r: Record<string, any> = { region: g[1] ?? '' };
  const set = (dotted: string, v: unknown) => {
    const parts = dotted.split('.');
    let o = r;
    for (const part of parts.slice(0, -1)) o = o[part] ??= {};
    o[parts[parts.length - 1]] = v;
  };
  set(shape.status, g[2] ?? undefined);
  set(shape.category, g[3] ?? undefined);
  r[shape.unit] = { code: g[4] ?? undefined, name: g[5] ?? undefined };
  r.releasedAt = g[6] & FLAG_RELEASED ? new Date(0) : null;
  r.suspectedCrime = (g[6] & FLAG_SUSPECTED_CRIME) !== 0;
  r.transfer = g[6] & FLAG_TRANSFERRED ? {} : null;
  return r as AnyRecordDoc;
}

/** What a domain's own list filter, live matcher and department parameters are. */
interface DomainAccess {
  filter(f: StatFilter, stages: readonly string[] | undefined): CommonFilter;
  matches(r: AnyRecordDoc, f: CommonFilter): boolean;
  params(f: CommonFilter): Record<string, string>;
}

/** The list filter field (of kind `in`) on `path`, if the domain has one. */
function listFieldOn(domain: Domain, path: string): string | undefined {
  return RECORD_DOMAINS[domain].filters.find((x) => x.kind === 'in' && x.path === path)?.name;
}

/** StatFilter in the domain's own list filter fields: units, statuses and categories by where they are stored, the booleans by name. */
function accessOf(domain: Domain): DomainAccess {
  const r = RECORD_DOMAINS[domain];
  const unit = listFieldOn(domain, `${r.unit}.code`);
  const status = listFieldOn(domain, r.status.path);
  const category = listFieldOn(domain, r.category.path);
  const sameField = r.status.path === r.category.path;
  return {
    filter: (f, stages) => {
      const out: Record<string, unknown> = {};
      if (unit) out[unit] = f.facilityCodes;
      if (sameField) {
        if (status) out[status] = stages;
      } else {
        if (status) out[status] = f.statuses;
        if (category) out[category] = f.categories;
      }
      for (const x of r.filters) if (x.kind !== 'in' && x.name in f) out[x.name] = f[x.name as keyof StatFilter];
      return out as CommonFilter;
    },
    matches: (rec, f) => matchesDomainFilter(domain, rec, f as DomainFilter),
    params: (f) => domainFilterParams(domain, f as DomainFilter),
  };
}
const ACCESS = Object.fromEntries(DOMAINS.map((d) => [d, accessOf(d)])) as Record<Domain, DomainAccess>;

/** Conditions of StatFilter that no list filter has: as a store query, and as a check on a live record. */
function extraConditions(domain: Domain, f: StatFilter): { query: Record<string, unknown>; matches: (r: any) => boolean } {
  const query: Record<string, unknown> = {};
  const checks: ((r: any) => boolean)[] = [];
  // categories stored where no list filter field reads (PRISON's `sentence.kind`)
  const categoryPath = RECORD_DOMAINS[domain].category.path;
  if (f.categories?.length && categoryPath !== RECORD_DOMAINS[domain].status.path && !listFieldOn(domain, categoryPath)) {
    const kinds = [...f.categories];
    query[categoryPath] = { $in: kinds };
    checks.push((r) => kinds.includes(path(r, categoryPath) as string));
  }
  if (domain === 'DETENTION' && f.stageDeadlineBefore) {
    const before = f.stageDeadlineBefore;
    // `releasedAt: null` also matches a missing field, on MongoDB and FerretDB alike.
    query.releasedAt = null;
    query.stageDeadline = { $lt: before };
    checks.push((r) => !r.releasedAt && r.stageDeadline instanceof Date && r.stageDeadline < before);
  }
  if (domain === 'ENFORCEMENT_CASE' && f.withTransfer != null) {
    const wanted = f.withTransfer;
    query.transfer = wanted ? { $ne: null } : null;
    checks.push((r) => wanted === (r.transfer != null));
  }
  return { query, matches: (r) => checks.every((c) => c(r)) };
}

/** Something to say what a start-up task did (pino's logger fits). */
export interface StatisticsLog {
  info(fields: object, message: string): void;
}

export class Statistics {
  constructor(
    private readonly models: Models,
    private readonly registry: SourceRegistry,
    private readonly connectors: ConnectorPool,
    private readonly hosted: { [D in Domain]: RecordStore<D, any> },
    /** count per hosted source and add up (FerretDB, whose `$group` slows with every group) */
    private readonly perSource = false,
    /** the statistics partitions (stat-counts.ts): the month backfill marks those it changes */
    readonly counted?: StatCounts,
    /** answer from the partitions' counts (STATISTICS_AHEAD); false: aggregate in the store every time */
    private readonly ahead = true,
    /** the list reads' days registry: the backfill lists the days it stamps */
    private readonly days?: RecordDays,
    /** most buckets one answer may hold (STATISTICS_MAX_BUCKETS) */
    private readonly maxBuckets = DEFAULT_MAX_BUCKETS,
  ) {}

  /**
   * Stamps `eventMonth` (statistics), `eventDay` and `eventHour` (list reads, record-days.ts and
   * record-store.ts) on stored records written before they existed (or by an older replica);
   * idempotent: only documents without a day or an hour are touched, and all three are functions of
   * `eventAt`.
   * Meant for start-up (`createHub`, with its logger); a count by month that meets a record without
   * one also runs it, for that domain, and counts again. Returns how many documents it filled.
   */
  async backfillMonths(log?: StatisticsLog, domains: readonly Domain[] = DOMAINS): Promise<number> {
    // Finding records without a month reads every record on FerretDB (a `$exists` is not pushed
    // down): 200 s of store time at 1,000,000 records, at every start. Once a whole pass found every
    // record stamped, a marker says so and later starts skip it (ingest stamps every new record;
    // a count by month that still meets one without runs the pass again for its domain).
    const meta = this.models.DataSource.db.collection<{ _id: string; at: Date }>('hub_meta');
    const whole = domains.length === DOMAINS.length;
    if (whole && (await meta.findOne({ _id: MONTH_DAY_MARKER }))) return 0;
    let filled = 0;
    for (const domain of domains) {
      const collection = this.models.records[domain].collection;
      for (;;) {
        const unstamped = { $or: [{ eventDay: { $exists: false } }, { eventHour: { $exists: false } }] };
        const missing = await collection
          .find(unstamped, { projection: { eventAt: 1, eventMonth: 1 }, limit: BACKFILL_BATCH, batchSize: BACKFILL_BATCH })
          .toArray();
        const dated = missing.filter((d) => d.eventAt instanceof Date);
        const writes: SingleUpdate<any>[] = dated.map((d) => ({
          updateOne: {
            filter: { _id: d._id, ...unstamped },
            update: { $set: { eventMonth: eventMonthOf(d.eventAt), eventDay: eventDayOf(d.eventAt), eventHour: eventHourOf(d.eventAt) } },
          },
        }));
        if (writes.length === 0) break;
        // A record that gets its month joins that month's statistics partition, as if ingest had just written it
        // (one that only lacked its hour is in its partition already).
        const months = dated.filter((d) => !d.eventMonth).map((d) => eventMonthOf(d.eventAt));
        const mark = (how: 'writing' | 'written') => this.counted?.[how](domain, months);
        await Promise.all([
          mark('writing'),
          this.days?.note(
            domain,
            dated.map((d) => eventDayOf(d.eventAt)),
          ),
        ]);
        // One command per update (single-updates.ts: FerretDB stalls on commands of many).
        const modified = await updateEach(collection, writes).finally(() => mark('written'));
        filled += modified;
        if (missing.length < BACKFILL_BATCH || modified === 0) break;
      }
    }
    if (filled > 0)
      log?.info({ documents: filled, domains }, 'statistics: filled eventMonth, eventDay and eventHour on records stored without them');
    if (whole) await meta.updateOne({ _id: MONTH_DAY_MARKER }, { $set: { at: new Date() } }, { upsert: true });
    return filled;
  }

  /**
   * Buckets of `domain`'s records grouped by `groupBy`, ordered by their key values ascending (in
   * `groupBy` order). `scope.regions` is the caller's jurisdiction: nothing outside it is counted.
   */
  async compute(
    domain: Domain,
    groupBy: readonly StatDimension[],
    requested: StatFilter | null | undefined,
    scope: RequestScope,
  ): Promise<StatBucket[]> {
    const shape = SHAPES[domain];
    const f: StatFilter = requested ?? {};
    const stages = validate(domain, shape, groupBy, f);
    commonQuery(f); // the common fields, checked before anything is asked
    const regions = narrowRegions(f.regions, scope.regions);
    if (regions?.length === 0) return [];
    if (stages?.length === 0) return []; // DETENTION: statuses and categories share no stage
    const filter = { ...ACCESS[domain].filter(f, stages), regions, sourceIds: f.sourceIds, eventFrom: f.eventFrom, eventTo: f.eventTo };
    const extra = extraConditions(domain, f);

    const byMonth = groupBy.includes('MONTH') || groupBy.includes('YEAR');
    const liveSources = this.liveSources(domain, filter);
    // Only an answer from hosted records alone can be kept: a live source's records change without a mark.
    const question = liveSources.length === 0 ? JSON.stringify([domain, groupBy, f, regions]) : null;
    const hostedRows = async (): Promise<HostedRows> => {
      const ahead = f.stageDeadlineBefore ? null : await this.countAhead(domain, shape, groupBy, f, filter, extra.matches, question);
      if (ahead) return ahead;
      const rows = await this.countHosted(domain, shape, groupBy, filter, extra.query);
      // Records stored without a month (before it existed, or by an older replica): fill them and count again, once.
      if (!byMonth || !rows.some((r) => r.key.m == null) || (await this.backfillMonths(undefined, [domain])) === 0)
        return { rows, version: null };
      return { rows: await this.countHosted(domain, shape, groupBy, filter, extra.query), version: null };
    };
    const [hosted, ...live] = await Promise.all([
      hostedRows(),
      ...liveSources.map((source) => this.countLive(domain, shape, source, filter, extra.matches, scope)),
    ]);
    if ('kept' in hosted) return hosted.kept;
    const buckets = fold(domain, shape, groupBy, hosted.rows.concat(...live), this.registry, this.maxBuckets);
    if (question && hosted.version) this.kept.keep(question, hosted.version, buckets);
    return buckets;
  }

  /** Answers to repeated questions, kept while the partitions they were counted from are unchanged. */
  private readonly kept = new KeptAnswers();

  /** Live sources of the domain that the filter reaches (as lists pick them). */
  private liveSources(domain: Domain, filter: CommonFilter) {
    const overlaps = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);
    return this.registry
      .list(domain, 'ACTIVE')
      .filter(
        (s) =>
          s.kind !== 'HOSTED' &&
          (!filter.regions?.length || filter.regions.some((r) => s.regions.some((sr) => overlaps(r, sr)))) &&
          (!filter.sourceIds?.length || filter.sourceIds.includes(s._id.toHexString())),
      );
  }

  /**
   * The hosted records' groups from the partitions' counts (stat-counts.ts), filters applied to the
   * group keys with the same matchers as live records; null until the partitions are built.
   * Partitions cut by `eventFrom`/`eventTo` are counted from their records with the range.
   */
  private async countAhead(
    domain: Domain,
    shape: DomainShape,
    groupBy: readonly StatDimension[],
    f: StatFilter,
    filter: CommonFilter,
    extra: (r: AnyRecordDoc) => boolean,
    question: string | null,
  ): Promise<HostedRows | null> {
    if (!this.ahead || !this.counted || !(await this.counted.isReady())) return null;
    const wanted = filter.sourceIds?.length ? new Set(filter.sourceIds.map(String)) : null;
    // As in the store query (hostedStoreQuery): suspended hosted sources are left out.
    const suspended = new Set(
      this.registry
        .list(domain, 'SUSPENDED')
        .filter((s) => s.kind === 'HOSTED')
        .map((s) => s._id.toHexString()),
    );
    const from = filter.eventFrom?.getTime() ?? -Infinity;
    const to = filter.eventTo?.getTime() ?? Infinity;
    const whole: Partition[] = [];
    const cut: Partition[] = [];
    for (const p of await this.counted.list(domain)) {
      const [start, end] = monthSpan(p.month);
      if (end <= from || start >= to) continue;
      (start >= from && end <= to ? whole : cut).push(p);
    }
    // What the answer was counted from: every partition's token (and the suspended sources). A partition
    // cut by the range, or with a write in flight (its counts are not kept either), makes it one-off.
    const now = this.counted.now();
    const version =
      question && cut.length === 0 && whole.every((p) => !p.writingUntil || p.writingUntil.getTime() <= now)
        ? `${[...suspended].sort().join(',')}|${whole
            .map((p) => `${p._id}:${p.token}`)
            .sort()
            .join(',')}`
        : null;
    const kept = question && version ? this.kept.get(question, version) : undefined;
    if (kept) return { kept };
    const counted = this.counted;
    const range = { ...(filter.eventFrom ? { $gte: filter.eventFrom } : {}), ...(filter.eventTo ? { $lt: filter.eventTo } : {}) };
    const [groups, cutGroups] = await Promise.all([
      counted.groups(domain, whole),
      Promise.all(cut.map((p) => counted.count(domain, p.month, range))),
    ]);
    // Folded here by the fields `groupBy` needs, so that what goes on is a row per bucket, not per group
    // (1,000,000 records hold ~100,000 groups per domain). The matchers run only for filters on
    // what a group's key holds beyond its source and district.
    const access = ACCESS[domain];
    const plain = !(
      f.statuses?.length ||
      f.categories?.length ||
      f.facilityCodes?.length ||
      f.inCustody != null ||
      f.suspectedCrime != null ||
      f.withTransfer != null
    );
    const by = {
      src: groupBy.includes('SOURCE'),
      r: groupBy.includes('REGION'),
      m: groupBy.includes('MONTH') || groupBy.includes('YEAR'),
      s: groupBy.includes('STATUS'),
      c: groupBy.includes('CATEGORY'),
      f: groupBy.includes('FACILITY'),
    };
    // rows by the month part of the bucket, then by the group part (bucketKeys: kept with the group list)
    const rows = new Map<string, Map<string, RawRow>>();
    // Without YEAR (months folded into years) or FACILITY (a unit's names folded into its code), a row
    // here is a bucket: a question past the bound stops at its first row too many, not after all of them.
    const rowIsBucket = !groupBy.includes('YEAR') && !groupBy.includes('FACILITY');
    let distinct = 0;
    const add = (month: string, list: readonly Group[]) => {
      const keys = bucketKeys(list, by);
      const monthPart = by.m ? month : '';
      let inMonth = rows.get(monthPart);
      if (!inMonth) rows.set(monthPart, (inMonth = new Map()));
      for (let i = 0; i < list.length; i++) {
        const g = list[i];
        if (suspended.has(g[0]) || (wanted && !wanted.has(g[0]))) continue;
        if (filter.regions?.length && !filter.regions.some((prefix) => (g[1] ?? '').startsWith(prefix))) continue;
        if (!plain) {
          const r = groupRecord(shape, g);
          if (!access.matches(r, filter) || !extra(r)) continue;
        }
        let row = inMonth.get(keys[i]);
        if (!row) {
          if (rowIsBucket && ++distinct > this.maxBuckets) throw tooManyBuckets(this.maxBuckets);
          inMonth.set(
            keys[i],
            (row = {
              key: {
                src: g[0],
                r: g[1] ?? undefined,
                m: month,
                s: g[2] ?? undefined,
                c: g[3] ?? undefined,
                f: g[4] ?? undefined,
                fn: g[5] ?? undefined,
              },
              count: 0,
              amount: 0,
            }),
          );
        }
        row.count += g[7];
        row.amount += g[8];
      }
    };
    for (const p of whole) add(p.month, groups.get(p._id) ?? []);
    cut.forEach((p, i) => add(p.month, cutGroups[i]));
    // amounts were added up in fen (exact); yuan from here on
    return {
      rows: [...rows.values()].flatMap((inMonth) => [...inMonth.values()]).map((row) => ({ ...row, amount: row.amount / 100 })),
      version,
    };
  }

  /** The hosted store's groups: one aggregate (two for enforcement: count and amount, see the header). */
  private async countHosted(
    domain: Domain,
    shape: DomainShape,
    groupBy: readonly StatDimension[],
    filter: CommonFilter,
    extra: Record<string, unknown>,
  ): Promise<RawRow[]> {
    const match = hostedStoreQuery(this.registry, domain, { ...this.hosted[domain].query(filter), ...extra }, filter);
    if (!match) return [];
    const id = Object.assign({}, ...groupBy.map((d) => groupFields(shape, d))) as Record<string, string>;
    const collection = this.models.records[domain].collection;
    // FerretDB reads every matching document for a `$group` and finds each one's group by comparing
    // it with the groups so far: district × month over 36,000 custody records (4,943 groups) took 76 s.
    // One aggregate per hosted source instead, each an equality on `sourceId` (pushed down to an
    // index), with the few groups one source has: the same answer, summed here, in ~4 s. Exhaustive:
    // a hosted record is only ever written for a registered source, and sources are never removed.
    const matches = this.perSource ? this.perSourceMatches(domain, match, filter) : [match];
    const run = async (accumulator: unknown) =>
      (
        await Promise.all(
          matches.map((m) =>
            collection
              .aggregate<{ _id: Record<string, unknown>; v: number }>([{ $match: m }, { $group: { _id: id, v: accumulator } }], {
                batchSize: 100_000,
              })
              .toArray(),
          ),
        )
      ).flat();
    const [counts, amounts] = await Promise.all([run({ $sum: 1 }), shape.amount ? run({ $sum: `$${shape.amount}` }) : Promise.resolve([])]);
    const rows = new Map<string, RawRow>();
    for (const g of counts) {
      const k = groupId(g._id);
      const row = rows.get(k);
      if (row) row.count += g.v;
      else rows.set(k, { key: rawKeyFromGroup(g._id), count: g.v, amount: 0 });
    }
    for (const g of amounts) {
      const row = rows.get(groupId(g._id));
      if (row) row.amount += g.v;
    }
    return [...rows.values()];
  }

  /** `match` for each active hosted source of `domain` the filter allows, the source as an equality. */
  private perSourceMatches(domain: Domain, match: Record<string, unknown>, filter: CommonFilter): Record<string, unknown>[] {
    const wanted = filter.sourceIds?.length ? new Set(filter.sourceIds.map(String)) : null;
    return this.registry
      .list(domain, 'ACTIVE')
      .filter((s) => s.kind === 'HOSTED' && (!wanted || wanted.has(s._id.toHexString())))
      .map((s) => ({ ...match, sourceId: s._id }));
  }

  /** A live source's records, paged through and grouped; null when it failed (reported, not counted in part). */
  private async countLive(
    domain: Domain,
    shape: DomainShape,
    source: DataSourceDoc,
    filter: CommonFilter,
    extra: (r: AnyRecordDoc) => boolean,
    scope: RequestScope,
  ): Promise<RawRow[]> {
    const connector = this.connectors.for(source);
    const access = ACCESS[domain];
    const params = access.params(filter);
    const rows: RawRow[] = [];
    let cursor: string | null = null;
    let seen = 0;
    try {
      do {
        const page = await connector.list({
          regions: filter.regions,
          eventFrom: filter.eventFrom,
          eventTo: filter.eventTo,
          extra: params,
          limit: LIVE_STAT_PAGE,
          cursor,
        });
        for (const r of page.records) {
          // The hub's own check: departments may ignore some parameters, and jurisdiction is not theirs to apply.
          if (!commonMatches(r, filter) || !access.matches(r, filter) || !extra(r)) continue;
          rows.push({ key: rawKeyOf(shape, r), count: 1, amount: amountOf(shape, r) });
        }
        seen += page.records.length;
        cursor = page.nextCursor;
        if (cursor && seen >= MAX_LIVE_RECORDS)
          throw new SourceCallError(
            source._id.toHexString(),
            `${source.name}: more than ${MAX_LIVE_RECORDS} records to count live; narrow the filter`,
          );
      } while (cursor);
    } catch (e) {
      scope.called?.(source, false);
      scope.report(source, e as Error);
      return [];
    }
    scope.called?.(source, true);
    return rows;
  }
}

/** Regions and event time on a live record (the store applies them in the query). */
function commonMatches(r: AnyRecordDoc, f: CommonFilter): boolean {
  return (
    (!f.regions?.length || f.regions.some((p) => r.region.startsWith(p))) &&
    (!f.eventFrom || r.eventAt >= f.eventFrom) &&
    (!f.eventTo || r.eventAt < f.eventTo)
  );
}

function rawKeyFromGroup(id: Record<string, unknown>): RawKey {
  const key: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(id ?? {})) key[k] = v instanceof Types.ObjectId ? v.toHexString() : v == null ? null : String(v);
  return key as RawKey;
}

function groupId(id: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(id ?? {})
      .sort()
      .map((k) => [k, String(id[k])]),
  );
}

/** A question whose answer would hold more buckets than the bound: named with its setting, so an operator knows what to raise. */
function tooManyBuckets(max: number): GraphQLError {
  return new GraphQLError(
    `statistics: the answer would hold more than ${max} buckets (STATISTICS_MAX_BUCKETS); group by fewer dimensions or narrow the filter`,
    {
      extensions: { code: 'QUERY_TOO_COMPLEX', field: 'groupBy', limit: max },
    },
  );
}

/** Checks `groupBy` and the domain-specific filter fields; returns DETENTION's stage list (statuses ∩ categories). */
function validate(domain: Domain, shape: DomainShape, groupBy: readonly StatDimension[], f: StatFilter): string[] | undefined {
  if (groupBy.length === 0) throw badInput('groupBy', 'must name at least one dimension, e.g. [REGION, YEAR]');
  if (groupBy.length > MAX_GROUP_BY) throw badInput('groupBy', `at most ${MAX_GROUP_BY} dimensions, got ${groupBy.length}`);
  groupBy.forEach((d, i) => {
    if (groupBy.indexOf(d) !== i) throw badInput(`groupBy[${i}]`, `${d} is given twice`);
  });
  if (shape.status === shape.category && groupBy.includes('STATUS') && groupBy.includes('CATEGORY')) {
    throw badInput(
      `groupBy[${Math.max(groupBy.indexOf('STATUS'), groupBy.indexOf('CATEGORY'))}]`,
      `for ${domain}, STATUS and CATEGORY are both \`${shape.status}\`: give one of them`,
    );
  }
  for (const [field, only] of Object.entries(DOMAIN_ONLY)) {
    if (f[field as keyof StatFilter] != null && only !== domain)
      throw badInput(`filter.${field}`, `applies to ${only} only, not ${domain}`);
  }
  if (f.stageDeadlineBefore && f.inCustody === false)
    throw badInput('filter.stageDeadlineBefore', 'counts records still in custody; it cannot be combined with inCustody: false');
  const check = (field: 'statuses' | 'categories', known: Readonly<Record<string, string>>) =>
    f[field]?.forEach((v, i) => {
      if (!Object.hasOwn(known, v))
        throw badInput(
          `filter.${field}[${i}]`,
          `${domain} has no ${field === 'statuses' ? 'status' : 'category'} "${v}"; expected one of ${Object.keys(known).join(', ')}`,
        );
    });
  check('statuses', shape.statuses);
  check('categories', shape.categories);
  if (shape.status !== shape.category) return undefined;
  const s = f.statuses?.length ? f.statuses : undefined;
  const c = f.categories?.length ? f.categories : undefined;
  return s && c ? s.filter((v) => c.includes(v)) : (s ?? c)?.slice();
}

type BucketDimensions = { src: boolean; r: boolean; s: boolean; c: boolean; f: boolean };
/** per group list, per choice of dimensions: each group's part of its bucket's key */
const BUCKET_KEYS = new WeakMap<readonly Group[], Map<number, string[]>>();

/**
 * Each group's bucket key for the asked dimensions, but for the month. Made once per group list and
 * choice of dimensions and kept with the list: a partition's list is replaced, never changed, when
 * its counts change (stat-counts.ts), so the keys are never stale. Building them per answer was 9 %
 * of the hub's time in the statistics scenario's profile, plus the garbage it made.
 */
function bucketKeys(list: readonly Group[], by: BucketDimensions): string[] {
  const choice = (by.src ? 1 : 0) | (by.r ? 2 : 0) | (by.s ? 4 : 0) | (by.c ? 8 : 0) | (by.f ? 16 : 0);
  let perList = BUCKET_KEYS.get(list);
  if (!perList) BUCKET_KEYS.set(list, (perList = new Map()));
  let keys = perList.get(choice);
  if (!keys) {
    keys = list.map(
      (g) =>
        `${by.src ? g[0] : ''}\u0001${by.r ? g[1] : ''}\u0001${by.s ? g[2] : ''}\u0001${by.c ? g[3] : ''}\u0001${by.f ? `${g[4]}\u0001${g[5]}` : ''}`,
    );
    perList.set(choice, keys);
  }
  return keys;
}

/** The hosted records' rows, with what they were counted from (null: not to be kept); or an answer kept for that. */
type HostedRows = { rows: RawRow[]; version: string | null } | { kept: StatBucket[] };

/** Most buckets kept over all kept answers (district × month over one domain is ~5,000; ~200 bytes each). */
export const MAX_KEPT_BUCKETS = 50_000;

/**
 * The answers of this process's latest questions, each with the version it was counted from.
 *
 * Why: from counts kept per partition, an answer is still a fold of every group of every partition
 * (100,000 groups per domain at 1,000,000 records); an analyst's dashboard asks the same questions
 * again and again, and while no partition changed the fold gives the same buckets. A question is the
 * domain, `groupBy`, the filter and the caller's narrowed jurisdiction; the version is every covered
 * partition's token (a write changes it: stat-counts.ts) and the suspended sources. The buckets are
 * shared between answers and never changed after folding (labels are made when read).
 */
class KeptAnswers {
  private readonly answers = new Map<string, { version: string; buckets: StatBucket[] }>();
  private buckets = 0;

  get(question: string, version: string): StatBucket[] | undefined {
    const kept = this.answers.get(question);
    if (!kept || kept.version !== version) return undefined;
    // most recently used last: eviction takes the first
    this.answers.delete(question);
    this.answers.set(question, kept);
    return kept.buckets;
  }

  keep(question: string, version: string, buckets: StatBucket[]): void {
    if (buckets.length > MAX_KEPT_BUCKETS) return;
    const old = this.answers.get(question);
    if (old) {
      this.answers.delete(question);
      this.buckets -= old.buckets.length;
    }
    this.answers.set(question, { version, buckets });
    this.buckets += buckets.length;
    for (const [q, a] of this.answers) {
      if (this.buckets <= MAX_KEPT_BUCKETS) break;
      this.answers.delete(q);
      this.buckets -= a.buckets.length;
    }
  }
}

/** Folds raw groups (store and live alike) into the asked buckets, with labels, in key order. */
function fold(
  domain: Domain,
  shape: DomainShape,
  groupBy: readonly StatDimension[],
  rows: RawRow[],
  registry: SourceRegistry,
  maxBuckets: number,
): StatBucket[] {
  const buckets = new Map<string, { values: string[]; count: number; amount: number; names?: Map<string, number> }>();
  for (const { key, count, amount } of rows) {
    const values = groupBy.map((d) => valueOf(d, key));
    const id = JSON.stringify(values);
    let b = buckets.get(id);
    if (!b) {
      // refused at the first bucket past the bound: neither sorted, labelled nor sent
      if (buckets.size >= maxBuckets) throw tooManyBuckets(maxBuckets);
      buckets.set(id, (b = { values, count: 0, amount: 0 }));
    }
    b.count += count;
    b.amount += amount;
    // A unit renamed between records: its label is the name most of its records carry.
    if (key.fn) {
      b.names ??= new Map();
      b.names.set(key.fn, (b.names.get(key.fn) ?? 0) + count);
    }
  }
  const labels: Labeler = (d, v, names) => {
    if (v === '') return '未知';
    switch (d) {
      case 'REGION':
        return regionName(v);
      case 'MONTH':
        return `${v.slice(0, 4)}年${Number(v.slice(5, 7))}月`;
      case 'YEAR':
        return `${v}年`;
      case 'STATUS':
        return shape.statuses[v] ?? v;
      case 'CATEGORY':
        return shape.categories[v] ?? v;
      case 'FACILITY':
        return [...(names ?? [])].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? v;
      case 'SOURCE':
        return registry.get(v)?.name ?? v;
    }
  };
  return [...buckets.values()]
    .sort((a, b) => compareValues(a.values, b.values))
    .map((b) => ({
      keys: b.values.map((v, i) => new LabelledKey(groupBy[i], v, labels, b.names)),
      count: b.count,
      amount: shape.amount ? Math.round(b.amount * 100) / 100 : null,
    }));
}

type Labeler = (d: StatDimension, value: string, names: Map<string, number> | undefined) => string;

/**
 * A bucket's key whose label is made only when read: an answer of thousands of buckets (district ×
 * month) that asks for values only does not build a name for each of them.
 */
class LabelledKey implements StatKey {
  readonly #labels: Labeler;
  readonly #names: Map<string, number> | undefined;
  constructor(
    readonly dimension: StatDimension,
    readonly value: string,
    labels: Labeler,
    names: Map<string, number> | undefined,
  ) {
    this.#labels = labels;
    this.#names = names;
  }

  get label(): string {
    return this.#labels(this.dimension, this.value, this.#names);
  }
}

function valueOf(d: StatDimension, key: RawKey): string {
  switch (d) {
    case 'REGION':
      return key.r ?? '';
    case 'MONTH':
      return key.m ?? '';
    case 'YEAR':
      return key.m ? key.m.slice(0, 4) : '';
    case 'STATUS':
      return key.s ?? '';
    case 'CATEGORY':
      return key.c ?? '';
    case 'FACILITY':
      return key.f ?? '';
    case 'SOURCE':
      return key.src ?? '';
  }
}

function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}
