/**
 * Equality indexes for FerretDB 1.24 on PostgreSQL.
 *
 * FerretDB pushes a top-level equality (`{ idNumber: "…" }`) down to SQL as
 * `_jsonb->'idNumber' @> '"…"'`, but the indexes it creates for `createIndex` are B-trees on
 * `(_jsonb->'idNumber')`, which cannot serve `@>`: every equality is a sequential scan of the
 * collection's table (measured on 36,000 custody records: 146 ms for one person; EXPLAIN shows
 * `Parallel Seq Scan … Filter: (_jsonb -> 'idNumber') @> …`). A GIN index with `jsonb_path_ops`
 * on the same expression serves exactly that operator (0.12 ms, `Bitmap Index Scan`).
 *
 * So when the hub knows the PostgreSQL database behind its FerretDB (the embedded store, or
 * STORE_POSTGRES_URL), it adds those indexes to the tables FerretDB made for the collections below.
 * They are the hub's own (prefixed `hub_eq_`), created if missing at every start, and go away with
 * their table when FerretDB drops a collection. On MongoDB this module is not used: its own
 * indexes serve equality and `$in` alike.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { Logger } from '../../../lib/logger';
import { redactUrl } from '../embedded/backend';
import { DOMAINS, RECORD_DOMAINS } from '../../../domain/record-domains';

/** The fields the hub looks up by equality, per collection (docs/store.md "Indexes"). */
export const EQUALITY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  // every record collection (domain/record-domains/)
  ...Object.fromEntries(
    DOMAINS.map((d) => [
      RECORD_DOMAINS[d].collection,
      // name: the name search (services/person-search.ts)
      ['_id', 'idNumber', 'region', 'regionPath', 'eventDay', 'eventHour', 'sourceId', 'externalId', 'name'],
    ]),
  ),
  supervision_leads: ['_id', 'idNumber', 'region'],
  audit_log: ['_id'],
  write_claims: ['_id'],
  // a batch deletes the marks it took one `_id` equality each (services/evaluation/marks.ts)
  evaluation_marks: ['_id'],
  // a wake-up reads the entries of each day by equality and deletes them by `_id` (services/evaluation/wakeups.ts)
  evaluation_wakeups: ['_id', 'day'],
  // an attachment's row holds its bytes: a scan for one `_id` would read every file
  attachments: ['_id'],
  consultations: ['_id'],
  consultation_messages: ['consultationId'],
  supervision_documents: ['_id', 'number'],
  // the subscriptions' polls read a second each, resumes a minute each (services/events.ts)
  hub_events: ['sec', 'min'],
};

export interface EqualityIndexReport {
  created: string[];
  existing: number;
  /** collections the database does not have (yet) */
  missing: string[];
  /** collections whose planner statistics were made afresh (see `analyzeIfStale`) */
  analyzed: string[];
}

/** Tables this size or smaller are left to PostgreSQL: a plan over a few rows is cheap whatever it is. */
const ANALYZE_FROM_ROWS = 1000;
/** Share of a table's rows changed since its last statistics past which they are made again. */
const ANALYZE_CHANGED = 0.2;

/**
 * Creates the missing GIN equality indexes in database `postgresUrl` for the FerretDB database
 * `dbName`. Safe to run at every start and from several processes (IF NOT EXISTS).
 */
export async function ensureEqualityIndexes(
  postgresUrl: string,
  dbName: string,
  logger: Logger,
  fields: Readonly<Record<string, readonly string[]>> = EQUALITY_FIELDS,
): Promise<EqualityIndexReport> {
  const report: EqualityIndexReport = { created: [], existing: 0, missing: [], analyzed: [] };
  await withClient(postgresUrl, async (client) => {
    // FerretDB keeps one schema per database and a metadata table naming each collection's table.
    const meta = await client
      .query<{ collection: string; table: string }>(
        `SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS table FROM ${ident(dbName)}._ferretdb_database_metadata`,
      )
      .catch((err: Error) => {
        throw new Error(`FerretDB database "${dbName}" not found in ${redactUrl(postgresUrl)}: ${err.message}`);
      });
    const tables = new Map(meta.rows.map((r) => [r.collection, r.table]));
    const existing = new Set(
      (await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [dbName])).rows.map(
        (r) => r.indexname,
      ),
    );
    for (const [collection, names] of Object.entries(fields)) {
      const table = tables.get(collection);
      if (!table) {
        report.missing.push(collection);
        continue;
      }
      for (const field of names) {
        const name = indexName(table, field);
        if (existing.has(name)) {
          report.existing++;
          continue;
        }
        const started = Date.now();
        await client.query(
          `CREATE INDEX IF NOT EXISTS ${ident(name)} ON ${ident(dbName)}.${ident(table)} USING gin ((_jsonb -> ${literal(field)}) jsonb_path_ops)`,
        );
        report.created.push(`${collection}.${field}`);
        logger.info({ collection, field, ms: Date.now() - started }, 'equality index created in PostgreSQL');
      }
      if (await analyzeIfStale(client, dbName, table, logger)) report.analyzed.push(collection);
    }
  });
  return report;
}

/** Runs `work` on a PostgreSQL connection of its own to `postgresUrl`, closed after (the benchmark harness uses it too). */
export async function withClient<T>(postgresUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  // A server that ends the connection between two queries (the embedded PostgreSQL stopping after the
  // hub while a background VACUUM still runs) makes the client emit 'error', which would end the
  // process without a listener; the next query fails instead.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Makes the planner statistics of a table whose statistics are missing or stale (more than a fifth
 * of its rows changed since). Without them PostgreSQL prices every `@>` at 1 % of the table, and for
 * a filter of two equalities (an area and an hour) it ANDs both GIN bitmaps: measured on the
 * benchmark's 364,293 custody records, 24 ms building the area's bitmap of 115,015 rows to keep 56,
 * 31 ms a query, against 9.8 ms from the hour's index alone once analyzed. PostgreSQL's autovacuum
 * makes them on its own, unless it is off (it is on this workplace's machines) or behind a bulk load.
 */
async function analyzeIfStale(client: Client, dbName: string, table: string, logger: Logger): Promise<boolean> {
  const stats = (
    await client.query<{ live: string; changed: string; analyzed: boolean }>(
      `SELECT n_live_tup AS live, n_mod_since_analyze AS changed, (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analyzed
     FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2`,
      [dbName, table],
    )
  ).rows[0];
  if (!stats) return false;
  const live = Number(stats.live);
  const changed = Number(stats.changed);
  if (Math.max(live, changed) <= ANALYZE_FROM_ROWS) return false;
  if (stats.analyzed && changed <= ANALYZE_CHANGED * live) return false;
  const started = Date.now();
  await client.query(`ANALYZE ${ident(dbName)}.${ident(table)}`);
  logger.info({ table, rows: live, changed, ms: Date.now() - started }, 'planner statistics made in PostgreSQL');
  return true;
}

/** A table with fewer dead row versions than this is left alone. */
const VACUUM_FROM_DEAD = 10_000;

/**
 * VACUUMs (and analyzes) the tables of FerretDB database `dbName` that hold more dead row versions
 * than live rows; returns their collections. FerretDB writes every update as a new row version, and
 * a few small documents are updated all the time: each ingest batch sets new tokens on the
 * statistics partitions it touches. Where PostgreSQL's autovacuum is off (as on this workplace's
 * machines), nothing removes the old versions: after the benchmark's 1,000,000-record load
 * `stat_partitions` held 592 documents in 799,478 dead rows (22 MB), and every read of one partition
 * by `_id` scanned them all (100–190 ms, where 0.4 ms is normal for such a table). A plain VACUUM
 * takes no lock that stops reads or writes. Safe to run from several processes.
 */
export function vacuumBloated(postgresUrl: string, dbName: string, logger: Logger): Promise<string[]> {
  return withClient(postgresUrl, async (client) => {
    const done: string[] = [];
    const rows = (
      await client.query<{ collection: string; table: string; live: string; dead: string }>(
        `SELECT m._jsonb->>'_id' AS collection, s.relname AS table, s.n_live_tup AS live, s.n_dead_tup AS dead
       FROM ${ident(dbName)}._ferretdb_database_metadata m JOIN pg_stat_user_tables s
         ON s.schemaname = $1 AND s.relname = m._jsonb->>'table'
       WHERE s.n_dead_tup >= $2 AND s.n_dead_tup > s.n_live_tup`,
        [dbName, VACUUM_FROM_DEAD],
      )
    ).rows;
    for (const r of rows) {
      const started = Date.now();
      await client.query(`VACUUM (ANALYZE) ${ident(dbName)}.${ident(r.table)}`);
      done.push(r.collection);
      logger.info(
        { collection: r.collection, live: Number(r.live), dead: Number(r.dead), ms: Date.now() - started },
        'dead row versions removed in PostgreSQL',
      );
    }
    return done;
  });
}

/** Index names stay under PostgreSQL's 63 bytes and unique per table and field. */
function indexName(table: string, field: string): string {
  const h = createHash('sha256').update(`${table}\0${field}`).digest('hex').slice(0, 10);
  return `hub_eq_${table.slice(0, 30)}_${field
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 12)
    .toLowerCase()}_${h}`;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
