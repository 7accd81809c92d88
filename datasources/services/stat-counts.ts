/**
 * Statistics counted ahead: the counts of each partition of the hosted records, kept ready so that
 * `statistics` does not read every record it counts.
 *
 * Why: FerretDB 1.24 turns stored rows into documents at ~3,200 per second per reader, and a count
 * reads every record it counts, so district × month over the custody records took 6.4 s at 100,000
 * records and 88 s at 1,000,000 (bench/results/2026-11-26.md). What an analyst asks is a fold of a
 * few thousand groups, not of a million records.
 *
 * How:
 * - A partition is one (domain, month of `eventAt` in Beijing time). For each, the store keeps its
 *   groups: every distinct (source, district, status, category, unit, flags) with its count and
 *   amount, counted from the partition's records (`stat_counts`). (Partitions per source and month
 *   were tried first: the demo data has a source per office, and 100,000 records made 20,253
 *   partitions of ~5 records, so reading the marks cost more than the records.) A statistics answer is a fold
 *   over the groups of the partitions it covers, filters applied to the group keys; a partition
 *   cut by `eventFrom`/`eventTo` is counted from its records with the range.
 * - Each partition also has a mark (`stat_partitions`) with a token. Ingest sets a new token on
 *   every partition a batch touches, before it writes (with a lease: "writes in flight until") and
 *   again after. Stored counts carry the token they were counted under, and are used only while it
 *   is still the partition's token; otherwise the partition is counted again from its records (on
 *   FerretDB day by day, equalities on `eventDay` that its GIN index serves; elsewhere one query on
 *   the indexed `eventMonth`).
 * - Counts are stored only when no write was in flight when counting began (the lease has passed),
 *   so a count that raced a write is used for that one answer and never kept. A write that lands
 *   after a count began changes the token afterwards. A hub that stops between its write and the
 *   second token leaves the lease, which runs out: the next count then includes the write.
 * - Why tokens and not `$inc` counters: FerretDB 1.24 updates a document by reading it and writing
 *   it back whole, without a lock (handler/msg_update.go, backends/postgresql UpdateAll), so two
 *   concurrent increments can lose one. A lost token update still leaves a token that differs
 *   from the one a count was made under, which is all this relies on. The counts are only ever
 *   replaced whole, by a count.
 * - Each process keeps the groups it used, per partition and token: a repeated question reads the
 *   marks (one small document per partition) and folds in memory.
 * - Cost to ingest: the marks of concurrent batches of a domain are shared (one runs at a time, the
 *   batches that finish meanwhile join the next), and an NDJSON push does not wait for them: this
 *   process's `statistics` waits for marks under way instead. Measured in-process, 24,000 synthetic
 *   custody records spanning ~150 months per batch, 3 runs: 2,283–2,576 records/s against 2,927–3,075
 *   without marks (and 1,832–2,338 when each batch waits for its own mark).
 * - No update command carries more than one statement (single-updates.ts).
 *
 * A store written before the marks existed gets them built once at start from the stored records
 * (a marker in `hub_meta` then says every record is in a partition); until then `statistics`
 * aggregates in the store as before.
 */
import { randomBytes } from 'node:crypto';
import type { Collection } from 'mongodb';
import { DOMAINS, type Domain } from '../../domain/records';
import type { Models } from '../store/models';
import { DUPLICATE_KEY, eachInFlight, upsertRetrying } from '../store/single-updates';
import type { RecordDays } from '../store/ferretdb/record-days';

/** `hub_meta` document: every stored record lies in a marked partition */
export const STAT_PARTITIONS_MARKER = 'stat-partitions';
const PARTITIONS = 'stat_partitions';
const COUNTS = 'stat_counts';
/** How long a partition counts as being written after a batch began; longer than any batch write. */
export const WRITE_LEASE_MS = 60_000;
/** Partitions counted from their records at once. */
const COUNTS_IN_FLIGHT = 4;
/** Past this many partitions without usable groups, one read of all the domain's stored counts beats one read each. */
const READ_ALL_ABOVE = 16;
/** Days of a partition read at once (FerretDB). */
const DAYS_IN_FLIGHT = 8;

/** Flags of a group: what filters ask of a record beyond its fields' values. */
export const FLAG_RELEASED = 1;
export const FLAG_SUSPECTED_CRIME = 2;
export const FLAG_TRANSFERRED = 4;

/** The key of a group: source id (hex), district, status, category, unit code, unit name, flags. */
export type GroupKey = [
  source: string,
  region: string | null,
  status: string | null,
  category: string | null,
  unit: string | null,
  unitName: string | null,
  flags: number,
];
/** A group: its key, how many records, and the sum of the domain's amount (`amountInvolved`) in fen (integers, exact). */
export type Group = [...GroupKey, count: number, amountFen: number];

/** How a domain's records map to group keys (statistics/shape.ts knows the fields). */
export interface GroupShape {
  /** the fields `key` reads */
  projection(domain: Domain): Record<string, 1>;
  key(domain: Domain, record: Record<string, any>): GroupKey;
  /** the amount a record adds to its group (yuan; 0 for a domain without amounts) */
  amount(domain: Domain, record: Record<string, any>): number;
}

export interface Partition {
  _id: string;
  domain: Domain;
  /** `YYYY-MM`, the records' `eventMonth` */
  month: string;
  token: string;
  /** writes may be in flight until then */
  writingUntil?: Date;
}

/** Stored counts: the groups by column (FerretDB 1.24 stores no arrays in arrays). */
interface CountsDoc {
  _id: string;
  domain: Domain;
  token: string;
  at: Date;
  groups: Record<(typeof COLUMNS)[number], (string | number | null)[]>;
}
/** The stored columns, in the order of a group's fields. */
const COLUMNS = ['source', 'region', 'status', 'category', 'unit', 'unitName', 'flags', 'count', 'amountFen'] as const;

function toColumns(groups: readonly Group[]): CountsDoc['groups'] {
  return Object.fromEntries(COLUMNS.map((name, c) => [name, groups.map((g) => g[c])])) as CountsDoc['groups'];
}

function fromColumns(columns: CountsDoc['groups'], intern: <T>(v: T) => T): Group[] {
  return (columns.source ?? []).map((_, i) => COLUMNS.map((name) => intern(columns[name]?.[i] ?? null)) as Group);
}

export function partitionId(domain: Domain, month: string): string {
  return `${domain}:${month}`;
}

/** The instants a Beijing month `YYYY-MM` spans: [start, end). */
export function monthSpan(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number);
  const offset = 8 * 3600_000;
  return [Date.UTC(y, m - 1, 1) - offset, Date.UTC(y, m, 1) - offset];
}

interface CountsLog {
  info(fields: object, message: string): void;
}

/** An after-write mark that batches are waiting to share. */
interface PendingMark {
  months: Set<string>;
  done: Promise<void>;
  /** start it now (a caller waits for it) */
  hurry: () => void;
  /** every caller so far answers without waiting for it */
  deferred: boolean;
}

/** Least time between two after-write marks of a domain whose batches do not wait for them (ms). */
export const MARK_SPACING_MS = 1_000;

export class StatCounts {
  /** groups this process counted or read, per partition, with the token they hold for */
  private readonly cache = new Map<string, { token: string; groups: Group[] }>();
  /** partitions known to exist (never removed), so their marks are plain updates */
  private readonly known = new Set<string>();
  /** the after-write mark each domain's batches are waiting to share, and the one under way */
  private readonly nextMark = new Map<Domain, PendingMark>();
  private readonly markRunning = new Map<Domain, Promise<unknown>>();
  /** when each domain's last after-write mark ended (ms) */
  private readonly lastMarkEnd = new Map<Domain, number>();
  /** the leases this process set, per partition: until when (ms) */
  private readonly leases = new Map<string, number>();
  private ready = false;
  /** one copy of each string the groups hold (sources, districts, units repeat in every month) */
  private readonly strings = new Map<string, string>();
  private readonly intern = <T>(v: T): T => {
    if (typeof v !== 'string') return v;
    const known = this.strings.get(v);
    if (known !== undefined) return known as T;
    this.strings.set(v, v);
    return v;
  };

  /**
   * @param days on FerretDB, the list reads' days registry: a partition is read day by day, an
   *   equality on `eventDay` that its GIN index serves (an index on `eventMonth` as well cost ingest
   *   a fifth of its speed, measured with the driver alone: 4,718 → 3,806 records/s)
   */
  constructor(
    private readonly models: Models,
    private readonly shape: GroupShape,
    readonly now: () => number = Date.now,
    private readonly days?: RecordDays,
    private readonly markSpacingMs = MARK_SPACING_MS,
  ) {}

  private get db() {
    return this.models.DataSource.db.db!;
  }

  private get partitions(): Collection<Partition> {
    return this.db.collection<Partition>(PARTITIONS);
  }

  private get counts(): Collection<CountsDoc> {
    return this.db.collection<CountsDoc>(COUNTS);
  }

  /** Ingest, before writing records of `months`: their partitions' stored counts stop being used. */
  writing(domain: Domain, months: Iterable<string | undefined>): Promise<void> {
    return this.mark(domain, months, true);
  }

  /**
   * Ingest, after the write (whether or not it succeeded): counts made while it was in flight stop
   * being used. Batches that finish while a mark of their domain is under way share the next one
   * (it starts after their writes landed, which is all a mark must): a synthetic push spans ~150
   * months per batch, and FerretDB updates each partition in a transaction of its own.
   *
   * `deferred`: the caller does not wait for the mark (an NDJSON push answers first). A group whose
   * callers all deferred starts `markSpacingMs` after the domain's previous mark ended, so a long
   * push shares a mark per second instead of marking back to back; it starts at once when a caller
   * that waits joins, or when this process's `statistics` needs the domain (`list`). Other hub
   * processes see such a write's counts change at most that much later.
   */
  written(domain: Domain, months: Iterable<string | undefined>, deferred = false): Promise<void> {
    let next = this.nextMark.get(domain);
    if (!next) {
      let hurry = () => {};
      const hurried = new Promise<void>((resolve) => {
        hurry = resolve;
      });
      const waiting: PendingMark = { months: new Set<string>(), done: null as unknown as Promise<void>, hurry, deferred: true };
      waiting.done = (this.markRunning.get(domain) ?? Promise.resolve()).then(async () => {
        const wait = (this.lastMarkEnd.get(domain) ?? 0) + this.markSpacingMs - this.now();
        if (waiting.deferred && wait > 0) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            hurried,
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, wait);
            }),
          ]);
          clearTimeout(timer);
        }
        // this group's turn: later batches form the next group
        this.nextMark.delete(domain);
        const run = this.mark(domain, waiting.months, false).finally(() => this.lastMarkEnd.set(domain, this.now()));
        this.markRunning.set(
          domain,
          run.catch(() => undefined),
        );
        return run;
      });
      this.nextMark.set(domain, (next = waiting));
    }
    for (const m of months) if (m) next.months.add(m);
    if (!deferred) {
      next.deferred = false;
      next.hurry();
    }
    return next.done;
  }

  /** Starts the after-write marks that wait for their spacing, and waits for every mark (on shutdown). */
  async flush(): Promise<void> {
    const pending = [...this.nextMark.values()];
    for (const next of pending) next.hurry();
    await Promise.allSettled([...pending.map((n) => n.done), ...this.markRunning.values()]);
  }

  /**
   * Sets a new token on the partitions of `months` (and a lease when `lease`): one `updateMany`, after
   * inserting the partitions that do not exist yet. No upserts: FerretDB runs the statements of an
   * update command holding a PostgreSQL connection each until the command ends (single-updates.ts).
   * A before-write mark is skipped where this process's own lease still has half its time to run:
   * the after-write mark, which every batch makes, is what keeps counts from going stale.
   */
  private async mark(domain: Domain, months: Iterable<string | undefined>, lease: boolean): Promise<void> {
    const now = this.now();
    let distinct = [...new Set(months)].filter((m): m is string => !!m);
    if (lease) distinct = distinct.filter((m) => (this.leases.get(partitionId(domain, m)) ?? 0) - now < WRITE_LEASE_MS / 2);
    if (distinct.length === 0) return;
    const token = randomBytes(8).toString('hex');
    const until = new Date(now + WRITE_LEASE_MS);
    const set = lease ? { token, writingUntil: until } : { token };
    const created = await this.ensure(domain, distinct, set);
    const existing = distinct.filter((m) => !created.has(m));
    if (existing.length > 0) await this.partitions.updateMany({ domain, month: { $in: existing } }, { $set: set });
    if (lease) for (const m of distinct) this.leases.set(partitionId(domain, m), until.getTime());
  }

  /** Inserts the partitions of `months` that do not exist, with `fields`; returns the months this call inserted. */
  private async ensure(domain: Domain, months: readonly string[], fields: object): Promise<Set<string>> {
    const created = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      let missing = months.filter((m) => !this.known.has(partitionId(domain, m)));
      if (missing.length === 0) return created;
      // What this process has not seen may exist: another process or push made it.
      if (attempt === 0) {
        for (const p of await this.partitions.find({ domain }, { projection: { _id: 1 }, batchSize: 100_000 }).toArray())
          this.known.add(p._id);
        missing = missing.filter((m) => !this.known.has(partitionId(domain, m)));
        if (missing.length === 0) return created;
      }
      try {
        await this.partitions.insertMany(
          missing.map((month) => ({ _id: partitionId(domain, month), domain, month, ...fields }) as Partition),
          { ordered: true },
        );
        for (const m of missing) {
          created.add(m);
          this.known.add(partitionId(domain, m));
        }
      } catch (e) {
        // Another push inserted one first. An ordered insert stops there (FerretDB may store some past
        // it): learn what exists now and insert the rest.
        const error = e as { code?: number; writeErrors?: { code?: number }[] | { code?: number } };
        const first = Array.isArray(error.writeErrors) ? error.writeErrors[0] : error.writeErrors;
        if ((error.code !== DUPLICATE_KEY && first?.code !== DUPLICATE_KEY) || attempt >= 5) throw e;
        for (const p of await this.partitions
          .find({ domain, month: { $in: missing } }, { projection: { _id: 1, month: 1, token: 1 } })
          .toArray()) {
          this.known.add(p._id);
          // stored by this very insert past the duplicate (FerretDB): already carries the fields
          if (p.token === (fields as Partial<Partition>).token) created.add(p.month);
        }
      }
    }
  }

  /** Whether every stored record is known to lie in a marked partition (the marker); once true, stays true. */
  async isReady(): Promise<boolean> {
    if (!this.ready) this.ready = !!(await this.db.collection<{ _id: string }>('hub_meta').findOne({ _id: STAT_PARTITIONS_MARKER }));
    return this.ready;
  }

  /**
   * The marked partitions of `domain`, once this process's after-write marks of the domain that are
   * under way or waiting have landed (a push may answer before its marks: see `Ingestor`).
   */
  async list(domain: Domain): Promise<Partition[]> {
    this.nextMark.get(domain)?.hurry();
    await Promise.all([this.nextMark.get(domain)?.done, this.markRunning.get(domain)]).catch(() => undefined);
    const parts = await this.partitions.find({ domain }, { batchSize: 100_000 }).toArray();
    for (const p of parts) this.known.add(p._id);
    return parts;
  }

  /**
   * The groups of each partition (all of one domain): from this process's memory or the stored
   * counts while their token is the partition's, otherwise counted now from the records.
   */
  async groups(domain: Domain, parts: readonly Partition[]): Promise<Map<string, Group[]>> {
    const out = new Map<string, Group[]>();
    let todo = parts.filter((p) => {
      const known = this.cache.get(p._id);
      if (known?.token !== p.token) return true;
      out.set(p._id, known.groups);
      return false;
    });
    if (todo.length > 0) {
      const stored =
        todo.length > READ_ALL_ABOVE
          ? await this.counts.find({ domain }, { batchSize: 100_000 }).toArray()
          : (await Promise.all(todo.map((p) => this.counts.findOne({ _id: p._id })))).filter((d): d is CountsDoc => !!d);
      const byId = new Map(stored.map((d) => [d._id, d]));
      todo = todo.filter((p) => {
        const doc = byId.get(p._id);
        if (doc?.token !== p.token) return true;
        const groups = fromColumns(doc.groups, this.intern);
        this.cache.set(p._id, { token: doc.token, groups });
        out.set(p._id, groups);
        return false;
      });
    }
    // the days registry read once for all the partitions counted now, not once each
    const days = todo.length > 0 && this.days ? await this.days.list(domain) : null;
    for (let i = 0; i < todo.length; i += COUNTS_IN_FLIGHT) {
      await Promise.all(todo.slice(i, i + COUNTS_IN_FLIGHT).map(async (p) => out.set(p._id, await this.recount(p, days))));
    }
    return out;
  }

  /** Counts a partition from its records; keeps the count unless a write was in flight when it began. */
  private async recount(p: Partition, days: string[] | null): Promise<Group[]> {
    const settled = !p.writingUntil || p.writingUntil.getTime() <= this.now();
    const groups = await this.count(p.domain, p.month, undefined, days);
    if (settled) {
      this.cache.set(p._id, { token: p.token, groups });
      const doc: Omit<CountsDoc, '_id'> = { domain: p.domain, token: p.token, at: new Date(), groups: toColumns(groups) };
      const save = () => this.counts.replaceOne({ _id: p._id }, doc, { upsert: true });
      await upsertRetrying(save);
    }
    return groups;
  }

  /** The groups of one month's records (`range` narrows them by `eventAt`), read once. */
  async count(domain: Domain, month: string, range?: { $gte?: Date; $lt?: Date }, knownDays?: string[] | null): Promise<Group[]> {
    const groups = new Map<string, Group>();
    const add = (record: Record<string, any>) => {
      const key = this.shape.key(domain, record).map(this.intern) as GroupKey;
      const id = key.join('\u0000');
      let g = groups.get(id);
      if (!g) groups.set(id, (g = [...key, 0, 0]));
      g[7] += 1;
      g[8] += Math.round(this.shape.amount(domain, record) * 100);
    };
    const collection = this.models.records[domain].collection;
    const options = { projection: this.shape.projection(domain), batchSize: 100_000 };
    const extra = range ? { eventAt: range } : {};
    const listed = knownDays ?? (this.days ? await this.days.list(domain) : null);
    if (listed) {
      const days = listed.filter((d) => d.startsWith(month));
      await eachInFlight(days, DAYS_IN_FLIGHT, async (day) => {
        for (const record of await collection.find({ eventDay: day, ...extra }, options).toArray()) add(record);
      });
    } else {
      for await (const record of collection.find({ eventMonth: month, ...extra }, options)) add(record);
    }
    return [...groups.values()];
  }

  /**
   * Drops the partitions, their counts and the marker that they are complete (a store profile that
   * does not mark partitions, store/profile.ts): counts kept while writes went unmarked would be
   * stale, so a process that counts ahead later builds them anew.
   */
  async forget(): Promise<void> {
    await this.db.collection<{ _id: string }>('hub_meta').deleteOne({ _id: STAT_PARTITIONS_MARKER });
    await this.db.collection(PARTITIONS).deleteMany({});
    await this.db.collection(COUNTS).deleteMany({});
    this.ready = false;
  }

  /**
   * Marks the partitions of the records already stored, once per store (for a store written before
   * the marks existed). `knownMonths` may name a domain's months without reading the records (the
   * list reads' days registry); otherwise they are the distinct `eventMonth` of the stored records, a
   * read of every record on FerretDB (minutes at 1,000,000 records, in the background at start).
   * Returns the number of partitions, or null when the marker says they were built already.
   */
  async build(knownMonths: (domain: Domain) => Promise<string[] | null> = async () => null, log?: CountsLog): Promise<number | null> {
    const meta = this.db.collection<{ _id: string; at: Date }>('hub_meta');
    if (await meta.findOne({ _id: STAT_PARTITIONS_MARKER })) {
      this.ready = true;
      return null;
    }
    let made = 0;
    for (const domain of DOMAINS) {
      const months =
        (await knownMonths(domain)) ??
        (await this.models.records[domain].collection.distinct('eventMonth')).filter((m): m is string => typeof m === 'string');
      if (months.length === 0) continue;
      // A partition that ingest marked meanwhile keeps its token.
      await this.ensure(domain, months, { token: 'built' });
      made += months.length;
    }
    await meta.updateOne({ _id: STAT_PARTITIONS_MARKER }, { $set: { at: new Date() } }, { upsert: true });
    this.ready = true;
    log?.info({ partitions: made }, 'statistics: partitions of the stored records marked');
    return made;
  }

  /** Makes sure every partition has usable counts stored (at start, so that the first question is quick). Returns the partitions seen. */
  async refresh(log?: CountsLog): Promise<number> {
    let seen = 0;
    for (const domain of DOMAINS) {
      const started = Date.now();
      const parts = await this.list(domain);
      await this.groups(domain, parts);
      seen += parts.length;
      log?.info({ domain, partitions: parts.length, ms: Date.now() - started }, 'statistics: counts of the partitions ready');
    }
    return seen;
  }
}
