/**
 * A department whose system is a Federation 2 subgraph, registered as a SUBGRAPH source (issue 28,
 * item 4): a real subgraph (@apollo/subgraph, graphql-js) on 127.0.0.1 in the department's own names,
 * read by the hub through `_entities` for dossiers and batches of persons, left out of lists and
 * statistics with its name, read person by person by the full evaluation, and checked at
 * registration (entity, key, field) with what is missing in its health.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { planSubgraph, withoutNulls } from '../datasources/sources/connectors/subgraph';
import { detentionInput, personId, prisonInput, registerTestSources } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

/** The department's subgraph: its custody records under its own names (bianhao, jigou), with fields the hub does not know. */
const DEPARTMENT_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Person @key(fields: "idNumber") {
    idNumber: String!
    custody: [Custody!]!
  }

  type Unit { code: String! name: String! phone: String }

  type Extension { grantedAt: String! months: Int! approvedBy: String! }

  type Custody {
    bianhao: String!
    name: String!
    region: String!
    eventAt: String!
    updatedAt: String!
    jigou: Unit!
    caseNumber: String!
    handlingAuthority: String!
    stage: String!
    caseFlags: [String!]
    admittedAt: String!
    stageStartedAt: String!
    stageDeadline: String
    extensions: [Extension!]
    releasedAt: String
    "the department's own note: not a field of the hub's records"
    remark: String
  }

  type Query { ping: String }
`;

interface Subgraph {
  url: string;
  bodies: { query: string; variables?: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** Serves `sdl` as a subgraph; `custody` answers the records given for each ID number, in the department's names. */
async function startSubgraph(sdl: string, records: Record<string, unknown>[]): Promise<Subgraph> {
  const byPerson = new Map<string, Record<string, unknown>[]>();
  for (const r of records) {
    const { idNumber, externalId, facility, ...rest } = r as { idNumber: string; externalId: string; facility: object };
    byPerson.set(idNumber, [
      ...(byPerson.get(idNumber) ?? []),
      { ...rest, bianhao: externalId, jigou: { ...facility, phone: '023-00000000' }, remark: '内部备注' },
    ]);
  }
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(sdl),
      resolvers: {
        Person: {
          __resolveReference: (ref: { idNumber: string }) => ({ idNumber: ref.idNumber }),
          custody: (p: { idNumber: string }) => byPerson.get(p.idNumber) ?? [],
        },
      } as never,
    },
  ]);
  const bodies: Subgraph['bodies'] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text) as Subgraph['bodies'][number];
      bodies.push(body);
      void graphql({ schema, source: body.query, variableValues: body.variables }).then((result) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const REGISTER = `mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id kind entityField } } }`;
const SOURCE = `query($id: ID!) { dataSource(id: $id) { health { healthy lastError consecutiveFailures } } }`;

describe('a department subgraph as a SUBGRAPH source', () => {
  let t: TestHub;
  const subgraphs: Subgraph[] = [];
  const region = '500101';
  const known = personId(801, region); // also has a hosted prison record: the full run knows them
  const others = Array.from({ length: 30 }, (_, i) => personId(820 + i, region));
  const records = [
    // an investigation stage since 2024: past its limit today
    detentionInput(known, 1, { externalId: 'SG-KNOWN-1', region }),
    ...others.map((id, i) => detentionInput(id, i, { externalId: `SG-${i}`, region, stage: 'FIRST_INSTANCE' })),
  ];
  let subgraph: Subgraph;
  let sourceId: string;

  beforeAll(async () => {
    t = await startTestHub();
    subgraph = await startSubgraph(DEPARTMENT_SDL, records);
    subgraphs.push(subgraph);
    const hosted = await registerTestSources(t.hub.sources, '-subgraph');
    expect((await t.hub.sources.ingestor.ingest(hosted.PRISON, [prisonInput(known, 1, { region, externalId: 'P-SG-1' })])).accepted).toBe(
      1,
    );
    const { body } = await t.admin(REGISTER, {
      input: {
        name: '万州区看守所 子图',
        department: { code: 'KSS-SG', name: '万州区看守所' },
        domain: 'DETENTION',
        kind: 'SUBGRAPH',
        regions: [region],
        endpoint: subgraph.url,
        entityField: 'custody',
        mapping: { bianhao: 'externalId', jigou: 'facility' },
      },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.registerDataSource.dataSource).toMatchObject({ kind: 'SUBGRAPH', entityField: 'custody' });
    sourceId = body.data.registerDataSource.dataSource.id;
  }, 60_000);
  afterAll(async () => {
    await Promise.all(subgraphs.map((s) => s.close()));
    await t.close();
  });

  it("answers a dossier through _entities, in the hub's names, selecting only fields the hub knows", async () => {
    const { body } = await t.gql(
      `query($id: IdNumber!) { person(idNumber: $id) { name
        detentions { totalCount edges { node { externalId stage facility { code name } source { id kind } } } } } }`,
      { id: known },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.person.detentions).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            externalId: 'SG-KNOWN-1',
            stage: 'INVESTIGATION',
            facility: { code: 'KSS-500101', name: '重庆市万州区看守所' },
            source: { id: sourceId, kind: 'SUBGRAPH' },
          },
        },
      ],
    });
    const entities = subgraph.bodies.filter((b) => b.query.includes('_entities'));
    expect(entities.length).toBeGreaterThan(0);
    const last = entities.at(-1)!;
    expect(last.variables).toEqual({ representations: [{ __typename: 'Person', idNumber: known }] });
    // the department's own fields stay unasked: the record would fail the hub's check with them
    expect(last.query).not.toMatch(/remark|phone/);
    expect(last.query).toMatch(/custody \{ bianhao name region eventAt updatedAt jigou \{ code name \}/);
  });

  it('asks for a batch of persons in one request', async () => {
    const before = subgraph.bodies.length;
    const { body } = await t.gql('query($ids: [IdNumber!]!) { persons(idNumbers: $ids) { idNumber detentions { totalCount } } }', {
      ids: others,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.persons.map((p: any) => p.detentions.totalCount)).toEqual(others.map(() => 1));
    const sent = subgraph.bodies.slice(before);
    expect(sent).toHaveLength(1);
    expect((sent[0].variables!.representations as unknown[]).length).toBe(30);
  });

  it('is left out of lists and statistics, named, without counting as a failure; a list of one person includes it', async () => {
    const before = subgraph.bodies.length;
    const { body } = await t.gql(`{ detentionRecords(filter: { regions: ["${region}"] }, first: 5) { totalCount } }`);
    expect(body.data.detentionRecords.totalCount).toBe(0);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('is a SUBGRAPH source: it answers a person'),
        extensions: expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', sourceId, reason: 'READ_BY_PERSON_ONLY' }),
      }),
    ]);
    expect(subgraph.bodies.length).toBe(before); // not called
    const { body: stats } = await t.gql(
      `{ statistics(domain: DETENTION, groupBy: [REGION], filter: { regions: ["${region}"] }) { count } }`,
    );
    expect(stats.errors?.map((e: any) => e.extensions.reason)).toEqual(['READ_BY_PERSON_ONLY']);

    const { body: one } = await t.gql(
      `query($id: IdNumber!) { detentionRecords(filter: { idNumber: $id }) { totalCount edges { node { externalId } } } }`,
      { id: known },
    );
    expect(one.errors).toBeUndefined();
    expect(one.data.detentionRecords).toEqual({ totalCount: 1, edges: [{ node: { externalId: 'SG-KNOWN-1' } }] });

    const { body: h } = await t.admin(SOURCE, { id: sourceId });
    expect(h.data.dataSource.health).toMatchObject({ healthy: true, consecutiveFailures: 0 });
  });

  it("raises a lead in the full run from the subgraph's records of persons the hub knows", async () => {
    const { body } = await t.gql('mutation { evaluateRules(rules: ["DET_OVERDUE_STAGE"]) { newLeads unavailableSources } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.evaluateRules.unavailableSources).toEqual([]);
    const { body: leads } = await t.gql(
      `query($id: IdNumber!) { supervisionLeads(filter: { idNumber: $id, rules: ["DET_OVERDUE_STAGE"] }) { totalCount edges { node { records { externalId source { id } } } } } }`,
      { id: known },
    );
    expect(leads.errors).toBeUndefined();
    expect(leads.data.supervisionLeads.totalCount).toBe(1);
    expect(leads.data.supervisionLeads.edges[0].node.records).toEqual([{ externalId: 'SG-KNOWN-1', source: { id: sourceId } }]);
    // the persons the hub knows were asked in batches: the one with a hosted record among them
    const asked = subgraph.bodies
      .filter((b) => b.query.includes('_entities'))
      .flatMap((b) => (b.variables!.representations as { idNumber: string }[]).map((r) => r.idNumber));
    expect(asked).toContain(known);
  });

  it('refuses an entityField on other kinds, or one that is not a field name, naming the field', async () => {
    const input = (o: Record<string, unknown>) => ({
      input: { name: `子图-${Math.random()}`, department: { code: 'KSS-SG2', name: '某所' }, domain: 'DETENTION', regions: [region], ...o },
    });
    const rest = await t.admin(REGISTER, input({ kind: 'REST', endpoint: subgraph.url, entityField: 'custody' }));
    expect(rest.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entityField' });
    expect(rest.body.errors[0].message).toContain('only SUBGRAPH sources have an entityField');
    const bad = await t.admin(REGISTER, input({ kind: 'SUBGRAPH', endpoint: subgraph.url, entityField: '1custody' }));
    expect(bad.body.errors[0].message).toContain('"1custody" is not a GraphQL field name');
  });

  it('shows in its health what a subgraph lacks: here the field', async () => {
    const other = await startSubgraph(DEPARTMENT_SDL, []);
    subgraphs.push(other);
    const { body } = await t.admin(REGISTER, {
      input: {
        name: '黔江区看守所 子图',
        department: { code: 'KSS-SG3', name: '黔江区看守所' },
        domain: 'DETENTION',
        kind: 'SUBGRAPH',
        regions: ['500114'],
        endpoint: other.url,
      },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.registerDataSource.dataSource.entityField).toBe('detentionRecords');
    const id = body.data.registerDataSource.dataSource.id;
    let health: any;
    for (let i = 0; i < 100 && !health?.lastError; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = (await t.admin(SOURCE, { id })).body.data.dataSource.health;
    }
    expect(health).toMatchObject({ healthy: false, lastError: expect.stringContaining('its Person has no field detentionRecords') });
  });
});

describe('planning the entities query from a subgraph SDL', () => {
  const source = { domain: 'DETENTION' as const, entityField: 'custody', mapping: { bianhao: 'externalId', jigou: 'facility' } };

  it('names what is missing', () => {
    expect(() => planSubgraph(source, 'type Query { a: Int }')).toThrow('its SDL has no type Person');
    expect(() => planSubgraph(source, 'type Person { idNumber: String custody: [String] }')).toThrow('not an entity keyed by idNumber');
    expect(() => planSubgraph(source, 'type Person @key(fields: "idNumber") { idNumber: String }')).toThrow('has no field custody');
    expect(() =>
      planSubgraph(source, 'type Person @key(fields: "idNumber") { idNumber: String custody: [X] } type X { other: Int }'),
    ).toThrow('its X (Person.custody) has none of the fields of DETENTION records');
    expect(() => planSubgraph(source, 'type Person {')).toThrow('its SDL does not parse');
  });

  it('selects the known fields, nested ones too; a JSON scalar field whole; the key under its mapped name', () => {
    const plan = planSubgraph(source, DEPARTMENT_SDL);
    expect(plan.query).toContain('extensions { grantedAt months approvedBy }');
    expect(plan.idNumberField).toBe('idNumber');
    const json = planSubgraph(
      { domain: 'DETENTION', entityField: null, mapping: { sfzh: 'idNumber' } },
      'extend type Person @key(fields: "idNumber") { idNumber: String! detentionRecords: [JSON] } scalar JSON',
    );
    expect(json.query).toContain('... on Person { detentionRecords } }');
    expect(json.idNumberField).toBe('sfzh');
  });

  it('reads null as absent, at every depth', () => {
    expect(withoutNulls({ a: null, b: [{ c: null, d: 1 }], e: { f: null } })).toEqual({ b: [{ d: 1 }], e: {} });
  });
});
