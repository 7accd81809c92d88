/**
 * A department reads what its pushes had refused (`DataSource.rejections`): newest push first, each
 * push's records in line order, paged by cursor, ID numbers masked; only its own department and
 * administrators may. Over real HTTP against the real store.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { detentionInput, personId } from './fixtures';
import { pushLines, registerCustodySource, startTestHub, type TestHub, type TestSource } from './helpers';

const REJECTIONS = `query($id: ID!, $first: Int, $after: String) {
  dataSource(id: $id) { name rejections(first: $first, after: $after) { edges { cursor node { at index externalId reasons } } pageInfo { hasNextPage endCursor } } } }`;

describe("a source's rejections", () => {
  let t: TestHub;
  let source: TestSource;
  const department = (org: string) => t.token({ role: 'DEPARTMENT', sub: `d-${org}`, org, regions: ['500101'] });
  const ask = async (token: string, variables: Record<string, unknown>) =>
    t.gql(REJECTIONS, { id: source.id, ...variables }, { authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestHub();
    source = await registerCustodySource(t);
    const id = personId(5);
    // the first push: line 2 has no stage, line 3 an ID number that fails its check (lines that are
    // not JSON are in the push's receipt only: they have no record to keep)
    const first = await pushLines(t, source, [
      JSON.stringify(detentionInput(id, 1)),
      JSON.stringify({ ...detentionInput(id, 2), stage: undefined }),
      JSON.stringify({ ...detentionInput(id, 4), idNumber: '500101199001011230' }),
    ]);
    expect(first.status).toBe(200);
    await delay(20); // the second push is received later
    const second = await pushLines(t, source, [JSON.stringify({ ...detentionInput(personId(6), 3), admittedAt: 'yesterday' })]);
    expect(second.status).toBe(200);
  }, 60_000);
  afterAll(() => t.close());

  it('lists them newest push first, in line order, with the field each reason names, and pages', async () => {
    const token = await department('KSS-500101');
    const all = await ask(token, { first: 10 });
    expect(all.body.errors).toBeUndefined();
    const edges = all.body.data.dataSource.rejections.edges;
    expect(edges).toHaveLength(3);
    const [latest, second, third] = edges.map((e: any) => e.node);
    expect(latest.index).toBe(0);
    expect(latest.reasons.join(' ')).toContain('admittedAt');
    expect(second.at).toBe(third.at);
    expect([second.index, third.index]).toEqual([1, 2]);
    expect(second.reasons.join(' ')).toContain('stage');
    expect(third.reasons.join(' ')).toContain('idNumber');
    expect(Date.parse(latest.at)).toBeGreaterThan(Date.parse(second.at));
    // ID numbers never come back in clear
    expect(JSON.stringify(edges)).not.toContain(personId(5));
    expect(JSON.stringify(edges)).not.toContain(personId(6));

    // paging by cursor gives the same rejections, one at a time
    const seen: unknown[] = [];
    let after: string | null = null;
    for (let i = 0; i < 4; i++) {
      const page: any = await ask(token, { first: 1, after });
      const conn = page.body.data.dataSource.rejections;
      seen.push(...conn.edges.map((e: any) => e.node));
      after = conn.pageInfo.endCursor;
      if (!conn.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual([latest, second, third]);
  });

  it('refuses another department (which does not see the source at all), a procurator, and a cursor it did not issue', async () => {
    const other = await ask(await department('KSS-500102'), { first: 5 });
    expect(other.body).toEqual({ data: { dataSource: null } });
    const procurator = await ask(await t.token({ role: 'PROCURATOR' }), { first: 5 });
    expect(procurator.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const admin = await t.admin(REJECTIONS, { id: source.id, first: 1 });
    expect(admin.body.data.dataSource.rejections.edges).toHaveLength(1);
    const bad = await ask(await department('KSS-500101'), { first: 1, after: 'bm90LWEtY3Vyc29y' });
    expect(bad.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
  });
});
