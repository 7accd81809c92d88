/** The source registry: validation, keys, changes, and propagation across hub processes. */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startHubProcess, startTestHub, TEST_JWT, type TestHub } from './helpers';
import { signToken } from '../server/jwt';

const REGISTER = `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id name version status kind regions { code } } apiKey } }`;

describe('registering data sources', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists every problem of a bad registration at once, each naming its field', async () => {
    const { body } = await t.admin(REGISTER, {
      input: {
        name: ' ',
        department: { code: 'bad code!', name: '某局' },
        domain: 'PRISON',
        kind: 'REST',
        regions: ['500199', '5003', 'x'],
        endpoint: 'ftp://example.org',
        mapping: { zuiming: 'noSuchField', __proto__x: 'crime' },
      },
    });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].extensions.problems).toEqual([
      { field: 'name', message: 'is required' },
      { field: 'department.code', message: 'use letters, digits, _ . - (at most 32)' },
      { field: 'regions[0]', message: '"500199" is not a Chongqing district or county code' },
      { field: 'regions[1]', message: '"5003" is not a Chongqing prefix (5001 or 5002)' },
      { field: 'regions[2]', message: '"x" is not a region code: use 50, 5001, 5002 or a 6-digit district code' },
      { field: 'endpoint', message: 'must be http or https, got ftp' },
      { field: 'mapping.zuiming', message: '"noSuchField" is not a field of PRISON records' },
    ]);
  });

  it('requires an endpoint for live kinds and refuses one for HOSTED', async () => {
    const rest = await t.admin(REGISTER, {
      input: { name: 'A', department: { code: 'A', name: 'A' }, domain: 'PRISON', kind: 'REST', regions: ['50'] },
    });
    expect(rest.body.errors[0].extensions.problems).toEqual([{ field: 'endpoint', message: 'is required for a REST source' }]);
    const hosted = await t.admin(REGISTER, {
      input: {
        name: 'B',
        department: { code: 'B', name: 'B' },
        domain: 'PRISON',
        kind: 'HOSTED',
        regions: ['50'],
        endpoint: 'http://127.0.0.1:1',
      },
    });
    expect(hosted.body.errors[0].extensions.problems[0].field).toBe('endpoint');
  });

  it('refuses a second source of the same name in the same department', async () => {
    const input = {
      name: '渝北区看守所',
      department: { code: 'KSS-500112', name: '重庆市渝北区看守所' },
      domain: 'DETENTION',
      kind: 'HOSTED',
      regions: ['500112'],
    };
    expect((await t.admin(REGISTER, { input })).body.errors).toBeUndefined();
    const again = await t.admin(REGISTER, { input });
    expect(again.body.errors[0].extensions.problems).toEqual([
      { field: 'name', message: 'a source named "渝北区看守所" is already registered for department KSS-500112' },
    ]);
  });

  it('issues a key once, stores only its hash, and rotation retires the old key', async () => {
    const { body } = await t.admin(REGISTER, {
      input: {
        name: '南岸区看守所',
        department: { code: 'KSS-500108', name: '南岸' },
        domain: 'DETENTION',
        kind: 'HOSTED',
        regions: ['500108'],
      },
    });
    const { dataSource, apiKey } = body.data.registerDataSource;
    expect(apiKey).toMatch(/^hubk_[A-Za-z0-9_-]{43}$/);
    const stored = await t.hub.sources.models.DataSource.collection.findOne({ name: '南岸区看守所' });
    expect(JSON.stringify(stored)).not.toContain(apiKey.slice(5));
    expect(stored!.apiKeyHash).toMatch(/^[0-9a-f]{64}$/);

    const rotated = (await t.admin(`mutation { rotateDataSourceKey(id: "${dataSource.id}") { apiKey dataSource { version } } }`)).body.data
      .rotateDataSourceKey;
    expect(rotated.apiKey).not.toBe(apiKey);
    expect(rotated.dataSource.version).toBe(2);
    const withOld = await fetch(`${t.url}/ingest/${dataSource.id}`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${apiKey}`, 'content-type': 'application/x-ndjson' },
      body: '',
    });
    expect(withOld.status).toBe(401);
    const withNew = await fetch(`${t.url}/ingest/${dataSource.id}`, {
      method: 'POST',
      headers: { authorization: `ApiKey ${rotated.apiKey}`, 'content-type': 'application/x-ndjson' },
      body: '',
    });
    expect(withNew.status).toBe(200);
  });

  it('changes and suspends a source, bumping its version each time', async () => {
    const { body } = await t.admin(REGISTER, {
      input: {
        name: '北碚区看守所',
        department: { code: 'KSS-500109', name: '北碚' },
        domain: 'DETENTION',
        kind: 'HOSTED',
        regions: ['500109'],
      },
    });
    const id = body.data.registerDataSource.dataSource.id;
    const upd = await t.admin(
      `mutation { updateDataSource(id: "${id}", input: { regions: ["500109", "500117"] }) { version regions { code name } } }`,
    );
    expect(upd.body.data.updateDataSource).toEqual({
      version: 2,
      regions: [
        { code: '500109', name: '北碚区' },
        { code: '500117', name: '合川区' },
      ],
    });
    const sus = await t.admin(`mutation { suspendDataSource(id: "${id}", reason: "停用核查") { version status suspendedReason } }`);
    expect(sus.body.data.suspendDataSource).toEqual({ version: 3, status: 'SUSPENDED', suspendedReason: '停用核查' });
    const list = await t.gql('{ dataSources(domain: DETENTION, status: SUSPENDED) { id } }');
    expect(list.body.data.dataSources.map((s: any) => s.id)).toContain(id);
    const missing = await t.admin('mutation { suspendDataSource(id: "0123456789abcdef01234567", reason: "x") { id } }');
    expect(missing.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('two hub processes on one store', () => {
  const procs: ChildProcess[] = [];
  afterAll(() => {
    for (const p of procs) p.kill('SIGTERM');
  });

  function startHub(dbName: string): Promise<string> {
    const { url, child } = startHubProcess(dbName, { REGISTRY_REFRESH_MS: '500' });
    procs.push(child);
    return url;
  }

  let admin = '';
  beforeAll(async () => {
    admin = `Bearer ${await signToken(TEST_JWT, { sub: 'admin', org: 'HUB', role: 'ADMIN', regions: ['50'] })}`;
  });
  const gql = async (url: string, query: string) =>
    (
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: admin },
        body: JSON.stringify({ query }),
      })
    ).json() as Promise<any>;

  it('a registration and a suspension made on one reach the other within a few seconds', async () => {
    const db = `t_two_${randomBytes(4).toString('hex')}`;
    const [a, b] = await Promise.all([startHub(db), startHub(db)]);
    const reg = await gql(
      a,
      `mutation { registerDataSource(input: { name: "两江新区执法局", department: { code: "LJ-01", name: "两江新区" }, domain: ENFORCEMENT_CASE, kind: HOSTED, regions: ["500112", "500105"] }) { dataSource { id } } }`,
    );
    const id = reg.data.registerDataSource.dataSource.id;
    const waitFor = async (check: () => Promise<boolean>) => {
      const started = Date.now();
      while (!(await check())) {
        if (Date.now() - started > 10_000) throw new Error('not propagated within 10 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      return Date.now() - started;
    };
    const seenAfter = await waitFor(async () => (await gql(b, `{ dataSource(id: "${id}") { id } }`)).data.dataSource?.id === id);
    await gql(b, `mutation { suspendDataSource(id: "${id}", reason: "test") { status } }`);
    const suspendedAfter = await waitFor(
      async () => (await gql(a, `{ dataSource(id: "${id}") { status } }`)).data.dataSource.status === 'SUSPENDED',
    );
    expect(seenAfter).toBeLessThan(5000);
    expect(suspendedAfter).toBeLessThan(5000);
    process.stdout.write(
      `\nregistry propagation between two processes (refresh 500 ms): registration ${seenAfter} ms, suspension ${suspendedAfter} ms\n`,
    );
  });
});
