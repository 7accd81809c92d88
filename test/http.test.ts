import { startTestHub, type TestHub } from './helpers';

describe('the HTTP endpoints', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /healthz and /readyz while the store is up', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    // the test hub waits for its start-up work (helpers.ts), so it shows as done
    expect(await ready.json()).toEqual({ status: 'ready', store: 'test', startupWork: 'done' });
  });

  it('counts GraphQL operations by name and outcome on /metrics', async () => {
    await t.gql('query HubVersion { hubInfo { version } }');
    await t.gql('query BadOne { person(idNumber: "1") { name } }');
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${await t.token({ role: 'ANALYST' })}` } })).status).toBe(
      403,
    );
    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${await t.token({ role: 'ADMIN' })}` } });
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/hub_graphql_operations_total\{operation="HubVersion",outcome="OK"\} 1/);
    expect(text).toMatch(/hub_graphql_operations_total\{operation="BadOne",outcome="BAD_USER_INPUT"\} 1/);
    expect(text).toContain('process_resident_memory_bytes');
    // store round trips: timed from the pool always, and by command on this connection, which the
    // test helper opens with the driver's command monitoring (each answered request wrote its audit entry)
    expect(Number(/hub_store_round_trip_seconds_count (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(/hub_store_round_trip_seconds_sum ([\d.e-]+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toContain('hub_store_pool_wait_seconds_count');
    expect(Number(/hub_store_commands_total\{command="insert"\} (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(
      Number(/hub_store_command_duration_seconds_count\{command="insert",outcome="ok"\} (\d+)/.exec(text)?.[1]),
    ).toBeGreaterThanOrEqual(1);
    expect(Number(/hub_store_command_duration_seconds_sum\{command="insert",outcome="ok"\} ([\d.e-]+)/.exec(text)?.[1])).toBeGreaterThan(0);
  });

  it('refuses a GET without a preflight header (CSRF prevention) and batched array bodies', async () => {
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ hubInfo { version } }')}`);
    expect(get.status).toBe(400);
    const batch = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ hubInfo { version } }' }, { query: '{ hubInfo { version } }' }]),
    });
    expect(batch.status).toBe(400);
  });

  it('answers a malformed JSON body with 400, not a crash', async () => {
    const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
