/** Document limits at n and n+1, including fragment tricks, over real HTTP. */
import { getIntrospectionQuery } from 'graphql';
import { startTestHub, type TestHub } from './helpers';

/** A query whose deepest field is at `depth`: person → detentions → edges → node → person → … → a scalar. */
function deep(depth: number): string {
  const cycle = ['detentions', 'edges', 'node', 'person'];
  const leaf: Record<string, string> = { person: 'idNumber', detentions: 'totalCount', edges: 'cursor', node: 'externalId' };
  const path = ['person'];
  for (let d = 2; d < depth; d++) path.push(cycle[(d - 2) % 4]);
  let inner = leaf[path[path.length - 1]];
  for (let i = path.length - 1; i >= 1; i--) inner = `${path[i]} { ${inner} }`;
  return `{ person(idNumber: "50010119900101123X") { ${inner} } }`;
}

describe('GraphQL document limits', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  const code = async (query: string) => (await t.gql(query)).body.errors?.[0]?.extensions?.code ?? 'OK';

  it('allows depth 10 and refuses 11, naming the limit', async () => {
    expect(await code(deep(10))).toBe('OK');
    const { body } = await t.gql(deep(11));
    expect(body.errors[0]).toEqual({ message: 'Query depth limit of 10 exceeded, found 11.', extensions: { code: 'QUERY_TOO_COMPLEX' } });
  });

  it('counts depth through fragments and inline fragments', async () => {
    const viaFragments = `query { person(idNumber: "50010119900101123X") { ...A } }
      fragment A on Person { detentions { edges { node { ...B } } } }
      fragment B on DetentionRecord { person { detentions { edges { node { ... on DetentionRecord { person { detentions { totalCount } } } } } } } }`; // depth 11
    expect(await code(viaFragments)).toBe('QUERY_TOO_COMPLEX');
  });

  it('allows 30 aliases and refuses 31', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: hubInfo { version }`).join(' ')} }`;
    expect(await code(aliases(30))).toBe('OK');
    expect(await code(aliases(31))).toBe('QUERY_TOO_COMPLEX');
  });

  it('allows 50 directives and refuses 51', async () => {
    // each field may carry @include and @skip once; the same field selected again merges
    const directives = (n: number) =>
      `{ hubInfo { ${'version @include(if: true) @skip(if: false) '.repeat(Math.floor(n / 2))}${n % 2 ? 'version @include(if: true)' : ''} } }`;
    expect(await code(directives(50))).toBe('OK');
    expect(await code(directives(51))).toBe('QUERY_TOO_COMPLEX');
  });

  it('allows 5,000 tokens and refuses 5,001', async () => {
    // { detentionRecords ( filter : { regions : [ …n… ] } ) { totalCount } } <EOF> is 16 tokens + n
    const tokens = (total: number) => `{ detentionRecords(filter: { regions: [${'"50" '.repeat(total - 16)}] }) { totalCount } }`;
    expect(await code(tokens(5000))).toBe('OK');
    const { body } = await t.gql(tokens(5001));
    expect(body.errors[0]).toEqual({ message: 'Token limit of 5000 exceeded.', extensions: { code: 'QUERY_TOO_COMPLEX' } });
  });

  it("lets an analyst's IDE introspect in development, and nobody else but admins", async () => {
    const { body } = await t.gql(getIntrospectionQuery(), undefined, { authorization: `Bearer ${await t.token({ role: 'ANALYST' })}` });
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.queryType.name).toBe('Query');
    const procurator = await t.gql(getIntrospectionQuery());
    expect(procurator.body.errors[0]).toMatchObject({
      message: 'introspection is open to ADMIN and ANALYST callers only',
      extensions: { code: 'FORBIDDEN' },
    });
  });
});

describe('GraphQL document limits in production', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ production: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses introspection, counting its depth too, and gives no field suggestions', async () => {
    const { body } = await t.gql(getIntrospectionQuery());
    expect(body.errors[0].extensions.code).toMatch(/QUERY_TOO_COMPLEX|GRAPHQL_VALIDATION_FAILED/);
    const typo = await t.gql('{ hubInf { version } }');
    expect(typo.body.errors[0].message).not.toMatch(/Did you mean/);
  });
});

describe('cost as list sizes × fields, for analysts', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it('prices a query at what it could return and refuses one over 20,000', async () => {
    const analyst = { authorization: `Bearer ${await t.token({ role: 'ANALYST' })}` };
    // 1 + 1 (edges) + 1 (node) per page, × first, and nested pages multiply
    const q = (outer: number, inner: number) =>
      `{ detentionRecords(first: ${outer}) { edges { node { person { detentions(first: ${inner}) { edges { node { stage } } } } } } } }`;
    const ok = await t.gql(q(100, 30), undefined, analyst);
    expect(ok.body.errors).toBeUndefined();
    const { body } = await t.gql(q(500, 500), undefined, analyst);
    expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', budget: 20000 });
    expect(body.errors[0].message).toMatch(/^Query cost \(list sizes × fields\) of \d+ is over the budget of 20000/);
    // at the budget and one over: persons(idNumbers: n ids) { idNumber } costs 1 + n
    const ids = (n: number) => Array.from({ length: n }, () => '50010119900101123X');
    const at = await t.gql('query($ids: [IdNumber!]!) { persons(idNumbers: $ids) { idNumber } }', { ids: ids(19_999) }, analyst);
    expect(at.body.errors[0].extensions.code).toBe('BAD_USER_INPUT'); // past the cost check, stopped by the 500-id limit
    const over = await t.gql('query($ids: [IdNumber!]!) { persons(idNumbers: $ids) { idNumber } }', { ids: ids(20_000) }, analyst);
    expect(over.body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 20_001 });
    // variables count too
    const viaVars = await t.gql(
      'query($n: Int) { detentionRecords(first: $n) { edges { node { person { detentions(first: $n) { edges { node { stage } } } } } } } }',
      { n: 500 },
      analyst,
    );
    expect(viaVars.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });
});
