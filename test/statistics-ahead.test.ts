/**
 * `statistics` from counts kept per partition (datasources/services/stat-counts.ts), against the real store
 * (FerretDB): the same answers as aggregating every record in the store, every filter; the store
 * commands it saves; and never a stale count after ingest, a correction, or a write in flight.
 */
import { correctionInput, detentionInput, personId, registerTestSources } from './fixtures';
import { startTestHub, type TestHub } from './helpers';
import { DOMAINS, type Domain } from '../domain/records';
import type { DataSourceDoc } from '../datasources/store/models';
import { GROUP_SHAPE, Statistics, type StatBucket, type StatDimension, type StatFilter } from '../datasources/services/statistics';
import { StatCounts, WRITE_LEASE_MS } from '../datasources/services/stat-counts';
import { seed } from '../datasources/seed';
import type { RequestScope } from '../datasources/sources/federated-records';

const bj = (local: string) => new Date(`${local}+08:00`);
const everything: RequestScope = {
  regions: null,
  report: (_s, e) => {
    throw e;
  },
};
/** Buckets as plain data, labels included: a key's label is a getter (made when read), which toEqual would skip. */
const plain = (buckets: StatBucket[]) =>
  buckets.map((b) => ({ ...b, keys: b.keys.map((k) => ({ dimension: k.dimension, value: k.value, label: k.label })) }));

describe('statistics counted ahead', () => {
  let t: TestHub;
  let srcs: Record<Domain, DataSourceDoc>;
  /** the same hub's data, counted by aggregating in the store every time (STATISTICS_AHEAD=false) */
  let inStore: Statistics;
  const partitions = () => t.connection.db!.collection('stat_partitions');
  /**
   * The hub's clock for the write leases: `settle()` moves it past every lease set so far, as if a
   * lease's time had passed. Rewriting the stored leases alone did not do that: this process also
   * remembers the leases it set and skips a before-write mark while its own still has half its time
   * to run, so a write made soon after the seed went without a lease (failed whenever the tests
   * before it took under 30 s).
   */
  let ahead_ms = 0;
  const clock = () => Date.now() + ahead_ms;
  const settle = async () => {
    ahead_ms += WRITE_LEASE_MS + 1;
  };
  const ahead = () => t.hub.sources.statistics;
  /** Statistics of the test's own over the hub's store, counting per hosted source (as on FerretDB); from `counted`'s partitions if given. */
  const perSourceStatistics = (counted?: StatCounts) => {
    const s = t.hub.sources;
    return new Statistics({ models: s.models, registry: s.registry, connectors: s.connectors, hosted: s.hosted, perSource: true, counted });
  };
  /**
   * The reads and writes sent since the last reset: without the registry's refresh that runs every
   * 2 s, and without `getMore`, the continuation of a read (FerretDB may cut a first batch short).
   */
  const commands = () =>
    t.commands
      .filter((c) => c.commandName !== 'getMore')
      .map((c) => `${c.commandName} ${String((c.command as any)[c.commandName])}`)
      .filter((c) => c !== 'find data_sources');

  beforeAll(async () => {
    t = await startTestHub({ clock });
    const s = t.hub.sources;
    inStore = perSourceStatistics();
    await seed(s, { persons: 400, seed: 11, today: new Date('2025-06-30T00:00:00+08:00') });
    srcs = await registerTestSources(s, '-ahead');
  }, 120_000);
  afterAll(() => t.close());

  it('gives the answer of the store aggregate for every dimension and filter, in and out of jurisdiction', async () => {
    expect(await ahead().counted!.isReady()).toBe(true);
    const units: Record<Domain, string> = {
      DETENTION: 'facility',
      PRISON: 'prison',
      COMMUNITY_CORRECTION: 'office',
      ENFORCEMENT_CASE: 'agency',
    };
    let compared = 0;
    for (const domain of DOMAINS) {
      const some = (await t.hub.sources.models.records[domain].collection.findOne({}, { sort: { _id: 1 } })) as any;
      const statusField = domain === 'DETENTION' ? 'stage' : 'status';
      const filters: StatFilter[] = [
        {},
        { regions: [some.region] },
        { regions: ['5001'] },
        { statuses: [some[statusField]] },
        { facilityCodes: [some[units[domain]].code] },
        // a whole Beijing month, then ranges that cut months (counted from the records with the range)
        { eventFrom: bj('2024-03-01T00:00:00'), eventTo: bj('2024-05-01T00:00:00') },
        { eventFrom: new Date('2024-03-01T00:00:00Z'), eventTo: bj('2024-11-15T12:00:00') },
        { eventTo: bj('2023-07-20T00:00:00') },
        { sourceIds: [some.sourceId.toHexString()] },
        { sourceIds: [srcs[domain]._id.toHexString()] },
      ];
      if (domain === 'DETENTION')
        filters.push({ inCustody: true }, { inCustody: false, categories: ['INVESTIGATION', 'PROSECUTION_REVIEW'] });
      if (domain === 'PRISON')
        filters.push({ categories: ['LIFE', 'DEATH_REPRIEVE'] }, { categories: ['FIXED_TERM'], statuses: ['SERVING'] });
      if (domain === 'COMMUNITY_CORRECTION') filters.push({ categories: ['PAROLE'] });
      if (domain === 'ENFORCEMENT_CASE')
        filters.push(
          { suspectedCrime: true },
          { suspectedCrime: false },
          { withTransfer: true },
          { withTransfer: false, categories: ['TAX', 'FOOD_DRUG'] },
        );
      // The finest groupings (every key a group holds) and a coarse one; the store aggregate is slow, so few of them.
      const groupings: StatDimension[][] = [
        ['SOURCE', 'REGION', 'MONTH', 'STATUS'],
        ['FACILITY', domain === 'DETENTION' ? 'STATUS' : 'CATEGORY', 'YEAR'],
      ];
      for (const [i, filter] of filters.entries()) {
        for (const groupBy of i === 0 ? groupings : groupings.slice(0, 1)) {
          for (const scope of i < 3 ? [everything, { ...everything, regions: ['500101', '500230'] }] : [everything]) {
            const want = plain(await inStore.compute(domain, groupBy, filter, scope));
            const got = plain(await ahead().compute(domain, groupBy, filter, scope));
            expect([domain, groupBy, filter, scope.regions, got]).toEqual([domain, groupBy, filter, scope.regions, want]);
            compared += want.length;
          }
        }
      }
    }
    // the comparison is about something: the seeded set fills many buckets
    expect(compared).toBeGreaterThan(2000);
  }, 300_000);

  it('asks the store for the partitions alone when their counts are known, and recounts only a partition that changed', async () => {
    await settle();
    await ahead().compute('DETENTION', ['REGION', 'MONTH'], null, everything);
    t.resetCommands();
    const before = plain(await ahead().compute('DETENTION', ['REGION', 'MONTH'], null, everything));
    expect(commands()).toEqual(['find stat_partitions']);

    // Another process (or a restart): the marker once, the stored counts in one read, and no record read.
    const fresh = new StatCounts(t.hub.sources.models, GROUP_SHAPE, clock);
    const other = perSourceStatistics(fresh);
    t.resetCommands();
    expect(plain(await other.compute('DETENTION', ['REGION', 'MONTH'], null, everything))).toEqual(before);
    expect(commands()).toEqual(['find hub_meta', 'find stat_partitions', 'find stat_counts']);

    // A new record in 2024-02: that partition's counts are made again from its records, the others are kept.
    await t.hub.sources.ingestor.ingest(srcs.DETENTION, [
      detentionInput(personId(1, '500230'), 1, { region: '500230', eventAt: '2024-02-11T09:00:00+08:00' }),
    ]);
    await settle();
    t.resetCommands();
    const after = plain(await other.compute('DETENTION', ['REGION', 'MONTH'], null, everything));
    // the marks, that partition's stored (stale) counts, its records, and its new counts kept
    expect(commands()).toEqual(['find stat_partitions', 'find stat_counts', 'find detention_records', 'update stat_counts']);
    const read = t.commands.find((c) => c.commandName === 'find' && (c.command as any).find === 'detention_records')!.command as any;
    expect(read.filter).toEqual({ eventMonth: '2024-02' });
    const count = (buckets: typeof before, key: string) => buckets.find((b) => b.keys.map((k) => k.value).join('|') === key)?.count ?? 0;
    expect(count(after, '500230|2024-02')).toBe(count(before, '500230|2024-02') + 1);
    expect(after.reduce((n, b) => n + b.count, 0)).toBe(before.reduce((n, b) => n + b.count, 0) + 1);
    expect(after).toEqual(plain(await inStore.compute('DETENTION', ['REGION', 'MONTH'], null, everything)));
  });

  it('answers a repeated question with the buckets it folded, until a partition, a suspension or the jurisdiction differs', async () => {
    const groupBy: StatDimension[] = ['REGION', 'MONTH'];
    const ask = (filter: StatFilter | null = null, scope: RequestScope = everything) =>
      ahead().compute('COMMUNITY_CORRECTION', groupBy, filter, scope);
    const total = (buckets: StatBucket[]) => buckets.reduce((n, b) => n + b.count, 0);
    await settle();
    const first = await ask();
    t.resetCommands();
    const again = await ask();
    // the same folded buckets, after reading the marks alone
    expect(again).toBe(first);
    expect(commands()).toEqual(['find stat_partitions']);
    // another jurisdiction or filter is another question
    const narrow = await ask(null, { ...everything, regions: ['500101'] });
    expect(narrow).not.toBe(first);
    expect(plain(narrow)).toEqual(
      plain(await inStore.compute('COMMUNITY_CORRECTION', groupBy, null, { ...everything, regions: ['500101'] })),
    );
    expect(await ask(null, { ...everything, regions: ['500101'] })).toBe(narrow);
    expect(await ask()).toBe(first);

    // A record lands: its partition's token changes, the question is counted again and includes it.
    const input = correctionInput(personId(3), 3, { externalId: 'KEPT-1', eventAt: '2024-08-03T10:00:00+08:00' });
    expect((await t.hub.sources.ingestor.ingest(srcs.COMMUNITY_CORRECTION, [input])).accepted).toBe(1);
    // while its write's lease runs, no answer is kept (its partition's counts are not either)
    const during = await ask();
    expect(total(during)).toBe(total(first) + 1);
    expect(await ask()).not.toBe(during);
    await settle();
    const after = await ask();
    expect(after).not.toBe(first);
    expect(plain(after)).toEqual(plain(await inStore.compute('COMMUNITY_CORRECTION', groupBy, null, everything)));
    expect(await ask()).toBe(after);

    // A hosted source suspended: its records leave the answer.
    const some = (await t.hub.sources.models.records.COMMUNITY_CORRECTION.collection.findOne({
      sourceId: { $ne: srcs.COMMUNITY_CORRECTION._id },
    })) as any;
    const source = String(some.sourceId);
    const held = await t.hub.sources.models.records.COMMUNITY_CORRECTION.collection.countDocuments({ sourceId: some.sourceId });
    await t.hub.sources.registry.suspend(source, '核查');
    try {
      const suspended = await ask();
      expect(total(suspended)).toBe(total(after) - held);
      expect(await ask()).toBe(suspended);
    } finally {
      await t.hub.sources.registry.activate(source);
    }
    expect(total(await ask())).toBe(total(after));
  });

  it('follows a correction that moves a record to another month and district', async () => {
    const input = detentionInput(personId(2, '500101'), 2, {
      externalId: 'MOVE-1',
      eventAt: '2024-04-05T09:00:00+08:00',
      updatedAt: '2024-10-01T09:00:00+08:00',
    });
    await t.hub.sources.ingestor.ingest(srcs.DETENTION, [input]);
    await settle();
    const before = plain(
      await ahead().compute('DETENTION', ['REGION', 'MONTH'], { sourceIds: [srcs.DETENTION._id.toHexString()] }, everything),
    );
    expect(before.find((b) => b.keys[0].value === '500101' && b.keys[1].value === '2024-04')?.count).toBe(1);
    const corrected = {
      ...input,
      region: '500230',
      eventAt: '2024-06-07T09:00:00+08:00',
      admittedAt: '2024-06-07T09:00:00+08:00',
      stageStartedAt: '2024-06-07T09:00:00+08:00',
      updatedAt: '2024-10-02T09:00:00+08:00',
    };
    expect((await t.hub.sources.ingestor.ingest(srcs.DETENTION, [corrected])).accepted).toBe(1);
    await settle();
    const after = plain(
      await ahead().compute('DETENTION', ['REGION', 'MONTH'], { sourceIds: [srcs.DETENTION._id.toHexString()] }, everything),
    );
    expect(after.find((b) => b.keys[0].value === '500101' && b.keys[1].value === '2024-04')).toBeUndefined();
    expect(after.find((b) => b.keys[0].value === '500230' && b.keys[1].value === '2024-06')?.count).toBe(1);
    expect(after).toEqual(
      plain(await inStore.compute('DETENTION', ['REGION', 'MONTH'], { sourceIds: [srcs.DETENTION._id.toHexString()] }, everything)),
    );
  });

  it("never keeps a count made while a write was in flight, and a stopped writer's lease runs out", async () => {
    const counts = () => t.connection.db!.collection('stat_counts');
    await settle();
    await ahead().compute('PRISON', ['MONTH'], null, everything);
    const month = '2023-05';
    const id = `PRISON:${month}`;
    // A writer (another hub) marks the partition and "stops" before its write and its second mark (a crash).
    await new StatCounts(t.hub.sources.models, GROUP_SHAPE, clock).writing('PRISON', [month]);
    const mark = await partitions().findOne({ _id: id as never });
    expect(mark!.writingUntil.getTime()).toBeGreaterThan(clock());
    await ahead().compute('PRISON', ['MONTH'], null, everything);
    // counted for that answer, not kept: the partition's stored counts are not under its new token
    expect((await counts().findOne({ _id: id as never }))?.token).not.toBe(mark!.token);
    // The lease runs out: the next answer counts it and keeps the count.
    await partitions().updateOne({ _id: id as never }, { $set: { writingUntil: new Date(clock() - 1) } });
    await ahead().compute('PRISON', ['MONTH'], null, everything);
    expect((await counts().findOne({ _id: id as never }))?.token).toBe(mark!.token);
  });

  it('shares the marks of pushes that do not wait for them, and starts them when an answer or a waiting writer needs them', async () => {
    const tokens = async (...months: string[]) =>
      (
        await partitions()
          .find({ _id: { $in: months.map((m) => `PRISON:${m}`) } as never })
          .sort({ _id: 1 })
          .toArray()
      ).map((p) => p.token as string);
    // spacing of a minute: a mark that waits for it would outlast the test's timeout
    const marks = new StatCounts(t.hub.sources.models, GROUP_SHAPE, Date.now, undefined, 60_000);
    await marks.written('PRISON', ['2023-01', '2023-02', '2023-03', '2023-04'], true);
    const first = await tokens('2023-01', '2023-02', '2023-03', '2023-04');
    expect(new Set(first).size).toBe(1);
    // two deferred pushes right after: their mark waits for the spacing, shared
    void marks.written('PRISON', ['2023-02'], true);
    void marks.written('PRISON', ['2023-03'], true);
    await new Promise((r) => setTimeout(r, 300));
    expect(await tokens('2023-02', '2023-03')).toEqual([first[0], first[0]]);
    // this process's statistics needs the domain: the mark starts now, one token for both pushes
    await marks.list('PRISON');
    const [second, third] = await tokens('2023-02', '2023-03');
    expect(second).not.toBe(first[0]);
    expect(third).toBe(second);
    // a writer that waits for its mark does not wait for the spacing either, nor does shutdown
    void marks.written('PRISON', ['2023-01'], true);
    await marks.written('PRISON', ['2023-04'], false);
    const [jan, apr] = await tokens('2023-01', '2023-04');
    expect(apr).not.toBe(first[0]);
    expect(jan).toBe(apr);
    void marks.written('PRISON', ['2023-02'], true);
    await marks.flush();
    expect((await tokens('2023-02'))[0]).not.toBe(second);
  }, 10_000);

  it('marks the partitions of a store written before them once, from the stored records', async () => {
    const s = t.hub.sources;
    const meta = t.connection.db!.collection('hub_meta');
    const all = await partitions().find({}).toArray();
    await partitions().deleteMany({});
    await meta.deleteOne({ _id: 'stat-partitions' as never });
    const fresh = new StatCounts(s.models, GROUP_SHAPE);
    const other = perSourceStatistics(fresh);
    expect(await fresh.isReady()).toBe(false);
    // until they are built, the store aggregates
    t.resetCommands();
    const want = plain(await inStore.compute('ENFORCEMENT_CASE', ['REGION', 'YEAR'], null, everything));
    expect(plain(await other.compute('ENFORCEMENT_CASE', ['REGION', 'YEAR'], null, everything))).toEqual(want);
    expect(commands().filter((c) => c.startsWith('aggregate')).length).toBeGreaterThan(0);
    // what the records hold, by the store's own grouping: ingest also left marks of months whose records moved away
    const held: string[] = [];
    for (const domain of DOMAINS) {
      for (const g of await s.models.records[domain].collection
        .aggregate<{ _id: string }>([{ $match: {} }, { $group: { _id: '$eventMonth' } }])
        .toArray()) {
        held.push(`${domain}:${g._id}`);
      }
    }
    expect(held.length).toBeGreaterThan(50);
    expect(all.map((p) => p._id)).toEqual(expect.arrayContaining(held));
    const logged: object[] = [];
    expect(await fresh.build(undefined, { info: (f) => logged.push(f) })).toBe(held.length);
    expect(logged).toEqual([{ partitions: held.length }]);
    expect((await partitions().find({}).toArray()).map((p) => p._id).sort()).toEqual(held.sort());
    expect(await fresh.build()).toBeNull();
    t.resetCommands();
    expect(plain(await other.compute('ENFORCEMENT_CASE', ['REGION', 'YEAR'], null, everything))).toEqual(want);
    expect(commands().filter((c) => c.startsWith('aggregate'))).toEqual([]);
  });
});
