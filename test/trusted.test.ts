/** Trusted operations: required for procurators and departments, ad-hoc for analysts. */
import { startTestHub, type TestHub } from './helpers';

describe('trusted operations', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ requireTrustedOperations: true });
  });
  afterAll(async () => {
    await t.close();
  });

  const DOSSIER = 'query Dossier($id: IdNumber!) { person(idNumber: $id) { name detentions { totalCount } } }';

  it("runs a procurator's operation only once it is registered, exactly as registered", async () => {
    const before = await t.gql(DOSSIER, { id: '50010119900101123X' });
    expect(before.body.errors[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: 'PROCURATOR callers may run only registered (trusted) operations; this one is not registered',
    });
    const reg = await t.admin('mutation($q: String!) { registerTrustedOperation(name: "dossier-v1", query: $q) { hash name } }', {
      q: DOSSIER,
    });
    expect(reg.body.data.registerTrustedOperation.name).toBe('dossier-v1');
    expect(reg.body.data.registerTrustedOperation.hash).toMatch(/^[0-9a-f]{64}$/);
    const after = await t.gql(DOSSIER, { id: '50010119900101123X' });
    expect(after.body.errors).toBeUndefined();
    const edited = await t.gql(`${DOSSIER} `, { id: '50010119900101123X' });
    expect(edited.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('leaves analysts their ad-hoc queries', async () => {
    const { body } = await t.gql('{ detentionRecords { totalCount } }', undefined, {
      authorization: `Bearer ${await t.token({ role: 'ANALYST' })}`,
    });
    expect(body.errors).toBeUndefined();
  });

  it('refuses to register an operation that does not fit the schema, naming what is wrong', async () => {
    const { body } = await t.admin('mutation { registerTrustedOperation(name: "bad", query: "{ nosuchField }") { hash } }');
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
    expect(body.errors[0].message).toContain('nosuchField');
  });
});
