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
import type { Logger } from './logger';
import { redactUrl } from './embedded-backend';

/** The fields the hub looks up by equality, per collection (README: "Indexes"). */
export const EQUALITY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  detention_records: ['_id', 'idNumber', 'region', 'regionPath', 'eventDay', 'sourceId', 'externalId'],
  prison_records: ['_id', 'idNumber', 'region', 'regionPath', 'eventDay', 'sourceId', 'externalId'],
  community_corrections: ['_id', 'idNumber', 'region', 'regionPath', 'eventDay', 'sourceId', 'externalId'],
  enforcement_cases: ['_id', 'idNumber', 'region', 'regionPath', 'eventDay', 'sourceId', 'externalId'],
  supervision_leads: ['_id', 'idNumber', 'region'],
  audit_log: ['_id'],
  write_claims: ['_id'],
};

export interface EqualityIndexReport {
  created: string[];
  existing: number;
  /** collections the database does not have (yet) */
  missing: string[];
}

/**
 * Creates the missing GIN equality indexes in database `postgresUrl` for the FerretDB database
 * `dbName`. Safe to run at every start and from several processes (IF NOT EXISTS).
 */
export async function ensureEqualityIndexes(
  postgresUrl: string, dbName: string, logger: Logger, fields: Readonly<Record<string, readonly string[]>> = EQUALITY_FIELDS,
): Promise<EqualityIndexReport> {
  const client = new Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  const report: EqualityIndexReport = { created: [], existing: 0, missing: [] };
  try {
    // FerretDB keeps one schema per database and a metadata table naming each collection's table.
    const meta = await client.query<{ collection: string; table: string }>(
      `SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS table FROM ${ident(dbName)}._ferretdb_database_metadata`,
    ).catch((err: Error) => {
      throw new Error(`FerretDB database "${dbName}" not found in ${redactUrl(postgresUrl)}: ${err.message}`);
    });
    const tables = new Map(meta.rows.map((r) => [r.collection, r.table]));
    const existing = new Set((await client.query<{ indexname: string }>(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1', [dbName],
    )).rows.map((r) => r.indexname));
    for (const [collection, names] of Object.entries(fields)) {
      const table = tables.get(collection);
      if (!table) { report.missing.push(collection); continue; }
      for (const field of names) {
        const name = indexName(table, field);
        if (existing.has(name)) { report.existing++; continue; }
        const started = Date.now();
        await client.query(
          `CREATE INDEX IF NOT EXISTS ${ident(name)} ON ${ident(dbName)}.${ident(table)} USING gin ((_jsonb -> ${literal(field)}) jsonb_path_ops)`,
        );
        report.created.push(`${collection}.${field}`);
        logger.info({ collection, field, ms: Date.now() - started }, 'equality index created in PostgreSQL');
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return report;
}

/** Index names stay under PostgreSQL's 63 bytes and unique per table and field. */
function indexName(table: string, field: string): string {
  const h = createHash('sha256').update(`${table}\0${field}`).digest('hex').slice(0, 10);
  return `hub_eq_${table.slice(0, 30)}_${field.replace(/[^A-Za-z0-9]/g, '').slice(0, 12).toLowerCase()}_${h}`;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
