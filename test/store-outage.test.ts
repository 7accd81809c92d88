/**
 * The store going down mid-run: requests answer SERVICE_UNAVAILABLE and readiness turns 503, the
 * process keeps serving, and it recovers by itself when the store is back. A real FerretDB process
 * of its own is killed (SIGKILL) and restarted on the same port and data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedStore, type EmbeddedStore } from '../datasources/store/embedded/ferretdb';
import { FERRETDB_BIN } from './store-setup';
import { registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

describe('when the store goes down and comes back', () => {
  let store: EmbeddedStore;
  let t: TestHub;
  let dir: string;
  let ids: string[];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-outage-'));
    store = await startEmbeddedStore({ bin: FERRETDB_BIN, port: await freePort(), handler: 'sqlite', dataDir: dir, supervise: false });
    t = await startTestHub({ uri: store.uri, dbName: 'outage' });
    ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 2, 1);
  });
  afterAll(async () => {
    await t.close().catch(() => undefined);
    await store.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const query = 'query($id: IdNumber!) { person(idNumber: $id) { name detentions { totalCount } } }';

  it('answers SERVICE_UNAVAILABLE and 503 readiness while down, then recovers without a restart', async () => {
    expect((await t.gql(query, { id: ids[0] })).body.data.person.detentions.totalCount).toBe(1);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);

    await store.kill();

    const down = await t.gql(query, { id: ids[1] });
    expect(down.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    // the data call or the audit entry fails first: either way no data and SERVICE_UNAVAILABLE
    expect(down.body.errors[0].message).toMatch(/store is not reachable|could not be recorded in the audit trail/);
    expect(down.body.data?.person ?? null).toBeNull();
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^store: /) });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

    await store.restart();

    let recovered: any;
    for (let i = 0; i < 60 && !recovered?.data?.person; i++) {
      await new Promise((r) => setTimeout(r, 250));
      recovered = (await t.gql(query, { id: ids[1] })).body;
    }
    expect(recovered).toEqual({ data: { person: { name: '王伟', detentions: { totalCount: 1 } } } });
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});
