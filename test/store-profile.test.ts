/**
 * The store seam (datasources/store/profile.ts): FerretDB's profile and MongoDB's give the same
 * answers, and MongoDB's runs none of FerretDB's workarounds. MongoDB cannot run here, so its
 * profile is exercised on FerretDB (`storeProfile: 'mongodb'`); its guarded write is checked one
 * writer at a time, since FerretDB does not check an update's filter when it writes.
 */
import type { Collection } from 'mongodb';
import { ClaimedWrites } from '../datasources/store/ferretdb/claimed-writes';
import { ConcurrentChangeError, VersionedWrites } from '../datasources/store/guarded-writes';
import { MIGRATIONS_COLLECTION, runMigrations, type Migration } from '../datasources/store/migrations';
import { storeProfile } from '../datasources/store/profile';
import { validateRecord, type DetentionRecordInput } from '../domain/records';
import { detentionInput, personId, registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

const DOSSIER = `query ($ids: [IdNumber!]!) { persons(idNumbers: $ids) { idNumber
  detentions { totalCount edges { node { id stage } } } imprisonments { totalCount } corrections { totalCount } enforcementCases { totalCount } } }`;
const STATS = `query ($domain: Domain!, $groupBy: [StatDimension!]!) { statistics(domain: $domain, groupBy: $groupBy) { keys { value label } count amount } }`;
const LIST = `{ detentionRecords(first: 7) { totalCount edges { node { id } } } }`;

const collectionCount = async (t: TestHub, name: string) => t.connection.db!.collection(name).countDocuments({});
const migrationsRun = async (t: TestHub) =>
  (await t.connection.db!.collection(MIGRATIONS_COLLECTION).find({}).toArray()).map((m) => m._id).sort();

describe('store profiles', () => {
  let ferret: TestHub;
  let mongo: TestHub;
  let ids: string[];
  beforeAll(async () => {
    ferret = await startTestHub();
    mongo = await startTestHub({ storeProfile: 'mongodb' });
    for (const t of [ferret, mongo]) ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 12, 2);
  }, 120_000);
  afterAll(async () => {
    await ferret?.close();
    await mongo?.close();
  });

  it('are chosen once, by what the store says it is unless told', () => {
    expect(ferret.hub.sources.store).toMatchObject({
      name: 'ferretdb',
      batchLookup: 'equality',
      listReads: 'by-day',
      keepsDays: true,
      marksPartitions: true,
      auditChainEnd: 'probe',
    });
    expect(ferret.hub.sources.claims).toBeInstanceOf(ClaimedWrites);
    expect(mongo.hub.sources.store).toMatchObject({
      name: 'mongodb',
      batchLookup: 'in',
      listReads: 'sorted',
      keepsDays: false,
      marksPartitions: false,
      statisticsAhead: false,
      auditChainEnd: 'sort',
    });
    expect(mongo.hub.sources.claims).toBeInstanceOf(VersionedWrites);
    // overrides are how MongoDB's read plan is measured on FerretDB
    expect(storeProfile('ferretdb', { batchLookup: 'in', listReads: 'sorted' })).toMatchObject({
      batchLookup: 'in',
      listReads: 'sorted',
      keepsDays: true,
    });
  });

  it('answer dossiers, lists and statistics alike', async () => {
    for (const [query, variables] of [
      [DOSSIER, { ids: ids.slice(0, 5) }],
      [LIST, {}],
      [STATS, { domain: 'ENFORCEMENT_CASE', groupBy: ['REGION', 'STATUS'] }],
      [STATS, { domain: 'DETENTION', groupBy: ['MONTH'] }],
    ] as const) {
      const [a, b] = await Promise.all([ferret.gql(query, variables), mongo.gql(query, variables)]);
      expect(a.body.errors).toBeUndefined();
      // record ids differ between the two stores; what they hold does not
      const strip = (body: unknown) => JSON.stringify(body).replace(/"id":"[0-9a-f]{24}"/g, '"id":"…"');
      expect(strip(b.body)).toEqual(strip(a.body));
    }
    const dossier = await mongo.gql(DOSSIER, { ids: ids.slice(0, 1) });
    expect(dossier.body.data.persons[0].detentions.totalCount).toBe(2);
  });

  it('on MongoDB keep no days registry, no statistics partitions and no write claims', async () => {
    expect(await collectionCount(ferret, 'record_days')).toBeGreaterThan(0);
    expect(await collectionCount(ferret, 'stat_partitions')).toBeGreaterThan(0);
    for (const name of ['record_days', 'stat_partitions', 'stat_counts', 'write_claims'])
      expect(await collectionCount(mongo, name)).toBe(0);
    // a guarded write (a source suspended by an administrator) went through findOneAndUpdate
    const source = mongo.hub.sources.registry.list('DETENTION', 'ACTIVE')[0];
    const r = await mongo.admin(`mutation ($id: ID!) { suspendDataSource(id: $id, reason: "测试：暂停") { status } }`, {
      id: source._id.toHexString(),
    });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.suspendDataSource.status).toBe('SUSPENDED');
    expect(await collectionCount(mongo, 'write_claims')).toBe(0);
    expect(await migrationsRun(ferret)).toEqual([1, 2, 3, 4]);
    expect(await migrationsRun(mongo)).toEqual([1, 2]);
  });

  it('write corrections one command each on FerretDB and in one bulk write on MongoDB, a refused one rejected by its place', async () => {
    const person = personId(901);
    // validated as ingest would; the NUL character is what PostgreSQL refuses behind validation (SQLSTATE 22P05)
    const checked = (n: number, o: Record<string, unknown> = {}) => {
      const v = validateRecord('DETENTION', detentionInput(person, n, o));
      if (!v.ok) throw new Error(v.reasons.join('; '));
      return { index: n, record: v.record as DetentionRecordInput };
    };
    const first = Array.from({ length: 6 }, (_, n) => checked(n));
    const corrected = first.map(({ record }, n) => ({
      index: n,
      record: { ...record, updatedAt: new Date('2024-11-01T01:00:00Z'), name: n === 3 ? '李\u0000明' : '李明' },
    }));
    for (const t of [ferret, mongo]) {
      const source = t.hub.sources.registry.list('DETENTION')[0]; // the earlier test suspended MongoDB's: a push path check, not the store's
      expect(await t.hub.sources.ingestor.ingestChecked(source, first)).toMatchObject({ accepted: 6, rejected: [] });
      t.resetCommands();
      const r = await t.hub.sources.ingestor.ingestChecked(source, corrected);
      expect(r.accepted).toBe(5);
      expect(r.rejected.map((x) => [x.index, x.externalId])).toEqual([[3, corrected[3].record.externalId]]);
      expect(r.rejected[0].reasons[0]).toMatch(/^record: refused by the store: .*22P05/);
      const updates = t.commands.filter((c) => c.commandName === 'update' && c.command.update === 'detention_records');
      const statements = updates.map((c) => (c.command.updates as unknown[]).length);
      // MongoDB names the refused statement in its answer; FerretDB fails the whole command, so the MongoDB
      // profile on it sends the six again one at a time (the version guard keeps those already stored)
      expect(statements).toEqual(t === mongo ? [6, 1, 1, 1, 1, 1, 1] : [1, 1, 1, 1, 1, 1]);
      // without a refusal, MongoDB's plan is one command for the six
      const again = corrected.map(({ record }, n) => ({
        index: n,
        record: { ...record, updatedAt: new Date('2024-11-02T01:00:00Z'), name: '李明' },
      }));
      t.resetCommands();
      expect(await t.hub.sources.ingestor.ingestChecked(source, again)).toMatchObject({ accepted: 6, rejected: [] });
      const second = t.commands.filter((c) => c.commandName === 'update' && c.command.update === 'detention_records');
      expect(second.map((c) => (c.command.updates as unknown[]).length)).toEqual(t === mongo ? [6] : [1, 1, 1, 1, 1, 1]);
      const stored = await t.connection
        .db!.collection('detention_records')
        .find({ idNumber: person }, { projection: { externalId: 1, name: 1 } })
        .toArray();
      expect(stored.map((d) => [d.externalId, d.name]).sort()).toEqual(corrected.map(({ record }) => [record.externalId, '李明']).sort());
    }
  });

  it('have MongoDB expire rejected records with a TTL index, and delete them in the hub where the store cannot', async () => {
    const rejections = mongo.connection.db!.collection('ingest_rejections');
    mongo.resetCommands();
    // FerretDB 1.24 refuses the index option, so here the MongoDB profile falls back to the hub's own purge
    expect(await mongo.hub.sources.store.expireAfter(rejections, 'at', 3600)).toBe(false);
    const asked = mongo.commands.filter((c) => c.commandName === 'createIndexes' && c.command.createIndexes === 'ingest_rejections');
    expect(asked.map((c) => c.command.indexes.map((i: any) => ({ ...i, key: Object.fromEntries(i.key) })))).toEqual([
      [{ key: { at: 1 }, name: 'at_ttl', expireAfterSeconds: 3600 }],
    ]);
    ferret.resetCommands();
    expect(await ferret.hub.sources.store.expireAfter(ferret.connection.db!.collection('ingest_rejections'), 'at', 3600)).toBe(false);
    expect(ferret.commands).toEqual([]);
  });

  it('undo what a profile no longer keeps up, so that a later one builds it anew', async () => {
    const db = mongo.connection.db!.databaseName;
    const asFerret = await startTestHub({ dbName: db });
    try {
      expect(await migrationsRun(asFerret)).toEqual([1, 2, 3, 4]);
      expect(await collectionCount(asFerret, 'record_days')).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((resolve) => asFerret.server.close(() => resolve()));
      await asFerret.hub.stop();
      await asFerret.connection.close();
    }
    const again = await startTestHub({ dbName: db, storeProfile: 'mongodb' });
    try {
      expect(await migrationsRun(again)).toEqual([1, 2]);
      expect(await again.connection.db!.collection('hub_meta').findOne({ _id: 'record-days' as never })).toBeNull();
      expect(await collectionCount(again, 'stat_partitions')).toBe(0);
    } finally {
      await new Promise<void>((resolve) => again.server.close(() => resolve()));
      await again.hub.stop();
      await again.connection.close();
    }
  }, 120_000);
});

describe('numbered migrations', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it('run once each, in order, recording what they did; a failed one runs again next time and holds back the rest', async () => {
    const ran: number[] = [];
    let fail = true;
    const list: Migration<null>[] = [
      {
        id: 101,
        name: 'first',
        run: async () => {
          ran.push(101);
          return { n: 1 };
        },
      },
      {
        id: 102,
        name: 'flaky',
        run: async () => {
          ran.push(102);
          if (fail) throw new Error('store went away');
        },
      },
      {
        id: 103,
        name: 'last',
        run: async () => {
          ran.push(103);
        },
      },
    ];
    const db = t.connection.db!;
    await expect(runMigrations(db, list, null)).rejects.toThrow('store went away');
    fail = false;
    expect(await runMigrations(db, list, null)).toEqual([102, 103]);
    expect(await runMigrations(db, list, null)).toEqual([]);
    expect(ran).toEqual([101, 102, 102, 103]);
    expect(await db.collection(MIGRATIONS_COLLECTION).findOne({ _id: 101 as never })).toMatchObject({
      name: 'first',
      result: { n: 1 },
      at: expect.any(Date),
    });
    await expect(runMigrations(db, [list[1], list[0]], null)).rejects.toThrow('increasing order');
  });
});

describe("MongoDB's guarded write, one writer at a time", () => {
  let t: TestHub;
  let docs: Collection<{ _id: string; version?: number; n: number }>;
  beforeAll(async () => {
    t = await startTestHub();
    docs = t.connection.db!.collection('versioned_writes_test');
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes with the next version, decides again on a document changed since it was read, and gives up after the attempts', async () => {
    const writes = new VersionedWrites();
    await docs.insertOne({ _id: 'a', n: 1 });
    const first = await writes.change(docs, 'a', (d) => ({ n: d.n + 1 }));
    expect(first).toMatchObject({ written: true, doc: { n: 2, version: 1 } });
    // read by someone at version 1; another writer changes it meanwhile: decided again on what is stored
    const stale = first.doc!;
    await docs.updateOne({ _id: 'a' }, { $set: { n: 10, version: 2 } });
    const seen: number[] = [];
    const second = await writes.change(
      docs,
      'a',
      (d) => {
        seen.push(d.n);
        return { n: d.n + 1 };
      },
      { current: stale },
    );
    expect(seen).toEqual([2, 10]);
    expect(second.doc).toMatchObject({ n: 11, version: 3 });
    expect(await writes.change(docs, 'a', () => null)).toMatchObject({ written: false, doc: { n: 11 } });
    expect(await writes.change(docs, 'missing', () => ({ n: 1 }))).toEqual({ doc: null, written: false });
    // a writer whose only attempt meets a document changed since it was read
    await expect(writes.change(docs, 'a', (d) => ({ n: d.n }), { current: stale, attempts: 1 })).rejects.toBeInstanceOf(
      ConcurrentChangeError,
    );
  });
});
