/** Operator-injection payloads never reach a store filter: typed inputs refuse them with BAD_USER_INPUT. */
import { registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

describe('operator injection in variables', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
    await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 3, 1);
  });
  afterAll(async () => {
    await t.close();
  });

  const payloads = [{ $ne: null }, { $gt: '' }, { $regex: '.*' }, { $where: 'sleep(1000)' }, { $nor: [{ a: 1 }] }, ['$ne', 1]];

  it.each(payloads.map((p) => [JSON.stringify(p), p]))(
    'refuses %s as an ID number, a region, a source id and a cursor',
    async (_name, payload) => {
      const cases: [string, Record<string, unknown>][] = [
        ['query($v: IdNumber!) { person(idNumber: $v) { name } }', { v: payload }],
        ['query($v: [String!]) { detentionRecords(filter: { regions: $v }) { totalCount } }', { v: payload }],
        ['query($v: String!) { detentionRecords(filter: { regions: [$v] }) { totalCount } }', { v: payload }],
        ['query($v: [ID!]) { detentionRecords(filter: { sourceIds: $v }) { totalCount } }', { v: payload }],
        ['query($v: String) { detentionRecords(after: $v) { totalCount } }', { v: payload }],
        ['query($v: DetentionFilter) { detentionRecords(filter: $v) { totalCount } }', { v: { idNumber: payload } }],
      ];
      for (const [query, variables] of cases) {
        const { body } = await t.gql(query, variables);
        expect(body.data?.detentionRecords ?? body.data?.person ?? null).toBeNull();
        expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      }
    },
  );

  it('refuses $-keys and __proto__ in a registration mapping', async () => {
    const { body } = await t.admin(
      'mutation($m: JSON) { registerDataSource(input: { name: "x", department: { code: "X", name: "x" }, domain: PRISON, kind: REST, regions: ["50"], endpoint: "http://127.0.0.1:9", mapping: $m }) { apiKey } }',
      { m: { $where: 'crime', constructor: 'crime' } },
    );
    expect(body.errors[0].extensions.problems).toEqual([
      { field: 'mapping.$where', message: 'is not an acceptable field name' },
      { field: 'mapping.constructor', message: 'is not an acceptable field name' },
    ]);
  });
});
