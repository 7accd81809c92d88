/** `POST /ingest/{sourceId}`: NDJSON pushes over real HTTP, with the source's API key. */
import { detentionInput, personId } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

function pushing(ingestLimitBytes?: number) {
  const h = {} as { t: TestHub; sourceId: string; apiKey: string };
  beforeAll(async () => {
    h.t = await startTestHub({ ingestLimitBytes });
    const { body } = await h.t.admin(`mutation { registerDataSource(input: {
      name: "万州区看守所", department: { code: "KSS-500101", name: "重庆市万州区看守所" }, domain: DETENTION, kind: HOSTED, regions: ["500101"]
    }) { dataSource { id } apiKey } }`);
    h.sourceId = body.data.registerDataSource.dataSource.id;
    h.apiKey = body.data.registerDataSource.apiKey;
  });
  afterAll(async () => {
    await h.t.close();
  });
  return h;
}

describe('NDJSON push to a HOSTED source', () => {
  const h = pushing(200_000);
  let t: TestHub;
  let sourceId: string;
  let apiKey: string;
  beforeAll(() => {
    ({ t, sourceId, apiKey } = h);
  });

  const lines = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => JSON.stringify(detentionInput(personId(from + i), from + i)));
  const push = (body: string | Buffer, key = apiKey, id = sourceId, type = 'application/x-ndjson') =>
    fetch(`${t.url}/ingest/${id}`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${key}`, 'content-type': type },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  const stored = (ids: string[]) => t.hub.sources.models.records.DETENTION.collection.countDocuments({ externalId: { $in: ids } });

  it('stores every good line and rejects bad ones with their line index and reasons', async () => {
    const good = lines(0, 5);
    const body = [
      good[0],
      '{not json',
      good[1],
      '',
      JSON.stringify({ ...JSON.parse(good[2]), idNumber: '500101199001011234' }),
      good[3],
      '[1,2]',
      good[4],
    ].join('\n');
    const res = await push(body);
    expect(res.status).toBe(200);
    const r = await res.json();
    expect(r).toMatchObject({ accepted: 4, unchanged: 0, rejectedCount: 3 });
    expect(r.rejected).toEqual([
      { index: 1, externalId: null, reasons: ['line: is not JSON ({not json)'] },
      {
        index: 4,
        externalId: JSON.parse(good[2]).externalId,
        reasons: ['idNumber: 500101199001011234: check character should be X, got 4'],
      },
      { index: 6, externalId: null, reasons: ['record: must be a JSON object'] },
    ]);
  });

  it('leaves exactly one copy of each record when the same batch is pushed again and concurrently', async () => {
    const batch = lines(100, 300);
    const ids = batch.map((l) => JSON.parse(l).externalId);
    const first = await (await push(batch.join('\n'))).json();
    expect(first).toMatchObject({ accepted: 300, unchanged: 0, rejectedCount: 0 });
    const again = await (await push(batch.join('\n'))).json();
    expect(again).toMatchObject({ accepted: 0, unchanged: 300 });
    const concurrent = await Promise.all([1, 2, 3].map(() => push(batch.join('\n')).then((r) => r.json())));
    for (const c of concurrent) expect(c).toMatchObject({ accepted: 0, unchanged: 300, rejectedCount: 0 });
    const fresh = lines(500, 200);
    const race = await Promise.all([1, 2, 3].map(() => push(fresh.join('\n')).then((r) => r.json())));
    expect(race.reduce((n, r) => n + r.accepted, 0)).toBe(200);
    expect(await stored(ids)).toBe(300);
    expect(await stored(fresh.map((l) => JSON.parse(l).externalId))).toBe(200);
  });

  it('rejects a line that is not valid UTF-8 and keeps its neighbours', async () => {
    const good = lines(800, 2);
    const body = Buffer.concat([
      Buffer.from(`${good[0]}\n`),
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]),
      Buffer.from(good[1]),
    ]);
    const r = await (await push(body)).json();
    expect(r).toMatchObject({ accepted: 2, rejected: [{ index: 1, externalId: null, reasons: ['line: is not valid UTF-8'] }] });
  });

  it('stops a body over the size limit with 413, keeping what was stored before it', async () => {
    const many = lines(1000, 1200).join('\n'); // ~ 500 kB, limit is 200 kB here
    const res = await push(many);
    expect(res.status).toBe(413);
    const r = await res.json();
    expect(r.error.code).toBe('BAD_USER_INPUT');
    expect(r.result.accepted).toBeGreaterThan(0);
    expect(
      await t.hub.sources.models.records.DETENTION.collection.countDocuments({ externalId: { $regex: '^D-5001011.*-1[0-9]{3}$' } }),
    ).toBe(r.result.accepted);
  });

  it("refuses a missing, wrong or other source's key, a suspended source and a wrong content type", async () => {
    const body = lines(3000, 1).join('\n');
    expect(
      (await fetch(`${t.url}/ingest/${sourceId}`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })).status,
    ).toBe(401);
    expect((await push(body, 'hubk_' + 'A'.repeat(43))).status).toBe(401);
    const other = (
      await t.admin(`mutation { registerDataSource(input: {
      name: "江北区看守所", department: { code: "KSS-500105", name: "重庆市江北区看守所" }, domain: DETENTION, kind: HOSTED, regions: ["500105"]
    }) { dataSource { id } apiKey } }`)
    ).body.data.registerDataSource;
    const wrong = await push(body, other.apiKey);
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error.message).toContain('another source');
    expect((await push(body, apiKey, sourceId, 'text/plain')).status).toBe(415);

    await t.admin(`mutation { suspendDataSource(id: "${other.dataSource.id}", reason: "数据核查") { status } }`);
    const suspended = await push(body, other.apiKey, other.dataSource.id);
    expect(suspended.status).toBe(403);
    expect((await suspended.json()).error.message).toContain('suspended: 数据核查');
  });

  it('takes the same records through the GraphQL mutation, one bad record rejected alone', async () => {
    const recs = [detentionInput(personId(4000), 1), { ...detentionInput(personId(4001), 2), stage: 'NOT_A_STAGE' }];
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `ApiKey ${apiKey}` },
      body: JSON.stringify({
        query:
          'mutation($id: ID!, $r: [DetentionRecordInput!]!) { ingestDetentionRecords(sourceId: $id, records: $r) { accepted unchanged rejectedCount rejected { index externalId reasons } } }',
        variables: { id: sourceId, r: recs },
      }),
    });
    const { data, errors } = await res.json();
    expect(errors).toBeUndefined();
    expect(data.ingestDetentionRecords).toMatchObject({
      accepted: 1,
      unchanged: 0,
      rejectedCount: 1,
      rejected: [{ index: 1, externalId: recs[1].externalId }],
    });
    expect(data.ingestDetentionRecords.rejected[0].reasons[0]).toMatch(/^stage: /);
    const anonymous = await t.gql(
      'mutation($id: ID!, $r: [DetentionRecordInput!]!) { ingestDetentionRecords(sourceId: $id, records: $r) { accepted } }',
      { id: sourceId, r: recs },
      { authorization: '' },
    );
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('NDJSON push of several batches', () => {
  const h = pushing();

  it('writes a long push several batches at a time: every line stored once, the newest version kept, rejections in line order', async () => {
    // 3,500 lines (four batches): bad lines in each batch, and one record in batch 1 (older) and batch 2 (newer), written at once
    const body = Array.from({ length: 3500 }, (_, i) => JSON.stringify(detentionInput(personId(5000 + i), 5000 + i)));
    const twice = JSON.parse(body[10]);
    body[1500] = JSON.stringify({ ...twice, updatedAt: '2024-11-01T09:00:00+08:00', stage: 'PROSECUTION_REVIEW' });
    for (const i of [3, 1200, 2400, 3499]) body[i] = `{bad ${i}`;
    const res = await fetch(`${h.t.url}/ingest/${h.sourceId}`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${h.apiKey}`, 'content-type': 'application/x-ndjson' },
      body: body.join('\n'),
    });
    expect(res.status).toBe(200);
    const r = await res.json();
    expect(r.rejected.map((x: { index: number }) => x.index)).toEqual([3, 1200, 2400, 3499]);
    // 3,496 good lines of 3,495 records: each stored once, the repeated record either replaced (2 accepted) or found newer (1 unchanged)
    expect(r.accepted + r.unchanged).toBe(3496);
    expect(r.unchanged).toBeLessThanOrEqual(1);
    const ids = body.filter((_, i) => ![3, 1200, 2400, 3499].includes(i)).map((l) => JSON.parse(l).externalId);
    expect(await h.t.hub.sources.models.records.DETENTION.collection.countDocuments({ externalId: { $in: [...new Set(ids)] } })).toBe(3495);
    const kept = await h.t.hub.sources.models.records.DETENTION.collection.findOne({ externalId: twice.externalId });
    expect(kept?.stage).toBe('PROSECUTION_REVIEW');
  }, 60_000);
});
