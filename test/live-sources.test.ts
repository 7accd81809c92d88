/**
 * Live sources over real HTTP: department systems on 127.0.0.1 (test/departments.ts) registered at
 * run time, queried in parallel, merged with the hosted store, and failing in every way they can.
 */
import { detentionInput, personId, prisonInput, registerTestSources } from './fixtures';
import { startDepartment, type Department } from './departments';
import { startTestHub, type TestHub } from './helpers';

const REGISTER = `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id status health { healthy } } apiKey } }`;

describe('live sources: registration at run time, fan-out, merge and partial failure', () => {
  let t: TestHub;
  const departments: Department[] = [];
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await Promise.all(departments.map((d) => d.close()));
    await t.close();
  });

  async function department(...args: Parameters<typeof startDepartment>): Promise<Department> {
    const d = await startDepartment(...args);
    departments.push(d);
    return d;
  }

  let registered = 0;
  async function register(name: string, d: Department, extra: Record<string, unknown> = {}, domain = 'PRISON'): Promise<string> {
    const { body } = await t.admin(REGISTER, {
      input: { name, department: { code: `D-${++registered}`, name }, domain, kind: 'REST', regions: ['50'], endpoint: d.url, ...extra },
    });
    expect(body.errors).toBeUndefined();
    return body.data.registerDataSource.dataSource.id;
  }

  it('shows a REST source registered at run time in person and list answers, without a restart', async () => {
    const id = personId(500, '500106');
    const d = await department({ records: [prisonInput(id, 1, { region: '500106', externalId: 'JY-LIVE-1' })] });
    const { body: before } = await t.gql('query($id: IdNumber!) { person(idNumber: $id) { name } }', { id });
    expect(before.data.person).toBeNull();

    const sourceId = await register('渝州监狱业务系统', d);
    const { body } = await t.gql(
      `query($id: IdNumber!) {
      person(idNumber: $id) { name imprisonments { totalCount edges { node { externalId source { id kind } prison { name } } } } }
      prisonRecords(filter: { sourceIds: ["${sourceId}"] }) { totalCount edges { node { externalId person { idNumber } } } }
    }`,
      { id },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.person.imprisonments).toEqual({
      totalCount: 1,
      edges: [{ node: { externalId: 'JY-LIVE-1', source: { id: sourceId, kind: 'REST' }, prison: { name: '重庆市渝州监狱' } } }],
    });
    expect(body.data.prisonRecords).toEqual({ totalCount: 1, edges: [{ node: { externalId: 'JY-LIVE-1', person: { idNumber: id } } }] });
  });

  it('looks up many persons with one request per live source', async () => {
    const region = '500116';
    const ids = Array.from({ length: 60 }, (_, i) => personId(900 + i, region));
    const a = await department({ records: ids.slice(0, 30).map((id, i) => prisonInput(id, i, { region, externalId: `PA-${i}` })) });
    const b = await department({ records: ids.slice(30).map((id, i) => prisonInput(id, i, { region, externalId: `PB-${i}` })) });
    await register('江津监狱系统', a, { regions: [region] });
    await register('永川监狱系统', b, { regions: [region] });
    const { body } = await t.gql('query($ids: [IdNumber!]!) { persons(idNumbers: $ids) { idNumber imprisonments { totalCount } } }', {
      ids,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.persons.every((p: any) => p.imprisonments.totalCount === 1)).toBe(true);
    for (const d of [a, b]) {
      const lookups = d.requests.filter((r) => r.path === '/records');
      expect(lookups).toHaveLength(1);
      expect(lookups[0].query.idNumbers.split(',')).toHaveLength(60);
    }
  });

  it("reads a GraphQL source and applies the registration's field renames", async () => {
    const id = personId(501, '500107');
    const record = prisonInput(id, 2, { region: '500107', externalId: 'GQL-1' });
    const d = await department({ kind: 'GRAPHQL', records: [record], rename: { crime: 'zuiming', name: 'xingming' } });
    const { body } = await t.admin(REGISTER, {
      input: {
        name: '九龙坡监狱 GraphQL',
        department: { code: 'D-GQL', name: '九龙坡' },
        domain: 'PRISON',
        kind: 'GRAPHQL',
        regions: ['500107'],
        endpoint: d.url,
        mapping: { zuiming: 'crime', xingming: 'name' },
      },
    });
    expect(body.errors).toBeUndefined();
    const { body: p } = await t.gql(
      'query($id: IdNumber!) { person(idNumber: $id) { name imprisonments { edges { node { crime externalId } } } } }',
      { id },
    );
    expect(p.data.person).toEqual({ name: '王伟', imprisonments: { edges: [{ node: { crime: '盗窃罪', externalId: 'GQL-1' } }] } });
  });

  it('pages a list merged from the hosted store and two REST sources with first: 7, every record exactly once, in order', async () => {
    const mk = (prefix: string, n: number, region: string) =>
      Array.from({ length: n }, (_, i) =>
        detentionInput(personId(600 + i, region), i, {
          region,
          externalId: `${prefix}-${i}`,
          eventAt: `2024-0${1 + (i % 9)}-${String(10 + (i % 17)).padStart(2, '0')}T0${i % 10}:00:00+08:00`,
          admittedAt: '2023-12-01T09:00:00+08:00',
          stageStartedAt: '2023-12-01T09:00:00+08:00',
        }),
      );
    const srcs = await registerTestSources(t.hub.sources, '-merge');
    expect((await t.hub.sources.ingestor.ingest(srcs.DETENTION, mk('H', 9, '500108'))).accepted).toBe(9);
    const a = await department({ records: mk('A', 11, '500108') });
    const b = await department({ records: mk('B', 6, '500108') });
    await register('看守所A', a, {}, 'DETENTION');
    await register('看守所B', b, {}, 'DETENTION');

    const seen: { externalId: string; eventAt: string }[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body }: any = await t.gql(
        `query($after: String) { detentionRecords(first: 7, after: $after, filter: { regions: ["500108"] }) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { externalId eventAt } } } }`,
        { after },
      );
      expect(body.errors).toBeUndefined();
      const c = body.data.detentionRecords;
      expect(c.totalCount).toBe(26);
      seen.push(...c.edges.map((e: any) => e.node));
      pages++;
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(4);
    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    expect(seen.map((n) => n.externalId).sort()).toEqual([...ids('H', 9), ...ids('A', 11), ...ids('B', 6)].sort());
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1].eventAt >= seen[i].eventAt).toBe(true);
  });

  it("answers with the other sources' data and one SOURCE_UNAVAILABLE when a source fails", async () => {
    const region = '500109';
    const good = await department({ records: [detentionInput(personId(700, region), 1, { region, externalId: 'OK-1' })] });
    const bad = await department({ records: [detentionInput(personId(701, region), 1, { region, externalId: 'BAD-1' })], mode: 'fail500' });
    const goodId = await register('正常看守所', good, { regions: [region] }, 'DETENTION');
    const badId = await register('故障看守所', bad, { regions: [region] }, 'DETENTION');
    const { status, body } = await t.gql(
      `{ detentionRecords(filter: { regions: ["${region}"] }) { totalCount edges { node { externalId } } } }`,
    );
    // the audit entry names every source called and how it went
    const [entry] = await t.connection
      .db!.collection('audit_log')
      .find({}, { sort: { _id: -1 }, limit: 1 })
      .toArray();
    expect(entry.sourcesCalled).toEqual(expect.arrayContaining([`${badId}:failed`, `${goodId}:ok`])); // (and the city-wide sources registered above)
    expect(entry.failedSources).toEqual([badId]);
    expect(status).toBe(200);
    expect(body.data.detentionRecords).toEqual({ totalCount: 1, edges: [{ node: { externalId: 'OK-1' } }] });
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ path: ['detentionRecords'], extensions: { code: 'SOURCE_UNAVAILABLE', sourceId: badId } });
    expect(body.errors[0].message).toContain('HTTP 500');

    await t.admin(`mutation { suspendDataSource(id: "${badId}", reason: "故障") { status } }`);
    for (const mode of ['malformed', 'hanging'] as const) {
      // a fresh source per failure mode: the first one's circuit may be open by now
      const other = await department({ records: [detentionInput(personId(702, region), 1, { region })], mode });
      const otherId = await register(`故障看守所-${mode}`, other, { regions: [region] }, 'DETENTION');
      const r = await t.gql(`{ detentionRecords(filter: { regions: ["${region}"] }) { edges { node { externalId } } } }`);
      expect(r.body.data.detentionRecords.edges).toEqual([{ node: { externalId: 'OK-1' } }]);
      expect(r.body.errors).toHaveLength(1);
      expect(r.body.errors[0].extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', sourceId: otherId });
      await t.admin(`mutation { suspendDataSource(id: "${otherId}", reason: "故障") { status } }`);
      expect(r.body.errors[0].message).toMatch(mode === 'malformed' ? /malformed JSON/ : /no answer within 2000 ms/);
    }
  });

  it("drops records that fail validation, counts them in the source's health, never shows them", async () => {
    const region = '500110';
    const d = await department({
      records: [detentionInput(personId(710, region), 1, { region }), detentionInput(personId(711, region), 2, { region })],
      mode: 'invalid',
    });
    const id = await register('数据有误看守所', d, { regions: [region] }, 'DETENTION');
    const { body } = await t.gql(`{ detentionRecords(filter: { regions: ["${region}"] }) { totalCount edges { node { externalId } } } }`);
    expect(body.data.detentionRecords.edges).toEqual([]);
    const { body: h } = await t.gql(`{ dataSource(id: "${id}") { health { droppedRecords consecutiveFailures healthy } } }`);
    expect(h.data.dataSource.health).toEqual({ droppedRecords: 2, consecutiveFailures: 0, healthy: true });
  });

  it('retries a flapping source once, so its data still arrives', async () => {
    const region = '500111';
    const d = await department({ records: [detentionInput(personId(720, region), 1, { region, externalId: 'FLAP-1' })], mode: 'flapping' });
    await register('时好时坏看守所', d, { regions: [region] }, 'DETENTION');
    for (let i = 0; i < 4; i++) {
      const { body } = await t.gql(`{ detentionRecords(filter: { regions: ["${region}"] }) { edges { node { externalId } } } }`);
      expect(body.errors).toBeUndefined();
      expect(body.data.detentionRecords.edges).toEqual([{ node: { externalId: 'FLAP-1' } }]);
    }
  });

  it('opens the circuit after repeated failures and stops calling the source for a while', async () => {
    const region = '500112';
    const d = await department({ records: [], mode: 'fail500' });
    await register('频繁故障看守所', d, { regions: [region] }, 'DETENTION');
    const q = `{ detentionRecords(filter: { regions: ["${region}"] }) { totalCount } }`;
    for (let i = 0; i < 5; i++) await t.gql(q);
    const calls = d.requests.filter((r) => r.path === '/records').length;
    const { body } = await t.gql(q);
    expect(body.errors[0].message).toContain('circuit is open');
    expect(d.requests.filter((r) => r.path === '/records').length).toBe(calls);
  });

  it('registers a source whose system is down, and shows it unhealthy', async () => {
    const d = await department({ records: [], mode: 'fail500' });
    const id = await register('尚未上线的系统', d, { regions: ['500113'] }, 'DETENTION');
    await new Promise((r) => setTimeout(r, 300)); // the probe runs in the background
    const { body } = await t.gql(`{ dataSource(id: "${id}") { status health { healthy consecutiveFailures lastError } } }`);
    expect(body.data.dataSource.status).toBe('ACTIVE');
    expect(body.data.dataSource.health).toMatchObject({ healthy: false, lastError: expect.stringContaining('HTTP 500') });
    expect(body.data.dataSource.health.consecutiveFailures).toBeGreaterThan(0);
  });

  it("calls 40 sources in parallel, and answers after about the timeout with 39 sources' data when one hangs", async () => {
    const region = '500115';
    const forty: Department[] = [];
    for (let i = 0; i < 40; i++) {
      forty.push(
        await department({ records: [detentionInput(personId(800 + i, region), i, { region, externalId: `S${i}` })], delayMs: 100 }),
      );
    }
    for (let i = 0; i < 40; i++) await register(`区看守所${i}`, forty[i], { regions: [region] }, 'DETENTION'); // default timeout 2 s
    const q = `{ detentionRecords(first: 100, filter: { regions: ["${region}"] }) { totalCount edges { node { externalId } } } }`;

    const started = Date.now();
    const { body } = await t.gql(q);
    const allMs = Date.now() - started;
    expect(body.errors).toBeUndefined();
    expect(body.data.detentionRecords.totalCount).toBe(40);
    // Parallel: every source got its request before the first one (100 ms late) could have answered.
    const starts = forty.map((d) => d.requests.filter((r) => r.path === '/records').at(-1)!.at);
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(100);

    forty[17].setMode('hanging');
    const started2 = Date.now();
    const { body: partial } = await t.gql(q);
    const hangMs = Date.now() - started2;
    expect(partial.data.detentionRecords.edges).toHaveLength(39);
    expect(partial.errors).toHaveLength(1);
    expect(partial.errors[0]).toMatchObject({ extensions: { code: 'SOURCE_UNAVAILABLE' } });
    expect(partial.errors[0].message).toContain('no answer within 2000 ms');
    // Figures for the record (not asserted: timing belongs to the benchmarks).
    process.stdout.write(
      `\n40 REST sources × 100 ms: list answered in ${allMs} ms (sum of latencies 4000 ms); with one hanging (timeout 2000 ms): ${hangMs} ms\n`,
    );
  });
});
