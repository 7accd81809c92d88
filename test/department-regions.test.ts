/**
 * A department acts on sources only inside its own regions (issue 23, item 8): a DEPARTMENT token
 * limited to 500115 must not register, widen or otherwise run a source that covers 500101, and a
 * source of 500115 must not bring records of 500101 in. Over real HTTP, on the real store.
 */
import { detentionInput, personId } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

const REGISTER = `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id regions { code } } apiKey } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateDataSourceInput!) { updateDataSource(id: $id, input: $input) { id regions { code } } }`;

describe('a department registers and changes sources only inside its own regions', () => {
  let t: TestHub;
  let changshou: Record<string, string>;
  beforeAll(async () => {
    t = await startTestHub();
    changshou = { authorization: `Bearer ${await t.token({ role: 'DEPARTMENT', org: 'KSS-500115', regions: ['500115'] })}` };
  });
  afterAll(async () => {
    await t.close();
  });

  const input = (name: string, regions: string[]) => ({
    name,
    department: { code: 'KSS-500115', name: '长寿区看守所' },
    domain: 'DETENTION',
    kind: 'HOSTED',
    regions,
  });

  it('refuses a registration for another district, and for the whole city, naming the region', async () => {
    const other = await t.gql(REGISTER, { input: input('万州冒名', ['500101']) }, changshou);
    expect(other.body.data).toBeNull();
    expect(other.body.errors[0]).toMatchObject({
      message: 'department KSS-500115 may register and change sources only inside its regions (500115): regions[0] 500101 is outside them',
      extensions: { code: 'FORBIDDEN', field: 'regions[0]' },
    });
    const city = await t.gql(REGISTER, { input: input('全市冒名', ['500115', '50']) }, changshou);
    expect(city.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'regions[1]' });
    // nothing was registered
    expect(t.hub.sources.registry.list('DETENTION').map((s) => s.name)).not.toEqual(expect.arrayContaining(['万州冒名', '全市冒名']));
  });

  it('registers a source inside its regions, and refuses to widen it past them', async () => {
    const own = await t.gql(REGISTER, { input: input('长寿区看守所 监管系统', ['500115']) }, changshou);
    expect(own.body.errors).toBeUndefined();
    const id = own.body.data.registerDataSource.dataSource.id;
    const widened = await t.gql(UPDATE, { id, input: { regions: ['500115', '500101'] } }, changshou);
    expect(widened.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'regions[1]' });
    expect(t.hub.sources.registry.get(id)!.regions).toEqual(['500115']);
    const renamed = await t.gql(UPDATE, { id, input: { name: '长寿区看守所 监管系统 v2' } }, changshou);
    expect(renamed.body.errors).toBeUndefined();
  });

  it('does not let it change or re-key a source of its department that covers more than its regions', async () => {
    // registered by an administrator for the whole city
    const wide = await t.admin(REGISTER, { input: input('长寿区看守所 全市', ['50']) });
    const id = wide.body.data.registerDataSource.dataSource.id;
    for (const op of [
      `mutation { rotateDataSourceKey(id: "${id}") { apiKey } }`,
      `mutation { suspendDataSource(id: "${id}", reason: "x") { id } }`,
    ]) {
      const { body } = await t.gql(op, undefined, changshou);
      expect(body.errors[0]).toMatchObject({
        message: 'department KSS-500115 may register and change sources only inside its regions (500115): the source covers 50',
        extensions: { code: 'FORBIDDEN' },
      });
    }
    const renamed = await t.gql(UPDATE, { id, input: { name: '改名' } }, changshou);
    expect(renamed.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('keeps a source of 500115 from storing records of 500101', async () => {
    const own = await t.gql(REGISTER, { input: input('长寿区看守所 推送', ['500115']) }, changshou);
    const { id } = own.body.data.registerDataSource.dataSource;
    const key = own.body.data.registerDataSource.apiKey;
    const res = await fetch(`${t.url}/ingest/${id}`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${key}`, 'content-type': 'application/x-ndjson' },
      body: [detentionInput(personId(1, '500101'), 1, { region: '500101' }), detentionInput(personId(2, '500115'), 2, { region: '500115' })]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    });
    const body = (await res.json()) as any;
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      { index: 0, externalId: expect.any(String), reasons: ["region: 500101 is outside the source's regions (500115)"] },
    ]);
  });
});
