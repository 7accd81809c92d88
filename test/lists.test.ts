import { detentionInput, enforcementInput, personId, registerTestSources } from './fixtures';
import { startTestHub, type TestHub } from './helpers';
import type { Domain } from '../domain/records';
import type { DataSourceDoc } from '../datasources/store/models';

describe('list queries: filters, order and keyset paging', () => {
  let t: TestHub;
  let srcs: Record<Domain, DataSourceDoc>;
  beforeAll(async () => {
    t = await startTestHub();
    srcs = await registerTestSources(t.hub.sources);
    const regions = ['500101', '500103', '500230'];
    const detentions = Array.from({ length: 30 }, (_, i) => {
      const region = regions[i % 3];
      const day = String(1 + (i % 10)).padStart(2, '0'); // ties on eventAt: order falls back to id
      return detentionInput(personId(i, region), i, {
        region,
        eventAt: `2024-05-${day}T09:00:00+08:00`,
        admittedAt: `2024-05-${day}T09:00:00+08:00`,
        stageStartedAt: `2024-05-${day}T09:00:00+08:00`,
        stage: i % 4 === 0 ? 'PROSECUTION_REVIEW' : 'INVESTIGATION',
        ...(i % 5 === 0 ? { releasedAt: '2024-09-01T09:00:00+08:00', releaseReason: '取保候审' } : {}),
      });
    });
    expect((await t.hub.sources.ingestor.ingest(srcs.DETENTION, detentions)).accepted).toBe(30);
    const cases = [0, 1, 2, 3].map((i) =>
      enforcementInput(personId(i), i, {
        category: i % 2 ? 'TRADEMARK' : 'ENVIRONMENT',
        suspectedCrime: i === 3,
        amountInvolved: 1000 * (i + 1),
      }),
    );
    expect((await t.hub.sources.ingestor.ingest(srcs.ENFORCEMENT_CASE, cases)).accepted).toBe(4);
  });
  afterAll(async () => {
    await t.close();
  });

  const PAGE = `query($first: Int, $after: String, $filter: DetentionFilter) {
    detentionRecords(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id externalId eventAt region { code } } }
    }
  }`;

  it('pages through every record exactly once, newest first, with ties broken by id', async () => {
    const seen: any[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const { body }: any = await t.gql(PAGE, { first: 7, after });
      expect(body.errors).toBeUndefined();
      const c = body.data.detentionRecords;
      expect(c.totalCount).toBe(30);
      seen.push(...c.edges.map((e: any) => e.node));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen.map((n) => n.id)).size).toBe(30);
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1];
      const b = seen[i];
      expect(a.eventAt >= b.eventAt).toBe(true);
      if (a.eventAt === b.eventAt) expect(a.id > b.id).toBe(true);
    }
  });

  it('narrows by region prefix, stage, custody and event time, and counts only what matches', async () => {
    const q = async (filter: object) => (await t.gql(PAGE, { first: 100, filter })).body.data.detentionRecords;
    expect((await q({ regions: ['500103'] })).totalCount).toBe(10);
    expect((await q({ regions: ['5001'] })).totalCount).toBe(20);
    expect((await q({ regions: ['5002'] })).totalCount).toBe(10);
    expect((await q({ regions: ['50'] })).totalCount).toBe(30);
    expect((await q({ stages: ['PROSECUTION_REVIEW'] })).totalCount).toBe(8);
    expect((await q({ inCustody: false })).totalCount).toBe(6);
    expect((await q({ inCustody: true })).totalCount).toBe(24);
    expect((await q({ eventFrom: '2024-05-09T00:00:00+08:00', eventTo: '2024-05-10T00:00:00+08:00' })).totalCount).toBe(3);
    expect((await q({ idNumber: personId(4, '500103') })).totalCount).toBe(1);
    expect((await q({ sourceIds: [srcs.PRISON._id.toHexString()] })).totalCount).toBe(0);
    expect((await q({ sourceIds: [srcs.DETENTION._id.toHexString()], regions: ['500230'] })).totalCount).toBe(10);
  });

  it('filters enforcement cases by category and suspected crime', async () => {
    const q =
      'query($f: EnforcementCaseFilter) { enforcementCases(filter: $f) { totalCount edges { node { category amountInvolved suspectedCrime } } } }';
    expect((await t.gql(q, { f: { categories: ['TRADEMARK'] } })).body.data.enforcementCases.totalCount).toBe(2);
    const { body } = await t.gql(q, { f: { suspectedCrime: true } });
    expect(body.data.enforcementCases.edges).toEqual([{ node: { category: 'TRADEMARK', amountInvolved: 4000, suspectedCrime: true } }]);
  });

  it('rejects bad filters and cursors with BAD_USER_INPUT naming the field', async () => {
    const cases: [object, string][] = [
      [{ first: 10, filter: { regions: ['5001x'] } }, 'filter.regions[0]'],
      [{ first: 10, filter: { sourceIds: ['nope'] } }, 'filter.sourceIds[0]'],
      [{ first: 10, filter: { eventFrom: '2024-06-01T00:00:00Z', eventTo: '2024-05-01T00:00:00Z' } }, 'filter.eventTo'],
      [{ first: 501 }, 'first'],
      [{ first: -1 }, 'first'],
      [{ first: 10, after: 'garbage' }, 'after'],
    ];
    for (const [variables, field] of cases) {
      const { body } = await t.gql(PAGE, variables as Record<string, unknown>);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const { body } = await t.gql(PAGE, { first: 1, filter: { stages: ['NOT_A_STAGE'] } });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toContain('NOT_A_STAGE');
  });

  it('answers a page of 0 with only the count, saying more records follow', async () => {
    const { body } = await t.gql(PAGE, { first: 0 });
    expect(body.data.detentionRecords).toMatchObject({ totalCount: 30, edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
  });
});
