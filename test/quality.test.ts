/**
 * dataQuality over the real store and real HTTP: hand-made late, incomplete, invalid and rejected
 * records, and figures that must equal the hand count.
 */
import { startTestHub, type TestHub } from './helpers';
import { detentionInput, enforcementInput, personId } from './fixtures';
import { makeIdNumber } from '../domain/id-number';
import type { DataSourceDoc } from '../datasources/store/models';

const at = (s: string) => `${s}+08:00`;
const date = (s: string) => new Date(at(s));

const REPORT = `
  query($sourceId: ID, $departmentCode: String, $from: Date, $to: Date) {
    dataQuality(sourceId: $sourceId, departmentCode: $departmentCode, from: $from, to: $to) {
      source { id name } department { code name } from to records rejected
      timeliness { ok total share } completeness { ok total share } accuracy { ok total share }
      medianLagDays missingFields { field count reason } invalid { field count reason }
      lastDeliveredAt freshnessDays rank
    }
  }`;
const MARCH = { from: '2024-03-01', to: '2024-03-31' };

/** The short form of a list of reports: who, and their rank. */
const who = (reports: any[]) => reports.map((r) => [r.department.code, r.source?.name ?? null, r.rank]);

describe('data quality per source and department', () => {
  let t: TestHub;
  let wanzhou: DataSourceDoc;
  let wanzhouLive: DataSourceDoc;
  let shapingba: DataSourceDoc;
  let county: { source: DataSourceDoc; apiKey: string };

  beforeAll(async () => {
    t = await startTestHub();
    const { registry, ingestor, health } = t.hub.sources;
    const detentionSource = (code: string, name: string, regions: string[]) =>
      registry.ensure({ name, department: { code, name: `${name}(部门)` }, domain: 'DETENTION', kind: 'HOSTED', regions });
    wanzhou = await detentionSource('KSS-A', '万州看守所', ['5001']);
    wanzhouLive = (
      await registry.register({
        name: '万州看守所在线接口',
        department: { code: 'KSS-A', name: '万州看守所(部门)' },
        domain: 'DETENTION',
        kind: 'REST',
        regions: ['5001'],
        endpoint: 'http://127.0.0.1:9',
      })
    ).source;
    shapingba = await detentionSource('KSS-B', '沙坪坝看守所', ['5001']);
    county = await registry.register({
      name: '城口县市场监管',
      department: { code: 'SCJG-C', name: '城口县市场监督管理局' },
      domain: 'ENFORCEMENT_CASE',
      kind: 'HOSTED',
      regions: ['5002'],
    });

    // 万州 (KSS-A), received in March 2024 unless said otherwise. Events are Fridays/weekdays as noted.
    const A = (n: number, o: Record<string, unknown>) =>
      detentionInput(personId(n), n, {
        externalId: `A-${n}`,
        stageDeadline: at('2024-05-01T09:00:00'),
        ...o,
      });
    const fri = { eventAt: at('2024-03-01T09:00:00'), admittedAt: at('2024-03-01T09:00:00'), stageStartedAt: at('2024-03-01T09:00:00') };
    const on = (d: string) => ({ eventAt: at(`${d}T09:00:00`), admittedAt: at(`${d}T09:00:00`), stageStartedAt: at(`${d}T09:00:00`) });
    const records = [
      // 1: Fri 03-01 → Tue 03-12: 7 working days, on time (11 calendar days)
      [A(1, fri), '2024-03-12T10:00:00'],
      // 2: Fri 03-01 → Wed 03-13: 8 working days, late (12 days); no stage deadline
      [A(2, { ...fri, stageDeadline: undefined }), '2024-03-13T10:00:00'],
      // 3: same day; released without a reason; an extraction without a warrant number
      [
        A(3, {
          ...on('2024-03-04'),
          releasedAt: at('2024-03-04T17:00:00'),
          extractions: [{ at: at('2024-03-04T14:00:00'), purpose: '提讯', by: '李警官' }],
        }),
        '2024-03-04T18:00:00',
      ],
      // 4: region code 500199 does not exist (but lies inside the source's 5001)
      [A(4, { ...on('2024-03-05'), region: '500199' }), '2024-03-06T10:00:00'],
      // 5: the ID number's holder was born after the event
      [A(5, { ...on('2024-03-05'), idNumber: makeIdNumber('500101', '2024-06-01', 101) }), '2024-03-06T10:00:00'],
      // 6: an extraction dated after the record was received (Fri 03-08 → Sun 03-10: 0 working days, 2 days)
      [
        A(6, {
          ...on('2024-03-08'),
          extractions: [{ at: at('2024-03-20T09:00:00'), purpose: '提讯', warrantNumber: 'TX-6', by: '李警官' }],
        }),
        '2024-03-10T10:00:00',
      ],
      // 7: received in the last half hour of the period (Beijing time)
      [A(7, on('2024-03-29')), '2024-03-31T23:30:00'],
      // 8: received ten minutes after the period
      [A(8, on('2024-03-29')), '2024-04-01T00:10:00'],
      // rejected at ingest in March: a wrong check character; a release before admission
      [
        A(9, { ...on('2024-03-11'), idNumber: `${personId(9).slice(0, 17)}${personId(9).endsWith('0') ? '1' : '0'}` }),
        '2024-03-15T10:00:00',
      ],
      [A(10, { ...on('2024-03-11'), releasedAt: at('2024-03-10T09:00:00') }), '2024-03-15T10:00:00'],
      // rejected in April
      [A(11, { ...on('2024-03-11'), name: '' }), '2024-04-05T10:00:00'],
    ] as const;
    const r = await ingestor.ingest(
      wanzhou,
      records.map(([rec]) => rec),
      { startIndex: 0, receivedAt: (i) => date(records[i][1]) },
    );
    expect(r.accepted).toBe(8);
    expect(r.rejected.map((x) => x.externalId)).toEqual(['A-9', 'A-10', 'A-11']);
    health.delivered(wanzhou, date('2024-04-01T00:10:00'));
    health.success(wanzhouLive, 20, 5, date('2024-04-02T08:00:00'));

    // 沙坪坝 (KSS-B): two sound records, on time.
    const B = [
      detentionInput(personId(20), 20, { externalId: 'B-1', ...on('2024-03-11'), stageDeadline: at('2024-05-01T09:00:00') }),
      detentionInput(personId(21), 21, { externalId: 'B-2', ...on('2024-03-11'), stageDeadline: at('2024-05-01T09:00:00') }),
    ];
    expect((await ingestor.ingest(shapingba, B, { receivedAt: () => date('2024-03-12T09:00:00') })).accepted).toBe(2);

    // 城口 (SCJG-C): two sound cases, one entered late (filed Mon 03-04, entered Mon 03-25: 15 working days).
    const C = [
      enforcementInput(personId(30, '500229'), 30, {
        externalId: 'C-1',
        region: '500229',
        eventAt: at('2024-03-04T09:00:00'),
        filedAt: at('2024-03-04T09:00:00'),
        penalty: { kind: '罚款', amount: 100, decidedAt: at('2024-03-05T09:00:00') },
        closedAt: at('2024-03-06T09:00:00'),
      }),
      enforcementInput(personId(31, '500229'), 31, {
        externalId: 'C-2',
        region: '500229',
        eventAt: at('2024-03-04T09:00:00'),
        filedAt: at('2024-03-04T09:00:00'),
        penalty: { kind: '罚款', amount: 100, decidedAt: at('2024-03-05T09:00:00') },
        closedAt: at('2024-03-06T09:00:00'),
      }),
    ];
    const received = ['2024-03-07T09:00:00', '2024-03-25T09:00:00'];
    expect((await ingestor.ingest(county.source, C, { receivedAt: (i) => date(received[i]) })).accepted).toBe(2);
  });
  afterAll(async () => {
    await t.close();
  });

  it("gives a source's figures exactly as counted by hand: late, incomplete, invalid and rejected records", async () => {
    const { body } = await t.gql(REPORT, { sourceId: wanzhou._id.toHexString(), ...MARCH });
    expect(body.errors).toBeUndefined();
    expect(body.data.dataQuality).toEqual([
      {
        source: { id: wanzhou._id.toHexString(), name: '万州看守所' },
        department: { code: 'KSS-A', name: '万州看守所(部门)' },
        from: '2024-03-01',
        to: '2024-03-31',
        // records 1–7 (8 arrived after the period); 9 and 10 rejected in it (11 in April)
        records: 7,
        rejected: 2,
        // only record 2 is over 7 working days
        timeliness: { ok: 6, total: 7, share: 0.8571 },
        // 7 stage deadlines (1 missing) + record 3's release reason (missing) and warrant (missing) + record 6's warrant
        completeness: { ok: 7, total: 10, share: 0.7 },
        // 4, 5 and 6 invalid, 9 and 10 rejected: 4 right of 9 delivered
        accuracy: { ok: 4, total: 9, share: 0.4444 },
        // lags 0, 1, 1, 2, 2, 11, 12 calendar days
        medianLagDays: 2,
        missingFields: [
          { field: 'extractions.warrantNumber', count: 1, reason: null },
          { field: 'releaseReason', count: 1, reason: null },
          { field: 'stageDeadline', count: 1, reason: null },
        ],
        invalid: [
          { field: 'extractions.at', count: 1, reason: 'after recordedAt' },
          { field: 'idNumber', count: 1, reason: 'birth date after eventAt' },
          { field: 'idNumber', count: 1, reason: 'rejected at ingest' },
          { field: 'region', count: 1, reason: 'unknown region code' },
          { field: 'releasedAt', count: 1, reason: 'rejected at ingest' },
        ],
        lastDeliveredAt: '2024-03-31T16:10:00.000Z',
        freshnessDays: expect.any(Number),
        rank: null,
      },
    ]);
  });

  it('selects by the day the hub received a record, in Beijing time, both ends of the period included', async () => {
    const april = (await t.gql(REPORT, { sourceId: wanzhou._id.toHexString(), from: '2024-04-01', to: '2024-04-30' })).body.data
      .dataQuality[0];
    // record 8 (00:10 on 04-01 in Beijing, still 03-31 in UTC) and the April rejection
    expect(april).toMatchObject({ records: 1, rejected: 1, accuracy: { ok: 1, total: 2 }, medianLagDays: 3 });
    const lastDay = (await t.gql(REPORT, { sourceId: wanzhou._id.toHexString(), from: '2024-03-31', to: '2024-03-31' })).body.data
      .dataQuality[0];
    expect(lastDay).toMatchObject({ records: 1, rejected: 0, timeliness: { ok: 1, total: 1 } });
  });

  it('reports every department with its sources, best first, ranked by accuracy, then timeliness, then completeness', async () => {
    const { body } = await t.gql(REPORT, MARCH);
    expect(body.errors).toBeUndefined();
    const reports = body.data.dataQuality;
    // B: all right and on time; C: all right, one late; A: 4 of 9 right
    expect(who(reports)).toEqual([
      ['KSS-B', null, 1],
      ['KSS-B', '沙坪坝看守所', null],
      ['SCJG-C', null, 2],
      ['SCJG-C', '城口县市场监管', null],
      ['KSS-A', null, 3],
      ['KSS-A', '万州看守所', null],
      ['KSS-A', '万州看守所在线接口', null],
    ]);
    const [b, , c, , a, , live] = reports;
    expect(b).toMatchObject({
      records: 2,
      accuracy: { ok: 2, total: 2 },
      timeliness: { ok: 2, total: 2 },
      completeness: { ok: 2, total: 2 },
      medianLagDays: 1,
    });
    expect(c).toMatchObject({
      records: 2,
      accuracy: { ok: 2, total: 2 },
      timeliness: { ok: 1, total: 2, share: 0.5 },
      completeness: { ok: 4, total: 4 },
      medianLagDays: 12,
    });
    // the department adds up its sources; the live one stores nothing but delivered last
    expect(a).toMatchObject({
      source: null,
      records: 7,
      rejected: 2,
      timeliness: { ok: 6, total: 7 },
      completeness: { ok: 7, total: 10 },
      accuracy: { ok: 4, total: 9 },
      medianLagDays: 2,
      lastDeliveredAt: '2024-04-02T00:00:00.000Z',
    });
    expect(live).toMatchObject({
      records: 0,
      rejected: 0,
      timeliness: { ok: 0, total: 0, share: 1 },
      accuracy: { ok: 0, total: 0 },
      medianLagDays: null,
      missingFields: [],
      invalid: [],
      lastDeliveredAt: '2024-04-02T00:00:00.000Z',
    });
  });

  it("streams a source's records in batches of 1,000 with only the checked fields, never the whole collection at once", async () => {
    t.resetCommands();
    await t.gql(REPORT, { sourceId: wanzhou._id.toHexString(), ...MARCH });
    const finds = t.commands.filter((c) => c.commandName === 'find' && c.command.find === 'detention_records');
    expect(finds.length).toBeGreaterThan(0);
    for (const f of finds) {
      expect(f.command.batchSize).toBe(1000);
      expect(Object.keys(f.command.projection)).not.toContain('name');
      expect(f.command.filter).toEqual({ sourceId: expect.anything(), recordedAt: { $gte: expect.any(Date), $lt: expect.any(Date) } });
    }
  });

  it('narrows to one department and its sources, keeping its rank among all departments', async () => {
    const { body } = await t.gql(REPORT, { departmentCode: 'SCJG-C', ...MARCH });
    expect(who(body.data.dataQuality)).toEqual([
      ['SCJG-C', null, 2],
      ['SCJG-C', '城口县市场监管', null],
    ]);
  });

  it("reports to an analyst only the sources inside the analyst's jurisdiction, and ranks among those", async () => {
    const counties = { authorization: `Bearer ${await t.token({ role: 'ANALYST', regions: ['5002'] })}` };
    const mine = await t.gql(REPORT, MARCH, counties);
    expect(who(mine.body.data.dataQuality)).toEqual([
      ['SCJG-C', null, 1],
      ['SCJG-C', '城口县市场监管', null],
    ]);
    const other = await t.gql(REPORT, { sourceId: wanzhou._id.toHexString(), ...MARCH }, counties);
    expect(other.body.errors[0].extensions.code).toBe('FORBIDDEN');
    // a source covering all of 5001 is not inside one district's jurisdiction
    const district = { authorization: `Bearer ${await t.token({ role: 'ANALYST', regions: ['500101'] })}` };
    expect((await t.gql(REPORT, MARCH, district)).body.data.dataQuality).toEqual([]);
  });

  it("shows a department's staff their own department only, with its place among all departments", async () => {
    const staff = { authorization: `Bearer ${await t.token({ role: 'DEPARTMENT', org: 'KSS-A', regions: ['50'] })}` };
    const own = await t.gql(REPORT, MARCH, staff);
    expect(who(own.body.data.dataQuality)).toEqual([
      ['KSS-A', null, 3],
      ['KSS-A', '万州看守所', null],
      ['KSS-A', '万州看守所在线接口', null],
    ]);
    const byCode = await t.gql(REPORT, { departmentCode: 'KSS-B', ...MARCH }, staff);
    expect(byCode.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const bySource = await t.gql(REPORT, { sourceId: shapingba._id.toHexString(), ...MARCH }, staff);
    expect(bySource.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(bySource.body.data).toBeNull();
  });

  it('refuses an unknown source, an unknown department, a source of another department and a reversed period, naming the argument', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ sourceId: '0123456789abcdef01234567' }, 'sourceId'],
      [{ sourceId: 'not-an-id' }, 'sourceId'],
      [{ departmentCode: 'NO-SUCH' }, 'departmentCode'],
      [{ sourceId: wanzhou._id.toHexString(), departmentCode: 'KSS-B' }, 'sourceId'],
      [{ from: '2024-04-01', to: '2024-03-31' }, 'from'],
    ];
    for (const [vars, field] of cases) {
      const { body } = await t.gql(REPORT, vars);
      expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const notADate = await t.gql(REPORT, { from: '2024-02-30' });
    expect(notADate.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it("is closed to callers without a token and to department systems' API keys", async () => {
    expect((await t.gql(REPORT, MARCH, { authorization: '' })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(REPORT, MARCH, { authorization: `ApiKey ${county.apiKey}` })).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it("remembers a record rejected by an NDJSON push and counts it in today's accuracy, with the push as the last delivery", async () => {
    const good = enforcementInput(personId(40, '500229'), 40, { externalId: 'C-40', region: '500229' });
    const bad = { ...good, externalId: 'C-41', region: '500101' }; // outside the source's regions
    const res = await fetch(`${t.url}/ingest/${county.source._id.toHexString()}`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${county.apiKey}`, 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`,
    });
    expect(((await res.json()) as any).rejected.map((r: any) => r.externalId)).toEqual(['C-41']);
    const { body } = await t.gql(REPORT, { sourceId: county.source._id.toHexString() }); // default period: the last 30 days
    const today = body.data.dataQuality[0];
    expect(today).toMatchObject({
      records: 1,
      rejected: 1,
      accuracy: { ok: 1, total: 2 },
      invalid: [{ field: 'region', count: 1, reason: 'rejected at ingest' }],
      freshnessDays: 0,
    });
    // the event was in 2022: entered years late
    expect(today.timeliness).toEqual({ ok: 0, total: 1, share: 0 });
    expect(Date.parse(today.to) - Date.parse(today.from)).toBe(29 * 86_400_000);
  });
});
