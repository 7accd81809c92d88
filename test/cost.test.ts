/**
 * The cost budget for every untrusted operation, with list sizes read from the schema (issue 23,
 * items 9 and 10), over real HTTP on the real store.
 */
import { registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

/** 1 + 500 × (edges 1 + node 1 + person 1 + detentions (1 + 500 × 3)): 752,001 */
const HUGE = '{ detentionRecords(first: 500) { edges { node { person { detentions(first: 500) { edges { node { stage } } } } } } } }';

describe('the cost budget', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });
  const as = async (role: 'PROCURATOR' | 'ANALYST' | 'DEPARTMENT' | 'ADMIN') => ({
    authorization: `Bearer ${await t.token({ role })}`,
    'x-purpose': 'COST-2026-1',
  });

  it("applies to a procurator's ad-hoc operation, not only an analyst's", async () => {
    const { body } = await t.gql(HUGE, undefined, await as('PROCURATOR'));
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 752_001, budget: 20_000 });
    expect(body.errors[0].message).toMatch(/^Query cost \(list sizes × fields\) of 752001 is over the budget of 20000/);
  });

  it("applies to an administrator's ad-hoc operation too", async () => {
    // auditLog(first: 500) × (edges + node + 40 leaves: 18 fields and 22 aliases, within the alias limit of 30)
    const fields =
      'seq at requestId actor purpose operationName operationHash variables idNumbers recordIds failedSources sourcesCalled status errorCodes durationMs clientAddress prevHash hash';
    const leaves = `${fields} ${Array.from({ length: 22 }, (_, i) => `f${i}: seq`).join(' ')}`;
    const { body } = await t.gql(`{ auditLog(first: 500) { edges { node { ${leaves} } } } }`, undefined, await as('ADMIN'));
    expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 1 + 500 * 42 });
  });

  it('exempts an operation an administrator registered as trusted', async () => {
    const reg = await t.admin(
      'mutation($q: String!) { registerTrustedOperation(name: "front end: custody with dossiers", query: $q) { hash } }',
      { q: HUGE },
    );
    expect(reg.body.errors).toBeUndefined();
    const trusted = await t.gql(HUGE, undefined, await as('PROCURATOR'));
    expect(trusted.body.errors).toBeUndefined();
    expect(trusted.body.data.detentionRecords.edges).toEqual([]);
    // the same operation with one more field is not the registered text
    const edited = await t.gql(HUGE.replace('stage', 'stage caseNumber'), undefined, await as('PROCURATOR'));
    expect(edited.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('prices supervisionLeads, a connection whose first has no default in the SDL, at its default page of 20', async () => {
    // leads 1 + 20 × (edges 1 + node 1 + person 1 + detentions (1 + 500 × 3)) = 30,081; priced as 1 lead it was 1,505
    const q = '{ supervisionLeads { edges { node { person { detentions(first: 500) { edges { node { stage } } } } } } } }';
    const { body } = await t.gql(q, undefined, await as('ANALYST'));
    expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 30_081 });
  });
});

describe('the bound on statistics buckets', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ statisticsMaxBuckets: 2 });
    // two persons, three custody records each, in January, February and March 2024
    await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 2, 3);
  });
  afterAll(async () => {
    await t.close();
  });
  const stats = (groupBy: string, filter = '') =>
    t.gql(`{ statistics(domain: DETENTION, groupBy: [${groupBy}]${filter}) { keys { value } count } }`);

  it('answers up to the bound and refuses past it, naming the bound and its setting', async () => {
    const year = await stats('YEAR');
    expect(year.body.errors).toBeUndefined();
    expect(year.body.data.statistics).toEqual([{ keys: [{ value: '2024' }], count: 6 }]);
    const twoMonths = await stats('MONTH', ', filter: { eventTo: "2024-03-01T00:00:00+08:00" }');
    expect(twoMonths.body.data.statistics.map((b: any) => b.count)).toEqual([2, 2]);
    const months = await stats('MONTH');
    expect(months.status).toBe(200);
    expect(months.body.data).toBeNull();
    expect(months.body.errors[0]).toMatchObject({
      message:
        'statistics: the answer would hold more than 2 buckets (STATISTICS_MAX_BUCKETS); group by fewer dimensions or narrow the filter',
      extensions: { code: 'QUERY_TOO_COMPLEX', field: 'groupBy', limit: 2 },
    });
  });
});
