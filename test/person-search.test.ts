/**
 * Finding persons by name (personSearch) over real HTTP and the real store: narrowed by district or
 * birth year and refused without, capped, inside the caller's jurisdiction, masked for analysts,
 * suspended sources left out, and audited with the persons returned and the purpose.
 */
import { detentionInput, enforcementInput, personId, registerTestSources } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

const SEARCH = `query($name: String!, $region: String, $birthYear: Int, $first: Int) {
  personSearch(name: $name, region: $region, birthYear: $birthYear, first: $first) {
    truncated
    persons { idNumber name birthDate region { code } }
  }
}`;

describe('personSearch: finding a person by name', () => {
  let t: TestHub;
  // 王伟 three times (two in 万州区 500101, one in 渝中区 500103), 李娜 once; born 1981, 1982, 1983, 1984
  const a = personId(1, '500101');
  const b = personId(2, '500101');
  const c = personId(3, '500103');
  const d = personId(4, '500101');
  // 王伟 too, born 1985, but held only by a source that is suspended
  const e = personId(5, '500101');

  beforeAll(async () => {
    t = await startTestHub();
    const srcs = await registerTestSources(t.hub.sources);
    const ingest = t.hub.sources.ingestor;
    expect(
      (
        await ingest.ingest(srcs.DETENTION, [
          detentionInput(a, 1),
          detentionInput(b, 2),
          detentionInput(c, 3, { region: '500103' }),
          detentionInput(d, 4, { name: '李娜' }),
        ])
      ).accepted,
    ).toBe(4);
    // the same person in a second domain is still one person
    expect((await ingest.ingest(srcs.ENFORCEMENT_CASE, [enforcementInput(a, 1)])).accepted).toBe(1);
    const other = await t.hub.sources.registry.ensure({
      name: '另一看守所',
      department: { code: 'T-OTHER', name: '另一部门' },
      domain: 'DETENTION',
      kind: 'HOSTED',
      regions: ['50'],
    });
    expect((await ingest.ingest(other, [detentionInput(e, 5)])).accepted).toBe(1);
    const suspended = await t.admin('mutation($id: ID!) { suspendDataSource(id: $id, reason: "停用测试") { status } }', {
      id: other._id.toHexString(),
    });
    expect(suspended.body.data.suspendDataSource.status).toBe('SUSPENDED');
  });
  afterAll(async () => {
    await t.close();
  });

  const search = (variables: Record<string, unknown>, headers?: Record<string, string>) => t.gql(SEARCH, variables, headers);

  it('finds the persons of a name in a district, each once, by ID number, with what their ID numbers say', async () => {
    const { body } = await search({ name: '王伟', region: '500101' });
    expect(body.errors).toBeUndefined();
    expect(body.data.personSearch).toEqual({
      truncated: false,
      persons: [
        { idNumber: a, name: '王伟', birthDate: '1981-03-02', region: { code: '500101' } },
        { idNumber: b, name: '王伟', birthDate: '1982-03-03', region: { code: '500101' } },
      ],
    });
  });

  it('narrows by birth year across the city, and by both', async () => {
    const byYear = await search({ name: '王伟', birthYear: 1983 });
    expect(byYear.body.data.personSearch.persons.map((p: { idNumber: string }) => p.idNumber)).toEqual([c]);
    const both = await search({ name: '王伟', region: '5001', birthYear: 1982 });
    expect(both.body.data.personSearch.persons.map((p: { idNumber: string }) => p.idNumber)).toEqual([b]);
    const none = await search({ name: '王伟', region: '500101', birthYear: 1983 });
    expect(none.body.data.personSearch).toEqual({ truncated: false, persons: [] });
  });

  it('caps the answer at `first` and says that more match', async () => {
    const { body } = await search({ name: '王伟', region: '5001', first: 2 });
    expect(body.data.personSearch.truncated).toBe(true);
    expect(body.data.personSearch.persons.map((p: { idNumber: string }) => p.idNumber)).toEqual([a, b]);
  });

  it('leaves out the records of a suspended source', async () => {
    const { body } = await search({ name: '王伟', region: '500101', birthYear: 1985 });
    expect(body.data.personSearch.persons).toEqual([]);
  });

  it('refuses a name that is not narrowed, and every malformed argument, naming it', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: '王伟' }, 'region', /a name alone would list the whole city/],
      [{ name: '王伟', region: '50' }, 'region', /a name alone would list the whole city/],
      [{ name: '王伟', region: '万州' }, 'region', /4- or 6-digit region code prefix/],
      [{ name: '王伟', birthYear: 1800 }, 'birthYear', /from 1900 to/],
      [{ name: '王伟', region: '500101', first: 51 }, 'first', /from 1 to 50/],
      [{ name: '  ', region: '500101' }, 'name', /is required/],
      [{ name: '王'.repeat(31), region: '500101' }, 'name', /at most 30 characters/],
    ];
    for (const [variables, field, message] of cases) {
      const { body } = await search(variables);
      expect([variables, body.errors?.[0]?.extensions]).toEqual([variables, expect.objectContaining({ code: 'BAD_USER_INPUT', field })]);
      expect(body.errors[0].message).toMatch(message);
      expect(body.data).toBeNull();
    }
  });

  it('searches only inside the jurisdiction', async () => {
    const yuzhong = {
      authorization: `Bearer ${await t.token({ role: 'PROCURATOR', regions: ['500103'] })}`,
      'x-purpose': 'CASE-2026-5',
    };
    const city = await search({ name: '王伟', region: '5001' }, yuzhong);
    expect(city.body.data.personSearch.persons.map((p: { idNumber: string }) => p.idNumber)).toEqual([c]);
    const wanzhou = await search({ name: '王伟', region: '500101' }, yuzhong);
    expect(wanzhou.body.data.personSearch).toEqual({ truncated: false, persons: [] });
  });

  it('masks the persons for an analyst, and asks a procurator for the purpose', async () => {
    const analyst = { authorization: `Bearer ${await t.token({ role: 'ANALYST', regions: ['50'] })}` };
    const masked = await search({ name: '王伟', region: '500101' }, analyst);
    expect(masked.body.data.personSearch.persons.map((p: { idNumber: string; name: string }) => [p.idNumber, p.name])).toEqual([
      [`${a.slice(0, 6)}********${a.slice(14)}`, '王*'],
      [`${b.slice(0, 6)}********${b.slice(14)}`, '王*'],
    ]);
    const noPurpose = await search(
      { name: '王伟', region: '500101' },
      { authorization: `Bearer ${await t.token({ role: 'PROCURATOR', regions: ['50'] })}` },
    );
    expect(noPurpose.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const department = await search(
      { name: '王伟', region: '500101' },
      { authorization: `Bearer ${await t.token({ role: 'DEPARTMENT', regions: ['50'], org: 'T-DETENTION' })}` },
    );
    expect(department.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('is audited with the purpose and the persons it returned', async () => {
    // (a browser sends a Chinese purpose percent-encoded; the hub stores it decoded)
    await search({ name: '李娜', region: '500101' }, { 'x-purpose': encodeURIComponent('渝检刑监〔2026〕8号') });
    const { body } = await t.admin(
      'query($id: IdNumber!) { auditLog(filter: { idNumber: $id }, first: 5) { edges { node { operationName purpose } } } }',
      {
        id: d,
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.auditLog.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      operationName: null,
      purpose: '渝检刑监〔2026〕8号',
    });
  });
});
