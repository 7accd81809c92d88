/**
 * `statistics`: counts grouped by dimension, aggregated in the real store (FerretDB), with live REST
 * departments over real HTTP contributing through their list protocol.
 */
import { correctionInput, detentionInput, enforcementInput, personId, prisonInput, registerTestSources } from './fixtures';
import { startDepartment, type Department } from './departments';
import { startTestHub, type TestHub } from './helpers';
import type { Domain } from '../domain/records';
import type { DataSourceDoc } from '../datasources/store/models';
import { MONTH_DAY_MARKER, Statistics, type StatDimension, type StatFilter } from '../datasources/services/statistics';
import { seed } from '../datasources/seed';

const STATS = `query($domain: Domain!, $groupBy: [StatDimension!]!, $filter: StatFilter) {
  statistics(domain: $domain, groupBy: $groupBy, filter: $filter) { keys { dimension value label } count amount }
}`;
const REGISTER = `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id } } }`;

/** Buckets as compact rows: key values joined by '|', then count and amount. */
const rows = (buckets: any[]) => buckets.map((b) => [b.keys.map((k: any) => k.value).join('|'), b.count, b.amount]);

const bj = (local: string) => `${local}+08:00`;

describe('statistics over the hosted store', () => {
  let t: TestHub;
  let srcs: Record<Domain, DataSourceDoc>;
  beforeAll(async () => {
    t = await startTestHub();
    srcs = await registerTestSources(t.hub.sources);
    const ingest = async (domain: Domain, records: object[], source = srcs[domain]) => {
      const r = await t.hub.sources.ingestor.ingest(source, records);
      expect(r.rejected).toEqual([]);
    };
    const transfer = {
      reportedAt: bj('2023-03-02T09:00:00'),
      decidedAt: bj('2023-03-03T09:00:00'),
      transferredAt: bj('2023-03-03T15:00:00'),
      receivingAuthority: '重庆市公安局',
    };
    const agency103 = { code: 'SCJG-500103', name: '重庆市渝中区市场监督管理局' };
    await ingest('ENFORCEMENT_CASE', [
      enforcementInput(personId(1), 1, { eventAt: bj('2022-06-01T09:00:00'), amountInvolved: 1000 }),
      enforcementInput(personId(2), 2, { eventAt: bj('2022-06-20T09:00:00'), amountInvolved: 2500.5, category: 'TRADEMARK' }),
      // 2023-01-01 07:00 in Beijing is still 2022 in UTC: Beijing time decides the month and year.
      enforcementInput(personId(3), 3, {
        eventAt: bj('2023-01-01T07:00:00'),
        filedAt: bj('2023-01-01T07:00:00'),
        closedAt: null,
        amountInvolved: 300,
        transfer,
        status: 'TRANSFERRED',
      }),
      enforcementInput(personId(4, '500103'), 4, {
        region: '500103',
        agency: agency103,
        eventAt: bj('2023-03-01T09:00:00'),
        filedAt: bj('2023-03-01T09:00:00'),
        closedAt: null,
        amountInvolved: 40000,
        suspectedCrime: true,
        transfer,
        status: 'TRANSFERRED',
      }),
      enforcementInput(personId(5, '500230'), 5, {
        region: '500230',
        agency: { code: 'HB-500230', name: '丰都县生态环境局' },
        category: 'ENVIRONMENT',
        eventAt: bj('2024-05-10T09:00:00'),
        filedAt: bj('2024-05-10T09:00:00'),
        closedAt: null,
        amountInvolved: 7.25,
      }),
    ]);
    const kss103 = { code: 'KSS-500103', name: '重庆市渝中区看守所' };
    await ingest('DETENTION', [
      detentionInput(personId(10), 10, { stageDeadline: bj('2024-03-01T00:00:00') }),
      detentionInput(personId(11), 11),
      detentionInput(personId(12), 12, { stage: 'PROSECUTION_REVIEW', stageDeadline: bj('2026-01-01T00:00:00') }),
      // admitted before their recorded deadlines (a deadline before the stage began is refused)
      detentionInput(personId(13), 13, {
        releasedAt: bj('2024-09-01T09:00:00'),
        releaseReason: '取保候审',
        stageDeadline: bj('2024-03-01T00:00:00'),
        admittedAt: bj('2024-01-10T09:00:00'),
        stageStartedAt: bj('2024-01-10T09:00:00'),
      }),
      detentionInput(personId(14, '500103'), 14, {
        region: '500103',
        facility: kss103,
        stageDeadline: bj('2024-02-01T00:00:00'),
        admittedAt: bj('2024-01-10T09:00:00'),
        stageStartedAt: bj('2024-01-10T09:00:00'),
      }),
      detentionInput(personId(15, '500103'), 15, { region: '500103', facility: kss103, stage: 'FIRST_INSTANCE' }),
    ]);
    await ingest('PRISON', [
      prisonInput(personId(20), 20),
      prisonInput(personId(21), 21, { sentence: { startDate: '2020-01-01', kind: 'LIFE' } }),
      prisonInput(personId(22), 22, { status: 'PAROLED', parole: { decidedAt: '2024-06-01', probationEnd: '2025-06-01' } }),
    ]);
    await ingest('COMMUNITY_CORRECTION', [
      correctionInput(personId(30), 30),
      correctionInput(personId(31), 31, { correctionType: 'PAROLE', status: 'ABSCONDED' }),
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  const stats = async (domain: Domain, groupBy: string[], filter?: object, headers?: Record<string, string>) => {
    const { body } = await t.gql(STATS, { domain, groupBy, filter }, headers);
    expect(body.errors).toBeUndefined();
    return body.data.statistics as any[];
  };

  it('counts enforcement cases per district and year, in Beijing time, with the sum of amounts involved', async () => {
    const buckets = await stats('ENFORCEMENT_CASE', ['REGION', 'YEAR']);
    expect(rows(buckets)).toEqual([
      ['500101|2022', 2, 3500.5],
      ['500101|2023', 1, 300],
      ['500103|2023', 1, 40000],
      ['500230|2024', 1, 7.25],
    ]);
    expect(buckets[0].keys).toEqual([
      { dimension: 'REGION', value: '500101', label: '万州区' },
      { dimension: 'YEAR', value: '2022', label: '2022年' },
    ]);
    const months = await stats('ENFORCEMENT_CASE', ['MONTH'], { regions: ['500101'] });
    expect(rows(months)).toEqual([
      ['2022-06', 2, 3500.5],
      ['2023-01', 1, 300],
    ]);
    expect(months[1].keys[0].label).toBe('2023年1月');
  });

  it('counts transfers per year, and cases per agency and category with their names', async () => {
    expect(rows(await stats('ENFORCEMENT_CASE', ['YEAR'], { withTransfer: true }))).toEqual([['2023', 2, 40300]]);
    expect(rows(await stats('ENFORCEMENT_CASE', ['YEAR'], { withTransfer: false, suspectedCrime: false }))).toEqual([
      ['2022', 2, 3500.5],
      ['2024', 1, 7.25],
    ]);
    const agencies = await stats('ENFORCEMENT_CASE', ['FACILITY', 'CATEGORY'], {
      eventFrom: bj('2022-06-10T00:00:00'),
      eventTo: bj('2024-01-01T00:00:00'),
    });
    expect(agencies.map((b) => [b.keys.map((k: any) => `${k.value}:${k.label}`).join('|'), b.count, b.amount])).toEqual([
      ['SCJG-500101:重庆市万州区市场监督管理局|COUNTERFEIT:生产销售伪劣商品', 1, 300],
      ['SCJG-500101:重庆市万州区市场监督管理局|TRADEMARK:商标侵权', 1, 2500.5],
      ['SCJG-500103:重庆市渝中区市场监督管理局|COUNTERFEIT:生产销售伪劣商品', 1, 40000],
    ]);
  });

  it('counts the custody population per facility and custody overdue by its recorded deadline per district', async () => {
    const population = await stats('DETENTION', ['FACILITY'], { inCustody: true });
    expect(population.map((b) => [b.keys[0].value, b.keys[0].label, b.count, b.amount])).toEqual([
      ['KSS-500101', '重庆市万州区看守所', 3, null],
      ['KSS-500103', '重庆市渝中区看守所', 2, null],
    ]);
    expect(rows(await stats('DETENTION', ['REGION'], { stageDeadlineBefore: bj('2025-01-01T00:00:00') }))).toEqual([
      ['500101', 1, null],
      ['500103', 1, null],
    ]);
    const stages = await stats('DETENTION', ['STATUS'], { facilityCodes: ['KSS-500101'] });
    expect(stages.map((b) => [b.keys[0].value, b.keys[0].label, b.count])).toEqual([
      ['INVESTIGATION', '侦查羁押', 3],
      ['PROSECUTION_REVIEW', '审查起诉', 1],
    ]);
  });

  it('groups prison records by sentence kind and corrections by type and status', async () => {
    expect(rows(await stats('PRISON', ['CATEGORY']))).toEqual([
      ['FIXED_TERM', 2, null],
      ['LIFE', 1, null],
    ]);
    expect(rows(await stats('PRISON', ['STATUS'], { statuses: ['SERVING'], categories: ['FIXED_TERM'] }))).toEqual([['SERVING', 1, null]]);
    expect(rows(await stats('COMMUNITY_CORRECTION', ['CATEGORY', 'STATUS']))).toEqual([
      ['PAROLE|ABSCONDED', 1, null],
      ['PROBATION|ACTIVE', 1, null],
    ]);
  });

  it("counts only the caller's jurisdiction: an analyst of 500101 sees 500101 alone", async () => {
    const analyst = { authorization: `Bearer ${await t.token({ role: 'ANALYST', regions: ['500101'] })}` };
    expect(rows(await stats('ENFORCEMENT_CASE', ['REGION'], undefined, analyst))).toEqual([['500101', 3, 3800.5]]);
    expect(rows(await stats('DETENTION', ['FACILITY'], { regions: ['50'] }, analyst))).toEqual([['KSS-500101', 4, null]]);
    expect(await stats('ENFORCEMENT_CASE', ['REGION'], { regions: ['500103'] }, analyst)).toEqual([]);
  });

  it('is open to analysts, procurators without a purpose and administrators, and closed to departments', async () => {
    const as = async (role: 'ANALYST' | 'PROCURATOR' | 'ADMIN' | 'DEPARTMENT') =>
      t.gql(STATS, { domain: 'PRISON', groupBy: ['YEAR'] }, { authorization: `Bearer ${await t.token({ role })}` });
    for (const role of ['ANALYST', 'PROCURATOR', 'ADMIN'] as const) {
      const { body } = await as(role);
      expect(body.errors).toBeUndefined();
      expect(rows(body.data.statistics)).toEqual([['2023', 3, null]]);
    }
    expect((await as('DEPARTMENT')).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it("answers from the partitions' counts; without them (STATISTICS_AHEAD=false) one aggregate per request, two for enforcement", async () => {
    const commandsFor = async (statistics: Statistics, domain: Domain, groupBy: StatDimension[], filter?: StatFilter) => {
      t.resetCommands();
      await statistics.compute(domain, groupBy, filter, {
        regions: null,
        report: (_s, e) => {
          throw e;
        },
      });
      // without the registry's refresh (every 2 s) and the continuations of a read
      return t.commands
        .filter((c) => c.commandName !== 'getMore')
        .map((c) => `${c.commandName} ${String((c.command as any)[c.commandName])}`)
        .filter((c) => c !== 'find data_sources')
        .sort();
    };
    // Counted ahead: the partitions' marks, and each partition's records once while its counts are not kept (a write's lease).
    await t.connection.db!.collection('stat_partitions').updateMany({}, { $set: { writingUntil: new Date(0) } });
    await commandsFor(t.hub.sources.statistics, 'DETENTION', ['REGION', 'MONTH', 'FACILITY'], { inCustody: true });
    expect(await commandsFor(t.hub.sources.statistics, 'DETENTION', ['REGION', 'MONTH', 'FACILITY'], { inCustody: true })).toEqual([
      'find stat_partitions',
    ]);
    // The one filter a group cannot answer goes to the store.
    expect(
      await commandsFor(t.hub.sources.statistics, 'DETENTION', ['REGION'], { stageDeadlineBefore: new Date('2025-01-01T00:00:00+08:00') }),
    ).toEqual(['aggregate detention_records']);
    const s = t.hub.sources;
    const inStore = new Statistics({ models: s.models, registry: s.registry, connectors: s.connectors, hosted: s.hosted });
    expect(await commandsFor(inStore, 'DETENTION', ['REGION', 'MONTH', 'FACILITY'], { inCustody: true })).toEqual([
      'aggregate detention_records',
    ]);
    const pipeline = (t.commands.find((c) => c.commandName === 'aggregate')!.command as any).pipeline;
    expect(pipeline.map((stage: object) => Object.keys(stage)[0])).toEqual(['$match', '$group']);
    expect(await commandsFor(inStore, 'ENFORCEMENT_CASE', ['REGION', 'YEAR'])).toEqual([
      'aggregate enforcement_cases',
      'aggregate enforcement_cases',
    ]);
  });

  it('leaves out suspended hosted sources and labels sources by name', async () => {
    const other = await t.hub.sources.registry.ensure({
      name: '渝中区税务局执法系统',
      department: { code: 'SW-500103', name: '国家税务总局重庆市渝中区税务局' },
      domain: 'ENFORCEMENT_CASE',
      kind: 'HOSTED',
      regions: ['500103'],
    });
    const r = await t.hub.sources.ingestor.ingest(other, [
      enforcementInput(personId(40, '500103'), 40, { region: '500103', category: 'TAX', amountInvolved: 90 }),
    ]);
    expect(r.accepted).toBe(1);
    const bySource = await stats('ENFORCEMENT_CASE', ['SOURCE']);
    // ordered by the SOURCE value, the source id
    const expected = [
      [srcs.ENFORCEMENT_CASE, 5, 43807.75],
      [other, 1, 90],
    ] as const;
    expect(bySource.map((b) => [b.keys[0].value, b.keys[0].label, b.count, b.amount])).toEqual(
      [...expected]
        .sort((a, b) => (a[0]._id.toHexString() < b[0]._id.toHexString() ? -1 : 1))
        .map(([s, n, a]) => [s._id.toHexString(), s.name, n, a]),
    );
    const { body } = await t.admin(`mutation { suspendDataSource(id: "${other._id.toHexString()}", reason: "数据核查") { status } }`);
    expect(body.errors).toBeUndefined();
    expect(rows(await stats('ENFORCEMENT_CASE', ['CATEGORY'], { regions: ['500103'] }))).toEqual([['COUNTERFEIT', 1, 40000]]);
  });

  it('fills the month of records stored before it existed, once, and counts them in the right month', async () => {
    const collection = t.connection.db!.collection('prison_records');
    const [stored] = await collection.find({}, { limit: 1 }).toArray();
    const { _id, eventMonth, eventDay, eventHour, ...rest } = stored;
    expect(eventMonth).toBe('2023-05');
    expect(eventDay).toBe('2023-05-10');
    await collection.insertOne({ ...rest, externalId: 'OLD-1', eventAt: new Date('2021-12-31T16:30:00Z') }); // 2022-01-01 00:30 in Beijing
    // A count by month in the store meets the record without a month: it fills it and counts again.
    const s = t.hub.sources;
    const inStore = new Statistics({
      models: s.models,
      registry: s.registry,
      connectors: s.connectors,
      hosted: s.hosted,
      perSource: false,
      counted: s.counted,
      ahead: false,
      days: s.days,
    });
    const buckets = await inStore.compute('PRISON', ['MONTH'], null, {
      regions: null,
      report: (_s, e) => {
        throw e;
      },
    });
    expect(buckets.map((b) => [b.keys[0].value, b.count])).toEqual([
      ['2022-01', 1],
      ['2023-05', 3],
    ]);
    // Filling it put the record in its month's partition, so the counts kept ahead have it too.
    expect(rows(await stats('PRISON', ['MONTH']))).toEqual([
      ['2022-01', 1, null],
      ['2023-05', 3, null],
    ]);
    await collection.updateOne({ externalId: 'OLD-1' }, { $unset: { eventMonth: '', eventDay: '' } });
    // The start-up pass ran when the hub started and left its marker: it does not read the store again.
    expect(await t.connection.db!.collection('hub_meta').findOne({ _id: MONTH_DAY_MARKER as never })).not.toBeNull();
    expect(await t.hub.sources.statistics.backfillMonths()).toBe(0);
    // A store that an older hub wrote has no marker: the pass runs, fills, and marks.
    await t.connection.db!.collection('hub_meta').deleteOne({ _id: MONTH_DAY_MARKER as never });
    const logged: object[] = [];
    expect(await t.hub.sources.statistics.backfillMonths({ info: (fields) => logged.push(fields) })).toBe(1);
    expect(logged).toEqual([{ documents: 1, domains: ['DETENTION', 'PRISON', 'COMMUNITY_CORRECTION', 'ENFORCEMENT_CASE'] }]);
    expect(await t.hub.sources.statistics.backfillMonths()).toBe(0);
    expect((await collection.findOne({ externalId: 'OLD-1' }))?.eventMonth).toBe('2022-01');
    expect((await collection.findOne({ externalId: 'OLD-1' }))?.eventDay).toBe('2022-01-01');
  });

  it('refuses bad input with BAD_USER_INPUT naming the field', async () => {
    const cases: [Domain, string[], object | undefined, string][] = [
      ['PRISON', [], undefined, 'groupBy'],
      ['PRISON', ['REGION', 'YEAR', 'REGION'], undefined, 'groupBy[2]'],
      ['PRISON', ['REGION', 'YEAR', 'MONTH', 'STATUS', 'SOURCE'], undefined, 'groupBy'],
      ['DETENTION', ['STATUS', 'CATEGORY'], undefined, 'groupBy[1]'],
      ['PRISON', ['STATUS'], { statuses: ['FILED'] }, 'filter.statuses[0]'],
      ['ENFORCEMENT_CASE', ['STATUS'], { categories: ['TAX', 'LIFE'] }, 'filter.categories[1]'],
      ['ENFORCEMENT_CASE', ['REGION'], { inCustody: true }, 'filter.inCustody'],
      ['DETENTION', ['REGION'], { withTransfer: true }, 'filter.withTransfer'],
      ['DETENTION', ['REGION'], { inCustody: false, stageDeadlineBefore: bj('2025-01-01T00:00:00') }, 'filter.stageDeadlineBefore'],
      ['PRISON', ['REGION'], { regions: ['5001x'] }, 'filter.regions[0]'],
      ['PRISON', ['REGION'], { sourceIds: ['nope'] }, 'filter.sourceIds[0]'],
      ['PRISON', ['REGION'], { eventFrom: bj('2024-06-01T00:00:00'), eventTo: bj('2024-05-01T00:00:00') }, 'filter.eventTo'],
    ];
    for (const [domain, groupBy, filter, field] of cases) {
      const { body } = await t.gql(STATS, { domain, groupBy, filter });
      expect([field, body.errors?.[0]?.extensions]).toEqual([field, expect.objectContaining({ code: 'BAD_USER_INPUT', field })]);
    }
    const { body } = await t.gql(STATS, { domain: 'PRISON', groupBy: ['WEEK'] });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('statistics with live sources', () => {
  let t: TestHub;
  let srcs: Record<Domain, DataSourceDoc>;
  const departments: Department[] = [];
  beforeAll(async () => {
    t = await startTestHub();
    srcs = await registerTestSources(t.hub.sources);
    const r = await t.hub.sources.ingestor.ingest(srcs.ENFORCEMENT_CASE, [
      enforcementInput(personId(1), 1, { eventAt: bj('2024-02-01T09:00:00'), amountInvolved: 10 }),
      enforcementInput(personId(2, '500106'), 2, { region: '500106', eventAt: bj('2024-03-01T09:00:00'), amountInvolved: 20 }),
    ]);
    expect(r.accepted).toBe(2);
  });
  afterAll(async () => {
    await Promise.all(departments.map((d) => d.close()));
    await t.close();
  });

  let registered = 0;
  async function liveSource(
    name: string,
    records: Record<string, unknown>[],
    mode?: 'fail500',
  ): Promise<{ id: string; department: Department }> {
    const department = await startDepartment({ records, mode });
    departments.push(department);
    const { body } = await t.admin(REGISTER, {
      input: {
        name,
        department: { code: `LIVE-${++registered}`, name },
        domain: 'ENFORCEMENT_CASE',
        kind: 'REST',
        regions: ['50'],
        endpoint: department.url,
      },
    });
    expect(body.errors).toBeUndefined();
    return { id: body.data.registerDataSource.dataSource.id, department };
  }

  it("pages through a live REST source and merges its counts with the store's, within the caller's jurisdiction", async () => {
    const records = Array.from({ length: 1050 }, (_, i) =>
      enforcementInput(personId(100 + i, '500106'), i, {
        externalId: `LIVE-${i}`,
        region: i < 1000 ? '500106' : '500101',
        eventAt: bj(i % 2 ? '2024-02-15T09:00:00' : '2023-12-31T23:30:00'),
        amountInvolved: 2,
      }),
    );
    const { department } = await liveSource('沙坪坝区市场监管执法系统', records);
    const buckets = await (async () => {
      const { body } = await t.gql(STATS, { domain: 'ENFORCEMENT_CASE', groupBy: ['REGION', 'YEAR'] });
      expect(body.errors).toBeUndefined();
      return body.data.statistics;
    })();
    expect(rows(buckets)).toEqual([
      ['500101|2023', 25, 50],
      ['500101|2024', 26, 60],
      ['500106|2023', 500, 1000],
      ['500106|2024', 501, 1020],
    ]);
    const lists = department.requests.filter((r) => r.path === '/records');
    expect(lists.map((r) => r.query.limit)).toEqual(['1000', '1000']);
    expect(lists[1].query.cursor).toBeTruthy();

    const analyst = { authorization: `Bearer ${await t.token({ role: 'ANALYST', regions: ['500106'] })}` };
    const { body } = await t.gql(
      STATS,
      { domain: 'ENFORCEMENT_CASE', groupBy: ['REGION'], filter: { eventFrom: bj('2024-01-01T00:00:00') } },
      analyst,
    );
    expect(rows(body.data.statistics)).toEqual([['500106', 501, 1020]]);
    expect(department.requests.at(-1)!.query).toMatchObject({ regions: '500106', eventFrom: '2023-12-31T16:00:00.000Z' });
  });

  it("answers the other sources' buckets and SOURCE_UNAVAILABLE when a live source fails", async () => {
    const { id } = await liveSource('故障执法系统', [], 'fail500');
    const { body } = await t.gql(STATS, {
      domain: 'ENFORCEMENT_CASE',
      groupBy: ['REGION'],
      filter: { eventFrom: bj('2024-01-01T00:00:00'), eventTo: bj('2024-02-10T00:00:00') },
    });
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ path: ['statistics'], extensions: { code: 'SOURCE_UNAVAILABLE', sourceId: id } });
    // the store's case of 2024-02-01; the healthy live source has none in that window
    expect(rows(body.data.statistics)).toEqual([['500101', 1, 10]]);
  });
});

/**
 * A figure for the README, not a test of speed: `STAT_BENCH=1 npx jest test/statistics.test.ts -t 'bigger set'`.
 * Seeds 10,000 synthetic persons and times REGION×MONTH on ENFORCEMENT_CASE.
 */
(process.env.STAT_BENCH ? describe : describe.skip)('statistics on a bigger set', () => {
  it('times REGION×MONTH over enforcement cases of 10,000 synthetic persons', async () => {
    const t = await startTestHub({ requestTimeoutMs: 300_000 });
    try {
      const started = Date.now();
      const p = await seed(t.hub.sources, { persons: 10_000, seed: 7, today: new Date('2025-06-30T00:00:00+08:00') });
      const seededMs = Date.now() - started;
      const counts = Object.fromEntries(
        await Promise.all(
          (['DETENTION', 'PRISON', 'COMMUNITY_CORRECTION', 'ENFORCEMENT_CASE'] as Domain[]).map(async (d) => [
            d,
            await t.hub.sources.models.records[d].collection.countDocuments({}),
          ]),
        ),
      );
      const col = t.hub.sources.models.records.ENFORCEMENT_CASE.collection;
      const ms = async (f: () => Promise<unknown>) => {
        const s0 = performance.now();
        await f();
        return Math.round(performance.now() - s0);
      };
      const id = { r: '$region', m: '$eventMonth' };
      const runs = {
        backfillNothingMissing: [] as number[],
        hub: [] as number[],
        hubOneDistrict: [] as number[],
        driverCountAggregate: [] as number[],
        driverCountAndAmountAggregates: [] as number[],
        driverProjectedFind: [] as number[],
      };
      let buckets = 0;
      // side by side, interleaved, so that the machine's load falls on all alike
      for (let i = 0; i < 4; i++) {
        runs.hub.push(
          await ms(async () => {
            const { body } = await t.gql(STATS, { domain: 'ENFORCEMENT_CASE', groupBy: ['REGION', 'MONTH'] });
            expect(body.errors).toBeUndefined();
            buckets = body.data.statistics.length;
            expect(body.data.statistics.reduce((a: number, b: any) => a + b.count, 0)).toBe(counts.ENFORCEMENT_CASE);
          }),
        );
        runs.hubOneDistrict.push(
          await ms(() => t.gql(STATS, { domain: 'ENFORCEMENT_CASE', groupBy: ['REGION', 'MONTH'], filter: { regions: ['500101'] } })),
        );
        runs.driverCountAggregate.push(await ms(() => col.aggregate([{ $match: {} }, { $group: { _id: id, v: { $sum: 1 } } }]).toArray()));
        runs.driverCountAndAmountAggregates.push(
          await ms(() =>
            Promise.all([
              col.aggregate([{ $match: {} }, { $group: { _id: id, v: { $sum: 1 } } }]).toArray(),
              col.aggregate([{ $match: {} }, { $group: { _id: id, v: { $sum: '$amountInvolved' } } }]).toArray(),
            ]),
          ),
        );
        runs.driverProjectedFind.push(
          await ms(() => col.find({}, { projection: { region: 1, eventMonth: 1, amountInvolved: 1 }, batchSize: 100_000 }).toArray()),
        );
        runs.backfillNothingMissing.push(await ms(async () => expect(await t.hub.sources.statistics.backfillMonths()).toBe(0)));
      }
      console.log(
        JSON.stringify({ store: process.env.HUB_TEST_STORE_KIND, persons: p.persons, records: p.records, counts, seededMs, buckets, runs }),
      );
    } finally {
      await t.close();
    }
  }, 900_000);
});
