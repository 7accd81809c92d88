/**
 * What the hub does for its store's speed, checked on the real store: the PostgreSQL equality
 * indexes behind FerretDB (datasources/store/ferretdb/indexes.ts) and group commit of the audit trail.
 */
import { Client } from 'pg';
import { AuditLog, verifyAuditChain } from '../datasources/services/audit';
import { DEVELOPMENT_AUDIT_KEY } from '../server/config';
import { storeFlavor } from '../datasources/store/connection';
import { ensureIndexes } from '../datasources/store/models';
import { ensureEqualityIndexes, vacuumBloated } from '../datasources/store/ferretdb/indexes';
import { createLogger } from '../lib/logger';
import { detentionInput, personId, registerTestSources, seedPersons } from './fixtures';
import { postgresTableOf, startTestHub, type TestHub } from './helpers';

const pgUrl = process.env.HUB_TEST_PG_URL;
const onPostgres = pgUrl ? describe : describe.skip;

onPostgres('equality indexes in the PostgreSQL database behind FerretDB', () => {
  let t: TestHub;
  let ids: string[];
  beforeAll(async () => {
    t = await startTestHub({ storePostgresUrl: pgUrl });
    ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 20, 2);
  });
  afterAll(async () => {
    await t.close();
  });

  it('knows the store is FerretDB', async () => {
    expect(await storeFlavor(t.connection)).toBe('ferretdb');
  });

  it('creates a GIN index per looked-up field at start, and only once', async () => {
    const db = t.connection.db!.databaseName;
    const pg = new Client({ connectionString: pgUrl });
    await pg.connect();
    try {
      const names = (
        await pg.query<{ indexname: string; indexdef: string }>(
          `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'hub_eq_%'`,
          [db],
        )
      ).rows;
      const custody = names.filter((n) => n.indexname.startsWith('hub_eq_detention_records'));
      expect(custody.map((n) => /'(\w+)'/.exec(n.indexdef)?.[1]).sort()).toEqual([
        '_id',
        'eventDay',
        'eventHour',
        'externalId',
        'idNumber',
        'name',
        'region',
        'regionPath',
        'sourceId',
      ]);
      expect(custody.every((n) => n.indexdef.includes('USING gin') && n.indexdef.includes('jsonb_path_ops'))).toBe(true);
      // a second start finds them all
      const again = await ensureEqualityIndexes(pgUrl!, db, createLogger('silent'));
      expect(again.created).toEqual([]);
      expect(again.existing).toBeGreaterThanOrEqual(names.length);

      // FerretDB's pushed-down equality can use it (the planner prefers a scan on a table this small, so scans are off here)
      const table = (
        await pg.query<{ t: string }>(
          `SELECT _jsonb->>'table' AS t FROM "${db}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'detention_records'`,
        )
      ).rows[0].t;
      await pg.query('SET enable_seqscan = off');
      const plan = (
        await pg.query(`EXPLAIN SELECT _jsonb FROM "${db}"."${table}" WHERE _jsonb->'idNumber' @> $1::jsonb`, [JSON.stringify(ids[0])])
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toMatch(/Bitmap Index Scan on hub_eq_detention_records/);
    } finally {
      await pg.end();
    }
  });

  it('makes the planner statistics of a table that has none, and only then', async () => {
    const db = t.connection.db!.databaseName;
    const pg = new Client({ connectionString: pgUrl });
    await pg.connect();
    try {
      const table = (
        await pg.query<{ t: string }>(
          `SELECT _jsonb->>'table' AS t FROM "${db}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'detention_records'`,
        )
      ).rows[0].t;
      const stats = async () =>
        (
          await pg.query<{ live: string; analyzed: boolean }>(
            'SELECT n_live_tup AS live, (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analyzed FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2',
            [db, table],
          )
        ).rows[0];
      const source = (await registerTestSources(t.hub.sources, '-stats')).DETENTION;
      const records = Array.from({ length: 1500 }, (_, i) => detentionInput(personId(10_000 + i), 10_000 + i));
      expect((await t.hub.sources.ingestor.ingest(source, records)).accepted).toBe(1500);
      // PostgreSQL reports a backend's counts within about ten seconds
      for (let i = 0; i < 60 && Number((await stats()).live) < 1500; i++) await new Promise((r) => setTimeout(r, 500));
      const first = await ensureEqualityIndexes(pgUrl!, db, createLogger('silent'));
      // (PostgreSQL's autovacuum, where it is on, may have made them first)
      expect((await stats()).analyzed).toBe(true);
      if (first.analyzed.length > 0) expect(first.analyzed).toContain('detention_records');
      const again = await ensureEqualityIndexes(pgUrl!, db, createLogger('silent'));
      expect(again.analyzed).toEqual([]);
    } finally {
      await pg.end();
    }
  }, 60_000);

  it('removes the dead row versions of a table that holds more of them than rows, and leaves it alone after', async () => {
    const db = t.connection.db!.databaseName;
    const pg = new Client({ connectionString: pgUrl });
    await pg.connect();
    try {
      const churn = t.connection.db!.collection('churn');
      await churn.insertMany(Array.from({ length: 12_000 }, (_, i) => ({ _id: `c${i}` as never, n: i })));
      await churn.deleteMany({ n: { $gte: 100 } });
      const table = (
        await pg.query<{ t: string }>(
          `SELECT _jsonb->>'table' AS t FROM "${db}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'churn'`,
        )
      ).rows[0].t;
      const dead = async () =>
        Number(
          (
            await pg.query<{ dead: string }>('SELECT n_dead_tup AS dead FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2', [
              db,
              table,
            ])
          ).rows[0]?.dead ?? 0,
        );
      // PostgreSQL reports a backend's counts within about ten seconds
      for (let i = 0; i < 60 && (await dead()) < 11_900; i++) await new Promise((r) => setTimeout(r, 500));
      expect(await dead()).toBeGreaterThanOrEqual(11_900);
      expect(await vacuumBloated(pgUrl!, db, createLogger('silent'))).toContain('churn');
      expect(await dead()).toBe(0);
      expect(await churn.countDocuments()).toBe(100);
      expect(await vacuumBloated(pgUrl!, db, createLogger('silent'))).not.toContain('churn');
    } finally {
      await pg.end();
    }
  }, 60_000);

  it("keeps only the unique indexes FerretDB can use, dropping the hub's others that an earlier start made", async () => {
    const collection = t.hub.sources.models.records.DETENTION.collection;
    const names = async () => (await collection.indexes()).map((i) => i.name).sort();
    expect(await names()).toEqual(['_id_', 'sourceId_1_externalId_1']);
    await collection.createIndex({ idNumber: 1 }); // one of the hub's own (models.ts), as an older start made it
    await collection.createIndex({ name: 1 }); // somebody else's: left alone
    await ensureIndexes(t.hub.sources.models, 'unique');
    expect(await names()).toEqual(['_id_', 'name_1', 'sourceId_1_externalId_1']);
    await collection.dropIndex('name_1');
  });

  it('answers a dossier from the indexed lookups', async () => {
    const { body } = await t.gql('query($id: IdNumber!) { person(idNumber: $id) { idNumber detentions { totalCount } } }', { id: ids[0] });
    expect(body.errors).toBeUndefined();
    expect(body.data.person.idNumber).toBe(ids[0]);
    expect(body.data.person.detentions.totalCount).toBeGreaterThan(0);
  });
});

describe('audit trail group commit', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
    await t.gql('{ hubInfo { version } }'); // reads the end of the chain once
  });
  afterAll(async () => {
    await t.close();
  });

  it("writes concurrent requests' entries in fewer store writes, in one valid chain", async () => {
    t.resetCommands();
    // Requests that arrive one after another on an idle store are each written alone, which is right
    // but would not show the grouping. So the store is held busy: the audit table is locked in the
    // PostgreSQL behind FerretDB until the first write waits on it, and a while longer, so that the
    // other requests arrive while that write is in flight.
    const hold = pgUrl ? await holdAuditTable(t.connection.db!.databaseName) : undefined;
    const asked = Array.from({ length: 40 }, () => t.gql('{ hubInfo { version } }'));
    if (hold) {
      try {
        await hold.untilAWriteWaits();
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        await hold.release();
      }
    }
    const answers = await Promise.all(asked);
    expect(answers.every((a) => a.body.data?.hubInfo?.version)).toBe(true);
    const writes = t.commands.filter((c) => c.commandName === 'insert' && (c.command as any).insert === 'audit_log');
    const entries = writes.reduce((n, c) => n + ((c.command as any).documents as unknown[]).length, 0);
    expect(entries).toBe(40);
    // held: the first write takes one entry, the ones that queued behind it go in one or two more
    expect(writes.length).toBeLessThan(hold ? 10 : 40);
    expect(await verifyAuditChain(t.connection)).toEqual({ ok: true, entries: 41 });
  });

  it('finds the end of the chain by probing places as well as by sorting (a new process continues it)', async () => {
    const [last] = await t.connection
      .db!.collection('audit_log')
      .find({}, { sort: { _id: -1 }, limit: 1 })
      .toArray();
    const { _id, prevHash, hash, ...draft } = last as any;
    for (const findEnd of ['probe', 'sort'] as const) {
      const fresh = new AuditLog(t.connection, DEVELOPMENT_AUDIT_KEY, findEnd);
      const entry = await fresh.append({ ...draft, requestId: `next-${findEnd}` });
      expect(entry._id).toBe(findEnd === 'probe' ? _id + 1 : _id + 2);
    }
    expect(await verifyAuditChain(t.connection)).toEqual({ ok: true, entries: _id + 2 });
  });
});

/** locks a store collection's PostgreSQL table against writes (reads go on) until `release` */
async function holdAuditTable(db: string) {
  const pg = new Client({ connectionString: pgUrl });
  await pg.connect();
  const table = await postgresTableOf(pg, db, 'audit_log');
  await pg.query('BEGIN');
  await pg.query(`LOCK TABLE "${db}"."${table}" IN SHARE MODE`);
  return {
    async untilAWriteWaits() {
      for (let i = 0; i < 300; i++) {
        const waiting = await pg.query(`SELECT 1 FROM pg_locks WHERE relation = $1::regclass AND NOT granted`, [`"${db}"."${table}"`]);
        if (waiting.rowCount) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('no write to audit_log waited on the lock within 6 s');
    },
    async release() {
      await pg.query('COMMIT');
      await pg.end();
    },
  };
}
