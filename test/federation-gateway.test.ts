/**
 * The hub composed with a second subgraph (examples/federation: a court's judgments extending Person)
 * and queried through a real gateway process (Hive Gateway's runtime): the composition of this
 * checkout's SDL must succeed (a change that breaks it fails here, in CI), a person's custody records
 * from the hub and judgments from the other subgraph come back joined, and the end caller's token and
 * purpose decide what the hub answers, as for a direct call.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeSupergraph } from '../examples/federation/compose';
import { judgmentsOf, judgmentsSchema } from '../examples/federation/judgments';
import { registerTestSources, seedPersons } from './fixtures';
import { freePort } from '../datasources/store/embedded/ferretdb';
import { projectRoot } from '../server/paths';
import { hashGatewayKey, newGatewayKey } from '../server/gateways';
import { startTestHub, type TestHub, until } from './helpers';

const JOINED = `query($id: IdNumber!) {
  person(idNumber: $id) { idNumber name detentions { totalCount } judgments { caseNumber court verdict } }
}`;

describe('the hub in a supergraph, through a real gateway', () => {
  let t: TestHub;
  let ids: string[];
  let judgments: ApolloServer;
  let gateway: ChildProcess;
  let gatewayUrl: string;
  let dir: string;
  let gatewayOut = () => '';
  const gatewayKey = newGatewayKey();

  beforeAll(async () => {
    t = await startTestHub({ federation: true, gateways: new Map([[hashGatewayKey(gatewayKey), 'test-gateway']]) });
    ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 3, 2);
    judgments = new ApolloServer({ schema: judgmentsSchema(), plugins: [ApolloServerPluginInlineTraceDisabled()] });
    const { url: judgmentsUrl } = await startStandaloneServer(judgments, { listen: { port: 0, host: '127.0.0.1' } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-supergraph-'));
    const supergraph = path.join(dir, 'supergraph.graphql');
    fs.writeFileSync(supergraph, composeSupergraph({ hub: `${t.url}/graphql`, judgments: judgmentsUrl }));
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}/graphql`;
    gateway = spawn(
      process.execPath,
      [
        path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'),
        'examples/federation/gateway.ts',
        '--supergraph',
        supergraph,
        '--port',
        String(port),
      ],
      { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HUB_GATEWAY_KEY: gatewayKey } },
    );
    let out = '';
    gatewayOut = () => out;
    gateway.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    gateway.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    await until('the gateway listening', () => out.includes('gateway at'), 60_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${out}`);
    });
  }, 120_000);
  afterAll(async () => {
    if (process.env.DEBUG_GATEWAY) console.log(gatewayOut());
    gateway?.kill('SIGTERM');
    await judgments?.stop();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const through = async (variables: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: JOINED, variables }),
    });
    return (await res.json()) as { data?: { person: unknown } | null; errors?: { message: string; extensions?: { code?: string } }[] };
  };
  const procurator = async (regions = ['50']) => ({
    authorization: `Bearer ${await t.token({ role: 'PROCURATOR', regions })}`,
    'x-purpose': 'CASE-2026-28',
  });

  it("joins a person's custody records from the hub with the court's judgments", async () => {
    const body = await through({ id: ids[0] }, await procurator());
    expect(body.errors).toBeUndefined();
    expect(body.data!.person).toEqual({
      idNumber: ids[0],
      name: '王伟',
      detentions: { totalCount: 2 },
      judgments: judgmentsOf(ids[0]).map(({ caseNumber, court, verdict }) => ({ caseNumber, court, verdict })),
    });
    // the hub's audit entry names the end caller, the purpose and the gateway (its key checked)
    const audit = await t.admin(
      'query($id: IdNumber!) { auditLog(filter: { idNumber: $id }, first: 5) { edges { node { actor purpose gateway } } } }',
      { id: ids[0] },
    );
    expect(audit.body.data.auditLog.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      actor: expect.objectContaining({ kind: 'person', sub: 'test-procurator', role: 'PROCURATOR' }),
      purpose: 'CASE-2026-28',
      gateway: 'test-gateway',
    });
  });

  it("masks an analyst's person, and the other subgraph, given the masked key, names nobody", async () => {
    const body = await through({ id: ids[0] }, { authorization: `Bearer ${await t.token({ role: 'ANALYST' })}` });
    expect(body.errors).toBeUndefined();
    expect(body.data!.person).toEqual({
      idNumber: `${ids[0].slice(0, 6)}********${ids[0].slice(14)}`,
      name: '王*',
      detentions: { totalCount: 2 },
      judgments: [],
    });
  });

  it("gives a district's procurator only the district, and a caller without a token nothing", async () => {
    // the seeded persons' records are all in 万州区 (500101)
    const other = await through({ id: ids[0] }, await procurator(['500103']));
    expect(other.data?.person ?? null).toBeNull();
    const none = await through({ id: ids[0] }, {});
    expect(none.data?.person ?? null).toBeNull();
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const noPurpose = await through({ id: ids[0] }, { authorization: (await procurator()).authorization });
    expect(noPurpose.data?.person ?? null).toBeNull();
    expect(noPurpose.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('tells the caller of a live source that did not answer, as a direct call does', async () => {
    const { body: reg } = await t.admin(
      `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id } } }`,
      {
        input: {
          name: '万州区看守所 直连系统',
          department: { code: 'KSS-GW-DOWN', name: '万州区看守所' },
          domain: 'DETENTION',
          kind: 'REST',
          regions: ['500101'],
          // nothing listens there: every call is refused
          endpoint: `http://127.0.0.1:${await freePort()}`,
        },
      },
    );
    expect(reg.errors).toBeUndefined();
    const body = await through({ id: ids[1] }, await procurator());
    // the hub's stored records are there, the judgments too, and the warning names the source
    expect(body.data!.person).toMatchObject({ detentions: { totalCount: 2 }, judgments: expect.any(Array) });
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('万州区看守所 直连系统'),
        extensions: expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', sourceId: reg.data.registerDataSource.dataSource.id }),
      }),
    ]);
  });
});
