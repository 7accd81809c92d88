/**
 * A live source's health tells what really happened: calls skipped by its open circuit are counted
 * apart from the failures that opened it, the last real error stays, and timeouts count in the
 * latency at their full duration. A real REST department on 127.0.0.1 fails, then hangs.
 */
import { detentionInput, personId } from './fixtures';
import { startDepartment, type Department } from './departments';
import { startTestHub, type TestHub } from './helpers';

const REGISTER = `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id } } }`;
const TIMEOUT_MS = 500;

describe('live source health', () => {
  let t: TestHub;
  let d: Department;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await d?.close();
    await t.close();
  });

  it("keeps the real failures, the last real error and the timeouts' latency apart from the calls its open circuit skipped", async () => {
    const region = '500114';
    d = await startDepartment({ records: [detentionInput(personId(730, region), 1, { region, externalId: 'H-1' })] });
    const { body: reg } = await t.admin(REGISTER, {
      input: {
        name: '健康度看守所',
        department: { code: 'D-HEALTH', name: '健康度看守所' },
        domain: 'DETENTION',
        kind: 'REST',
        regions: [region],
        endpoint: d.url,
        timeoutMs: TIMEOUT_MS,
      },
    });
    expect(reg.errors).toBeUndefined();
    const id = reg.data.registerDataSource.dataSource.id;
    const list = () => t.gql(`{ detentionRecords(filter: { regions: ["${region}"] }) { edges { node { externalId } } } }`);
    const calls = () => d.requests.filter((r) => r.path === '/records').length;

    // a long healthy spell: 40 quick answers
    for (let i = 0; i < 40; i++) expect((await list()).body.errors).toBeUndefined();
    // then one failing call (tried twice), and three that hang past the timeout: the fifth failed
    // attempt opens the circuit
    d.setMode('fail500');
    expect((await list()).body.errors[0].message).toContain('HTTP 500');
    d.setMode('hanging');
    for (let i = 0; i < 3; i++) expect((await list()).body.errors[0].message).toContain(`no answer within ${TIMEOUT_MS} ms`);
    // twenty more asked for while the circuit is open: none is sent
    const sent = calls();
    for (let i = 0; i < 20; i++) expect((await list()).body.errors[0].message).toMatch(/circuit is open.*last error: .*no answer within/);
    expect(calls()).toBe(sent);

    const { body } = await t.gql(`{ dataSource(id: "${id}") { health { healthy consecutiveFailures lastError p95LatencyMs } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.dataSource.health).toEqual({
      healthy: false,
      consecutiveFailures: 4, // the calls that reached the source, not the 20 skipped
      lastError: `健康度看守所: no answer within ${TIMEOUT_MS} ms`,
      p95LatencyMs: TIMEOUT_MS, // 3 timeouts among 45 calls: above the 95th percentile's place
    });
    const { body: circuit } = await t.gql(`{ dataSource(id: "${id}") { health { skippedWhileOpen circuit } } }`);
    expect(circuit.data.dataSource.health).toEqual({ skippedWhileOpen: 20, circuit: 'OPEN' });
  }, 60_000);

  it('closes the circuit and clears the counts once the source answers its probe again', async () => {
    d.setMode('healthy');
    // the breaker lets a probe through 10 s after it opened
    await new Promise((r) => setTimeout(r, 10_500));
    const { body } = await t.gql(`{ detentionRecords(filter: { regions: ["500114"] }) { edges { node { externalId } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.detentionRecords.edges).toEqual([{ node: { externalId: 'H-1' } }]);
    const { body: h } = await t.gql(
      `{ dataSources(domain: DETENTION) { name health { healthy consecutiveFailures skippedWhileOpen circuit lastError } } }`,
    );
    expect(h.data.dataSources.find((s: any) => s.name === '健康度看守所').health).toEqual({
      healthy: true,
      consecutiveFailures: 0,
      skippedWhileOpen: 0,
      circuit: 'CLOSED',
      lastError: `健康度看守所: no answer within ${TIMEOUT_MS} ms`,
    });
  }, 30_000);
});
