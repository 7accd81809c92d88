/**
 * The benchmark's store and data: one FerretDB on a PostgreSQL database of its own (`hub_bench` by
 * default; on the benchmark's embedded PostgreSQL in bench/data/postgres unless BENCH_POSTGRES_URL
 * names a server), one store database per scale. A scale's data is generated once through the hub's ingest
 * path (the demo generator of docs/domain.md, fixed seed) and kept: later runs find it by a marker
 * document and skip generation. Nothing in it is real: ID numbers are generated with valid checksums.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedStore, type EmbeddedStore } from '../../datasources/store/embedded/ferretdb';
import { ensurePostgresDatabase } from '../../datasources/store/embedded/postgres';
import { startEmbeddedPostgres } from '../../datasources/store/embedded/postgres-server';
import { connectStore } from '../../datasources/store/connection';
import { chooseStoreProfile } from '../../datasources/store/profile';
import { createModels } from '../../datasources/store/models';
import { createDataSources } from '../../datasources';
import { seedDemoData } from '../../server/seed-runner';
import { MONTH_DAY_MARKER } from '../../datasources/services/statistics';
import { DAYS_REGISTRY_MARKER } from '../../datasources/store/ferretdb/record-days';
import { STAT_PARTITIONS_MARKER } from '../../datasources/services/stat-counts';
import { projectRoot } from '../../server/paths';
import { withClient } from '../../datasources/store/ferretdb/indexes';

/** Persons per record the generator makes (measured: 64,600 persons give 99,919 records). */
const PERSONS_PER_RECORD = 0.646;
/** Bump when the generator changes what it makes, so old data sets are regenerated. */
/** 2: records carry eventDay and the store its days registry (list reads by day); 3: and eventHour */
const GENERATOR_VERSION = 3;
const SEED = 7;

export interface Scale {
  label: string;
  records: number;
  db: string;
}

export function scale(label: string): Scale {
  const m = /^(\d+)(k|m)?$/i.exec(label);
  if (!m) throw new Error(`--scales: "${label}" is not a size such as 100k or 1m`);
  const records = Number(m[1]) * (m[2]?.toLowerCase() === 'm' ? 1_000_000 : m[2] ? 1000 : 1);
  return { label: label.toLowerCase(), records, db: `bench_${label.toLowerCase()}` };
}

export interface BenchStore {
  store: EmbeddedStore;
  postgresUrl: string;
  /** FerretDB's Prometheus endpoint */
  metricsUrl: string;
  stop(): Promise<void>;
}

/** The benchmark's embedded PostgreSQL cluster: kept between runs, like the data sets in it. */
export const BENCH_POSTGRES_DIR = path.join(projectRoot, 'bench/data/postgres');

/**
 * The PostgreSQL server a benchmark uses: the one at `url` (BENCH_POSTGRES_URL) when given, else an
 * embedded PostgreSQL on a free port, its cluster in `dir` (kept), or a throwaway one without `dir`.
 */
export async function benchPostgres(url: string | undefined, dir?: string): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  if (url) return { adminUrl: url, stop: async () => undefined };
  const tmp = dir ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pg-'));
  try {
    const pg = await startEmbeddedPostgres({
      dataDir: dir ?? path.join(tmp!, 'postgres'),
      port: await freePort(),
      durable: dir !== undefined,
    });
    return {
      adminUrl: pg.url,
      stop: async () => {
        await pg.stop();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** FerretDB for the benchmark on database `pgDatabase` of the server at `postgresAdminUrl`, or of the benchmark's embedded PostgreSQL. */
export async function startBenchStore(postgresAdminUrl: string | undefined, pgDatabase: string): Promise<BenchStore> {
  const server = await benchPostgres(postgresAdminUrl, BENCH_POSTGRES_DIR);
  const postgresUrl = await ensurePostgresDatabase(server.adminUrl, pgDatabase);
  const debugPort = await freePort();
  const store = await startEmbeddedStore({
    // At most 40 PostgreSQL connections (FerretDB's default is 50 of PostgreSQL's usual 100), so the
    // hub's own PostgreSQL client and another FerretDB on the same server still get theirs.
    bin: path.join(projectRoot, '.tools/bin/ferretdb'),
    port: await freePort(),
    handler: 'postgresql',
    postgresUrl: `${postgresUrl}?pool_max_conns=40`,
    debugAddr: `127.0.0.1:${debugPort}`,
  });
  return {
    store,
    postgresUrl,
    metricsUrl: `http://127.0.0.1:${debugPort}/debug/metrics`,
    stop: async () => {
      await store.stop();
      await server.stop();
    },
  };
}

interface Marker {
  _id: 'dataset';
  version: number;
  seed: number;
  persons: number;
  records: number;
  generatedAt: Date;
  seconds: number;
}

/** Makes sure `scale`'s data set is in the store; generates it (minutes at 1,000,000 records) when not. */
export async function ensureDataset(uri: string, s: Scale, log: (line: string) => void): Promise<Marker> {
  const persons = Math.round(s.records * PERSONS_PER_RECORD);
  const connection = await connectStore({ uri, dbName: s.db, timeoutMs: 10_000, monitorCommands: false });
  try {
    const meta = connection.db!.collection<Marker>('bench_meta');
    const marker = await meta.findOne({ _id: 'dataset' });
    if (marker && marker.version === GENERATOR_VERSION && marker.persons === persons && marker.seed === SEED) {
      log(
        `data ${s.label}: ${marker.records.toLocaleString('en')} records (${persons.toLocaleString('en')} persons) generated ${marker.generatedAt.toISOString().slice(0, 10)}, reused`,
      );
      return marker;
    }
    if (marker || (await connection.db!.listCollections().toArray()).length > 0) {
      log(`data ${s.label}: stale or incomplete (no matching marker), dropping and generating again`);
      await connection.db!.dropDatabase();
    }
    log(
      `data ${s.label}: generating ${persons.toLocaleString('en')} persons (≈${s.records.toLocaleString('en')} records) through the ingest path, once`,
    );
    const started = Date.now();
    const models = createModels(connection);
    const store = await chooseStoreProfile(connection);
    await store.ensureIndexes(models);
    const sources = createDataSources(models, { store });
    await sources.registry.load();
    // records only: the scenarios read records, and a year of documents at 1m records would add minutes
    const progress = await seedDemoData(sources, { persons, seed: SEED, progress: true, supervision: false });
    const records = progress.records;
    // Every record came through ingest with its month and day, and ingest listed every day and
    // marked every statistics partition: the hub's start-up backfill and registries have nothing to do.
    for (const marker of [MONTH_DAY_MARKER, DAYS_REGISTRY_MARKER, STAT_PARTITIONS_MARKER]) {
      await connection
        .db!.collection<{ _id: string; at: Date }>('hub_meta')
        .updateOne({ _id: marker }, { $set: { at: new Date() } }, { upsert: true });
    }
    const done: Marker = {
      _id: 'dataset',
      version: GENERATOR_VERSION,
      seed: SEED,
      persons,
      records,
      generatedAt: new Date(),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    await meta.insertOne(done);
    log(`data ${s.label}: ${records.toLocaleString('en')} records generated in ${done.seconds} s`);
    return done;
  } finally {
    await connection.close();
  }
}

/**
 * Waits until PostgreSQL runs no query for the benchmark's FerretDB (up to `maxS` seconds): a
 * contender restarted after a request it gave up on left FerretDB reading on its behalf (FerretDB
 * does not stop a query when its client goes; the restart cancels what ran longer than 30 s, see
 * cancelAbandonedQueries), and the hub's background work runs beside; neither should be measured as
 * part of the next contender.
 */
export async function waitForIdleStore(store: BenchStore, maxS = 300, log?: (l: string) => void): Promise<number> {
  const started = Date.now();
  await withClient(store.postgresUrl, async (client) => {
    for (let said = false; ;) {
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()",
      );
      if (Number(rows[0].n) === 0 || Date.now() - started > maxS * 1000) break;
      if (!said && log) {
        log(`  waiting for the store to finish earlier work (${rows[0].n} queries running)`);
        said = true;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
  return Math.round((Date.now() - started) / 1000);
}

/**
 * Cancels the queries that have run in the store's database for more than `olderThanS` seconds. A
 * contender given up for taking too long is restarted, but the store goes on with what it asked:
 * in the 2026-12-01 run a naive build's scan of 364,296 records went on for 10 minutes, beside the
 * loads measured after it. The harness measures one thing at a time, so such a query is nobody's.
 */
export async function cancelAbandonedQueries(store: BenchStore, olderThanS: number, log?: (l: string) => void): Promise<number> {
  const { rows } = await withClient(store.postgresUrl, (client) =>
    client.query<{ cancelled: boolean }>(
      `SELECT pg_cancel_backend(pid) AS cancelled FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() AND now() - query_start > make_interval(secs => $1)`,
      [olderThanS],
    ),
  );
  const n = rows.filter((r) => r.cancelled).length;
  if (n > 0) log?.(`  cancelled ${n} store ${n === 1 ? 'query' : 'queries'} left running by the contender given up`);
  return n;
}
