/**
 * Input validation over real HTTP and the real store (issue 23): control characters in any string,
 * records that cannot be true (future dates, dates out of order), forged cursors and impossible
 * calendar dates, echoed input bounded, and region codes checked alike for every argument.
 */
import { Types } from 'mongoose';
import { detentionInput, personId } from './fixtures';
import { pushLines, registerCustodySource, startTestHub, type TestHub, type TestSource } from './helpers';

const at = (s: string) => `${s}+08:00`;

describe('input validation', () => {
  let t: TestHub;
  let sourceId: string;
  let custody: TestSource;

  beforeAll(async () => {
    t = await startTestHub();
    custody = await registerCustodySource(t);
    sourceId = custody.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const push = (lines: unknown[]) =>
    pushLines(
      t,
      custody,
      lines.map((l) => JSON.stringify(l)),
    );
  const stored = (ids: string[]) => t.hub.sources.models.records.DETENTION.collection.countDocuments({ externalId: { $in: ids } });
  const INGEST =
    'mutation($id: ID!, $r: [DetentionRecordInput!]!) { ingestDetentionRecords(sourceId: $id, records: $r) { accepted rejectedCount rejected { index reasons } } }';
  const ingestGql = (records: unknown[]) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${custody.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: INGEST, variables: { id: sourceId, r: records } }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  describe('control characters', () => {
    it('rejects an NDJSON line whose name holds NUL, naming the field, and stores its neighbours', async () => {
      const recs = [0, 1, 2].map((i) => detentionInput(personId(400 + i), 400 + i));
      recs[1] = { ...recs[1], name: '王\u0000伟' };
      const res = await push(recs);
      expect(res.status).toBe(200);
      const r = await res.json();
      expect(r).toMatchObject({ accepted: 2, rejectedCount: 1 });
      expect(r.rejected).toEqual([
        {
          index: 1,
          externalId: recs[1].externalId,
          reasons: [expect.stringMatching(/^name: must not contain control characters \(U\+0000 at position 2\)/)],
        },
      ]);
      expect(await stored([recs[0].externalId, recs[2].externalId])).toBe(2);
      expect(await stored([recs[1].externalId])).toBe(0);
    });

    it('names nested and free-text fields: a tab is text in a release reason, not in a unit code', async () => {
      const recs = [
        detentionInput(personId(410), 410, { facility: { code: 'KSS\u0007500101', name: '重庆市万州区看守所' } }),
        detentionInput(personId(411), 411, { releasedAt: at('2024-09-01T09:00:00'), releaseReason: '取保候审\n\t（第二次）' }),
        detentionInput(personId(412), 412, { releasedAt: at('2024-09-01T09:00:00'), releaseReason: '取保候审\u001b[31m' }),
      ];
      const r = await (await push(recs)).json();
      expect(r).toMatchObject({ accepted: 1, rejectedCount: 2 });
      expect(r.rejected.map((x: any) => [x.index, x.reasons])).toEqual([
        [0, ['facility.code: must not contain control characters (U+0007 at position 4)']],
        [2, ['releaseReason: must not contain control characters (U+001B at position 5)']],
      ]);
    });

    it('rejects a line whose external id or field name holds NUL, and keeps the rejection for the figures', async () => {
      const good = detentionInput(personId(440), 440);
      const badId = detentionInput(personId(441), 441, { externalId: 'D-441\u0000' });
      const badKey = { ...detentionInput(personId(442), 442), ['note\u0000']: 'x' };
      const res = await push([badId, good, badKey]);
      expect(res.status).toBe(200);
      const r = await res.json();
      expect(r).toMatchObject({ accepted: 1, rejectedCount: 2 });
      expect(r.rejected.map((x: any) => [x.index, x.reasons])).toEqual([
        [0, ['externalId: must not contain control characters (U+0000 at position 6)']],
        [2, ['record: unknown field(s) "note\\u0000"']],
      ]);
      expect(
        await t.hub.sources.models.IngestRejection.collection.countDocuments({ sourceId: new Types.ObjectId(sourceId) }),
      ).toBeGreaterThanOrEqual(2);
    });

    it('answers BAD_USER_INPUT naming the field for the GraphQL ingest mutation', async () => {
      const recs = [0, 1].map((i) => detentionInput(personId(420 + i), 420 + i));
      recs[1] = { ...recs[1], name: 'a\u0000b' };
      const { status, body } = await ingestGql(recs);
      expect(status).toBe(200);
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'records[1].name' });
      expect(body.errors[0].message).toMatch(/^records\[1\]\.name: must not contain control characters \(U\+0000 at position 2\)/);
    });

    it('answers BAD_USER_INPUT naming the field for updateLeadStatus(note)', async () => {
      const _id = new Types.ObjectId();
      await t.hub.sources.leads.models.Lead.collection.insertOne({
        _id,
        key: `${personId(430)}|test`,
        rule: 'DET_OVERDUE_STAGE',
        severity: 'HIGH',
        idNumber: personId(430),
        name: '王伟',
        region: '500101',
        regionPath: ['50', '5001', '500101'],
        records: [],
        numbers: {},
        explanation: '测试',
        explanationEn: 'test',
        detectedAt: new Date(),
        updatedAt: new Date(),
        status: 'NEW',
        resolvedByData: false,
        history: [],
      } as never);
      const { status, body } = await t.gql(
        'mutation($id: ID!, $note: String!) { updateLeadStatus(id: $id, status: ACKNOWLEDGED, note: $note) { status } }',
        { id: _id.toHexString(), note: '已受理\u0000' },
      );
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
      expect(body.errors[0].message).toMatch(/^note: must not contain control characters \(U\+0000 at position 4\)/);
      // a note of several lines is still a note
      const ok = await t.gql(
        'mutation($id: ID!, $note: String!) { updateLeadStatus(id: $id, status: ACKNOWLEDGED, note: $note) { status history { note } } }',
        { id: _id.toHexString(), note: '已受理\n\t调阅案卷' },
      );
      expect(ok.body.errors).toBeUndefined();
      expect(ok.body.data.updateLeadStatus.history[0].note).toBe('已受理\n\t调阅案卷');
    });

    it('answers BAD_USER_INPUT naming the field for registerDataSource(name)', async () => {
      const REGISTER = 'mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { apiKey } }';
      const input = {
        name: '看守所\u0000系统',
        department: { code: 'KSS-500102', name: '重庆市涪陵区看守所' },
        domain: 'DETENTION',
        kind: 'HOSTED',
        regions: ['500102'],
      };
      const { status, body } = await t.admin(REGISTER, { input });
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
      // a source name is one line: a newline is refused by the registration's own check
      const newline = await t.admin(REGISTER, { input: { ...input, name: '看守所\n系统' } });
      expect(newline.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    });

    it('records a request whose operation name holds NUL in the audit trail, and answers it as the bad request it is', async () => {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await t.token({ role: 'PROCURATOR' })}`,
          'x-purpose': 'TEST-2025-001',
        },
        body: JSON.stringify({ query: 'query A { hubInfo { version } }', operationName: 'A\u0000' }),
      });
      const body = (await res.json()) as any;
      expect(res.status).toBe(400);
      expect(body.errors[0].extensions.code).not.toBe('SERVICE_UNAVAILABLE');
      expect(body.errors[0].message).toContain('A\\u0000');
    });

    it('answers a query whose text holds NUL in a comment, and keeps its text in the audit trail with the NUL escaped', async () => {
      const { status, body } = await t.gql('query NulInComment { hubInfo { version } } # a\u0000b');
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const entry = await t.connection.db!.collection('audit_log').findOne({ operationName: 'NulInComment' }, { sort: { _id: -1 } });
      const kept = await t.connection.db!.collection('audit_operations').findOne({ _id: entry!.operationTextHash });
      expect(kept!.text).toBe('query NulInComment { hubInfo { version } } # a\\u0000b');
    });

    it("refuses NUL in a query's string argument as BAD_USER_INPUT, not a store error", async () => {
      const { body } = await t.gql('query($c: [String!]) { detentionRecords(filter: { facilityCodes: $c }) { totalCount } }', {
        c: ['KSS\u0000'],
      });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.facilityCodes[0]' });
    });
  });
  describe('records that cannot be true', () => {
    let other: TestSource;
    beforeAll(async () => {
      other = await registerCustodySource(t, { name: '万州区看守所 二号系统', code: 'KSS-500101-2', department: '重庆市万州区第二看守所' });
    });
    const pushOther = (lines: unknown[]) =>
      pushLines(
        t,
        other,
        lines.map((l) => JSON.stringify(l)),
      ).then((r) => r.json() as Promise<any>);
    const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

    it("refuses a time more than a day ahead of the hub's clock and every date out of order, naming the fields", async () => {
      const recs = [
        detentionInput(personId(500), 500),
        detentionInput(personId(501), 501, { eventAt: at('2099-01-01T09:00:00') }),
        detentionInput(personId(502), 502, {
          stageStartedAt: at('2024-03-10T09:00:00'),
          admittedAt: at('2024-03-01T09:00:00'),
          stageDeadline: at('2024-03-09T09:00:00'),
        }),
        detentionInput(personId(503), 503, {
          extractions: [{ at: at('2024-09-20T09:00:00'), returnedAt: at('2024-09-19T09:00:00'), purpose: '提讯', by: '李警官' }],
        }),
        detentionInput(personId(504), 504, { updatedAt: at('2099-01-01T09:00:00') }),
        // planned dates may lie in the future
        detentionInput(personId(506), 506, { stageDeadline: at('2099-01-01T09:00:00') }),
        // an extension of custody granted before the person was admitted
        detentionInput(personId(507), 507, {
          extensions: [{ grantedAt: at('2024-01-02T09:00:00'), months: 1, approvedBy: '重庆市人民检察院' }],
        }),
      ];
      const r = await pushOther(recs);
      expect(r).toMatchObject({ accepted: 2, rejectedCount: 5 });
      expect(r.rejected.map((x: any) => [x.index, x.reasons])).toEqual([
        [1, [expect.stringMatching(/^eventAt: is in the future: more than 1 day ahead of the hub's clock/)]],
        [2, ['stageDeadline: must not be before stageStartedAt']],
        [3, ['extractions.returnedAt: must not be before extractions.at']],
        [4, [expect.stringMatching(/^updatedAt: is in the future: more than 1 day ahead of the hub's clock/)]],
        [6, ['extensions.grantedAt: must not be before admittedAt']],
      ]);
      expect(await stored([recs[1].externalId, recs[2].externalId, recs[3].externalId, recs[4].externalId])).toBe(0);
      // within the skew: a department's clock a few hours fast is not an error (another source: the
      // figures below count this one's pushes only)
      const soon = detentionInput(personId(505), 505, {
        eventAt: inHours(3),
        admittedAt: inHours(3),
        stageStartedAt: inHours(3),
        updatedAt: inHours(3),
      });
      expect(await (await push([soon])).json()).toMatchObject({ accepted: 1, rejectedCount: 0 });
    });

    it('keeps counting what was refused in the data-quality figures', async () => {
      const { body } = await t.gql(
        `query($s: ID) { dataQuality(sourceId: $s) { records rejected accuracy { ok total } invalid { field count reason } } }`,
        { s: other.id },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.dataQuality).toEqual([
        {
          records: 2,
          rejected: 5,
          accuracy: { ok: 2, total: 7 },
          invalid: [
            { field: 'eventAt', count: 1, reason: 'rejected at ingest' },
            { field: 'extensions.grantedAt', count: 1, reason: 'rejected at ingest' },
            { field: 'extractions.returnedAt', count: 1, reason: 'rejected at ingest' },
            { field: 'stageDeadline', count: 1, reason: 'rejected at ingest' },
            { field: 'updatedAt', count: 1, reason: 'rejected at ingest' },
          ],
        },
      ]);
    });

    it('takes the allowed skew from the configuration', async () => {
      const strict = await startTestHub({ ingestFutureSkewMs: 60_000 });
      try {
        const source = await strict.hub.sources.registry.register({
          name: '严格',
          department: { code: 'KSS-S', name: '严格' },
          domain: 'DETENTION',
          kind: 'HOSTED',
          regions: ['500101'],
        });
        const r = await strict.hub.sources.ingestor.ingest(source.source, [
          detentionInput(personId(510), 510, { eventAt: inHours(1), admittedAt: inHours(-1), stageStartedAt: inHours(-1) }),
        ]);
        expect(r.rejected.map((x) => x.reasons)).toEqual([
          [expect.stringMatching(/^eventAt: is in the future: more than 60 s ahead of the hub's clock/)],
        ]);
      } finally {
        await strict.close();
      }
    });
  });

  describe('cursors and date-times', () => {
    const cursor = (state: unknown) => Buffer.from(JSON.stringify(state)).toString('base64url');

    it('answers a forged cursor with an out-of-range time as BAD_USER_INPUT', async () => {
      for (const after of [
        cursor({ h: [1e20, '0'.repeat(24)], s: {} }),
        cursor({ h: [8.64e15 + 1, '0'.repeat(24)], s: {} }),
        cursor({ h: [1.5, '0'.repeat(24)], s: {} }),
      ]) {
        const { body } = await t.gql('query($a: String) { detentionRecords(after: $a) { totalCount edges { node { id } } } }', {
          a: after,
        });
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
    });

    it('refuses impossible calendar dates in DateTime, as Date does', async () => {
      const Q = 'query($f: DateTime) { detentionRecords(filter: { eventFrom: $f }) { totalCount } }';
      for (const bad of ['2024-02-30T00:00:00+08:00', '2023-02-29T12:00:00Z', '2024-04-31T08:00:00+08:00', '2024-13-01T08:00:00+08:00']) {
        const { body } = await t.gql(Q, { f: bad });
        expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(body.errors[0].message).toContain('is not a real date-time');
      }
      const literal = await t.gql('{ detentionRecords(filter: { eventFrom: "2024-02-30T00:00:00+08:00" }) { totalCount } }');
      expect(literal.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventFrom' });
      const leap = await t.gql(Q, { f: '2024-02-29T00:00:00+08:00' });
      expect(leap.body.errors).toBeUndefined();
    });
  });

  describe('echoed input and region codes', () => {
    const long = '5'.repeat(200_000);

    it('cuts long input echoed in error messages', async () => {
      const answers = [
        await t.gql('query($r: [String!]) { detentionRecords(filter: { regions: $r }) { totalCount } }', { r: [long] }),
        await t.gql('query($r: [String!]) { supervisionLeads(filter: { regions: $r }) { totalCount } }', { r: [long] }),
        await t.gql(`{ person(idNumber: "${long}") { name } }`),
        await t.gql('query($id: IdNumber!) { person(idNumber: $id) { name } }', { id: long }),
        await t.gql('query($f: DateTime) { detentionRecords(filter: { eventFrom: $f }) { totalCount } }', { f: long }),
        // an echo no code bounded itself (`no supervision rule …`): the formatter's safety net cuts it
        await t.gql('query($r: [ID!]) { supervisionLeads(filter: { rules: $r }) { totalCount } }', { r: [long] }),
        await t.admin('mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { apiKey } }', {
          input: {
            name: 'x',
            department: { code: 'D-1', name: 'x' },
            domain: 'DETENTION',
            kind: 'REST',
            regions: [long],
            endpoint: `http://${long}`,
          },
        }),
      ];
      for (const { body } of answers) {
        expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        for (const e of body.errors) {
          expect(e.message.length).toBeLessThan(1100);
          expect(e.message).toMatch(/20\d{4} characters\)/);
        }
      }
    });

    it('checks region codes the same way for record lists, leads and statistics', async () => {
      const answers = [
        await t.gql('{ detentionRecords(filter: { regions: ["xx"] }) { totalCount } }'),
        await t.gql('{ supervisionLeads(filter: { regions: ["xx"] }) { totalCount } }'),
        await t.gql('{ statistics(domain: DETENTION, groupBy: [REGION], filter: { regions: ["xx"] }) { count } }'),
      ];
      const errors = answers.map(({ body }) => body.errors?.[0]);
      for (const e of errors) expect(e?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.regions[0]' });
      expect(new Set(errors.map((e) => e?.message)).size).toBe(1);
    });
  });
});
