/**
 * The store seam: what the hub does differently on FerretDB 1.24 and on MongoDB, chosen once at
 * start (`chooseStoreProfile`) and handed to everything that reads or writes the store. Nothing
 * else asks which store it is. docs/store.md explains each strategy and its measured reason.
 *
 * | concern | MongoDB | FerretDB 1.24 (on PostgreSQL or SQLite) |
 * |---|---|---|
 * | batch lookups (lookup.ts) | one `$in` | parallel equalities (an `$in` reads the whole collection) |
 * | list pages (record-store.ts) | sorted by the store from an index | day by day through the days registry (ferretdb/record-days.ts) |
 * | days registry kept on every ingest | only if list pages read by day | always |
 * | statistics | one `$group` per question | counted ahead per (domain, month) partition (services/stat-counts.ts), else one `$group` per hosted source |
 * | guarded single-document writes | version-guarded `findOneAndUpdate` | a claim of the next version (ferretdb/claimed-writes.ts) |
 * | audit chain end | `sort` on `_id` | a galloping probe of `_id` equalities |
 * | corrections written at ingest | one unordered bulk write | a replace command each, four in flight (single-updates.ts) |
 * | rejected records past retention | a TTL index deletes them (expiry.ts) | the hub deletes them every hour |
 * | subscriptions' change events of a window | an `_id` range | one equality per second (per minute for a resume); past ones purged by minute |
 * | indexes | every B-tree index the models declare, and `audit_log.at` | the unique ones; GIN equality indexes and VACUUM through PostgreSQL (ferretdb/indexes.ts) |
 *
 * The per-process read strategies can be overridden (STORE_BATCH_LOOKUP, STORE_LIST_READS,
 * STATISTICS_AHEAD), which is how MongoDB's plan is exercised on FerretDB in tests and benchmarks;
 * STORE_PROFILE=mongodb takes the whole MongoDB profile on any store.
 */
import type { Connection } from 'mongoose';
import type { Logger } from '../../lib/logger';
import { storeFlavor } from './connection';
import { ClaimedWrites } from './ferretdb/claimed-writes';
import { ensureEqualityIndexes, vacuumBloated } from './ferretdb/indexes';
import { VersionedWrites, type GuardedWrites } from './guarded-writes';
import type { Collection, Document } from 'mongodb';
import { expireAfter } from './expiry';
import type { BatchLookup } from './lookup';
import type { ReplaceWrites } from './single-updates';
import { ensureIndexes, type Models } from './models';
import type { ListReads } from './record-store';

export type StoreName = 'ferretdb' | 'mongodb';

export interface StoreProfile {
  readonly name: StoreName;
  /** how a batch of keys is looked up */
  readonly batchLookup: BatchLookup;
  /** how list pages are read */
  readonly listReads: ListReads;
  /** whether ingest keeps the days registry (needed by `by-day` list reads; kept on FerretDB whatever this process reads, so that its replicas may differ) */
  readonly keepsDays: boolean;
  /** whether `statistics` answers from counts kept per partition */
  readonly statisticsAhead: boolean;
  /** whether ingest marks the statistics partitions it touches (needed by `statisticsAhead`; on FerretDB always) */
  readonly marksPartitions: boolean;
  /** statistics in the store: one aggregate per hosted source (FerretDB's `$group` slows with every group) rather than one */
  readonly statisticsPerSource: boolean;
  /** how the audit trail's last entry is found once per process */
  readonly auditChainEnd: 'sort' | 'probe';
  /** how a batch of version-guarded replaces (corrections at ingest) is sent */
  readonly replaceWrites: ReplaceWrites;
  /** how the subscriptions' change events of a time window are read (services/events.ts): an `_id` range, or one equality per second */
  readonly eventReads: 'range' | 'by-second';
  /** has the store delete `collection`'s documents `seconds` after `field` (at start); false: it cannot, and the hub must */
  expireAfter(collection: Collection<Document>, field: string, seconds: number): Promise<boolean>;
  /** the single-document writes that concurrent writers cannot lose */
  guardedWrites(connection: Connection): GuardedWrites;
  /** creates the collections and indexes the profile reads with (idempotent; at start) */
  ensureIndexes(models: Models): Promise<void>;
  /** upkeep of the store beside the hub (FerretDB on PostgreSQL: its equality indexes, then VACUUM); returns its stop */
  startUpkeep(connection: Connection, logger: Logger): Promise<() => void>;
}

export interface StoreProfileOptions {
  /** `auto` (default): by what the store says it is (buildInfo) */
  profile?: StoreName | 'auto';
  batchLookup?: BatchLookup | 'auto';
  listReads?: ListReads | 'auto';
  /** undefined: the profile's default (FerretDB yes, MongoDB no) */
  statisticsAhead?: boolean;
  /** the PostgreSQL database behind a FerretDB store (its GIN indexes and VACUUM) */
  postgresUrl?: string;
  /** how often to VACUUM FerretDB's bloated tables (ms; 0: at start only) */
  vacuumCheckMs?: number;
}

const pick = <T extends string>(value: T | 'auto' | undefined, fallback: T): T => (!value || value === 'auto' ? fallback : value);

/** The profile of store `name` with the given overrides. */
export function storeProfile(name: StoreName, options: StoreProfileOptions = {}): StoreProfile {
  if (name === 'ferretdb') {
    const listReads = pick(options.listReads, 'by-day');
    return {
      name,
      batchLookup: pick(options.batchLookup, 'equality'),
      listReads,
      keepsDays: true,
      statisticsAhead: options.statisticsAhead ?? true,
      marksPartitions: true,
      statisticsPerSource: true,
      auditChainEnd: 'probe',
      replaceWrites: 'each',
      eventReads: 'by-second',
      // FerretDB 1.24 refuses TTL indexes: not asked
      expireAfter: async () => false,
      guardedWrites: (connection) => new ClaimedWrites(connection),
      ensureIndexes: (models) => ensureIndexes(models, 'unique'),
      startUpkeep: async (connection, logger) => {
        if (!options.postgresUrl) return () => undefined;
        const url = options.postgresUrl;
        const db = connection.db!.databaseName;
        const log = logger.child({ component: 'store' });
        const report = await ensureEqualityIndexes(url, db, log);
        log.info(
          { created: report.created.length, existing: report.existing, missing: report.missing, analyzed: report.analyzed },
          'PostgreSQL equality indexes and statistics for FerretDB checked',
        );
        const vacuum = () =>
          vacuumBloated(url, db, log).catch((err: Error) =>
            log.warn({ err: err.message }, 'checking PostgreSQL for dead row versions failed'),
          );
        void vacuum();
        const timer = options.vacuumCheckMs
          ? setInterval(() => {
              void vacuum();
            }, options.vacuumCheckMs).unref()
          : undefined;
        return () => clearInterval(timer);
      },
    };
  }
  const listReads = pick(options.listReads, 'sorted');
  const statisticsAhead = options.statisticsAhead ?? false;
  return {
    name,
    batchLookup: pick(options.batchLookup, 'in'),
    listReads,
    keepsDays: listReads === 'by-day',
    statisticsAhead,
    marksPartitions: statisticsAhead,
    statisticsPerSource: false,
    auditChainEnd: 'sort',
    replaceWrites: 'bulk',
    eventReads: 'range',
    // false on a store that refuses TTL indexes (FerretDB under STORE_PROFILE=mongodb): the hub then deletes them itself
    expireAfter,
    guardedWrites: () => new VersionedWrites(),
    ensureIndexes: async (models) => {
      await ensureIndexes(models, 'all');
      // the ADMIN auditLog's time range (FerretDB would only ever write this index, never read it)
      await models.DataSource.db.collection('audit_log').createIndex({ at: -1 });
    },
    startUpkeep: async () => () => undefined,
  };
}

/** The profile of the store behind `connection` (asked once), with the given overrides. */
export async function chooseStoreProfile(connection: Connection, options: StoreProfileOptions = {}): Promise<StoreProfile> {
  const name = !options.profile || options.profile === 'auto' ? await storeFlavor(connection) : options.profile;
  return storeProfile(name, options);
}
