/**
 * The hub as an Apollo Federation 2 subgraph (FEDERATION=subgraph) over real HTTP and the real store:
 * `Person` resolved as an entity through the request's loaders (the store commands of 10 and of 100
 * persons are those of `persons`), with the same authentication, purpose, jurisdiction and masking as
 * a direct query; the SDL for composing only for administrators; none of it without the setting.
 */
import { personId, registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';
import { operationHash } from '../datasources/services/trusted-operations';
import { canonical } from '../datasources/services/audit';
import { hashGatewayKey, parseGateways } from '../server/gateways';

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Person { idNumber name birthDate region { code } } }
}`;
const PERSONS = 'query($ids: [IdNumber!]!) { persons(idNumbers: $ids) { idNumber name birthDate region { code } } }';
const persons = (ids: string[]) => ids.map((idNumber) => ({ __typename: 'Person', idNumber }));

describe('the hub as a Federation 2 subgraph', () => {
  let t: TestHub;
  let ids: string[];
  beforeAll(async () => {
    // the MongoDB plan ($in batches), so that a batch of persons is one command per collection; no background refresh during the counts
    t = await startTestHub({ federation: true, batchLookup: 'in', registryRefreshMs: 3_600_000 });
    ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 100, 1);
    // the first request of a process reads the end of the audit chain, and of an operation text keeps the text: done before counting
    await t.gql('{ hubInfo { version } }');
    for (const text of [ENTITIES, PERSONS]) await t.hub.context().audit.keepOperation(operationHash(text), text);
  });
  afterAll(async () => {
    await t.close();
  });

  const commandsOf = async (query: string, variables: Record<string, unknown>) => {
    t.resetCommands();
    const { body } = await t.gql(query, variables);
    expect(body.errors).toBeUndefined();
    return t.commands.map((c) => c.commandName).sort();
  };

  it('resolves persons as entities, in the order asked, null for one no source knows', async () => {
    const unknown = personId(900);
    const { body } = await t.gql(ENTITIES, { representations: persons([ids[1], unknown, ids[0]]) });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { idNumber: ids[1], name: '王伟', birthDate: expect.any(String), region: { code: '500101' } },
      null,
      { idNumber: ids[0], name: '王伟', birthDate: expect.any(String), region: { code: '500101' } },
    ]);
  });

  it('costs the store what `persons` costs, for 10 persons as for 100', async () => {
    const ten = await commandsOf(ENTITIES, { representations: persons(ids.slice(0, 10)) });
    const hundred = await commandsOf(ENTITIES, { representations: persons(ids) });
    const direct = await commandsOf(PERSONS, { ids });
    expect(hundred).toEqual(ten);
    expect(hundred).toEqual(direct);
    // one find per record collection, and the audit entry
    expect(hundred.filter((c) => c === 'find')).toHaveLength(4);
  });

  it('resolves records as entities by id: 10 and 100 cost the same, unknown or malformed ids null', async () => {
    const RECORDS = `query($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on DetentionRecord { id caseNumber stage person { idNumber } } }
    }`;
    const { body: direct } = await t.gql(
      'query($ids: [IdNumber!]!) { persons(idNumbers: $ids) { detentions { edges { node { id } } } } }',
      {
        ids,
      },
    );
    const recordIds: string[] = direct.data.persons.map((p: any) => p.detentions.edges[0].node.id);
    const records = (list: string[]) => list.map((id) => ({ __typename: 'DetentionRecord', id }));
    const { body } = await t.gql(RECORDS, { representations: records([recordIds[3], 'f'.repeat(24), 'not-an-id', recordIds[0]]) });
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { id: recordIds[3], caseNumber: expect.any(String), stage: expect.any(String), person: { idNumber: ids[3] } },
      null,
      null,
      { id: recordIds[0], caseNumber: expect.any(String), stage: expect.any(String), person: { idNumber: ids[0] } },
    ]);
    const ten = await commandsOf(RECORDS, { representations: records(recordIds.slice(0, 10)) });
    const hundred = await commandsOf(RECORDS, { representations: records(recordIds) });
    expect(hundred).toEqual(ten);
    // one find on the custody collection by _id, and the audit entry
    expect(hundred.filter((c) => c === 'find')).toHaveLength(1);
    // another district's procurator: the records are in 500101
    const other = await t.gql(
      RECORDS,
      { representations: records([recordIds[0]]) },
      { authorization: `Bearer ${await t.token({ role: 'PROCURATOR', regions: ['500103'] })}`, 'x-purpose': 'CASE-2026-9' },
    );
    expect(other.body.data._entities).toEqual([null]);
  });

  it('names in the audit entry every person and record a gateway was given', async () => {
    const newest = async () =>
      (await t.admin('{ auditLog(first: 1) { edges { node { recordIds idNumbers } } } }')).body.data.auditLog.edges[0].node;
    // a person with only a name selected: named by the entry (the hub computes the HMAC of the filter's number)
    const { body } = await t.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { name } } }', {
      r: persons([ids[7]]),
    });
    expect(body.data._entities).toEqual([{ name: '王伟' }]);
    const named = (await newest()).idNumbers;
    const hmac = (
      await t.admin('query($id: IdNumber!) { auditLog(filter: { idNumber: $id }, first: 1) { edges { node { idNumbers } } } }', {
        id: ids[7],
      })
    ).body.data.auditLog.edges[0].node.idNumbers;
    expect(named).toEqual(hmac);
    // a record asked by id, with nothing of its person selected: the record and its person named
    const { body: direct } = await t.gql('query($id: IdNumber!) { person(idNumber: $id) { detentions { edges { node { id } } } } }', {
      id: ids[8],
    });
    const recordId = direct.data.person.detentions.edges[0].node.id;
    const asked = await t.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on DetentionRecord { caseNumber } } }', {
      r: [{ __typename: 'DetentionRecord', id: recordId }],
    });
    expect(asked.body.errors).toBeUndefined();
    expect(asked.body.data._entities).toEqual([{ caseNumber: expect.any(String) }]);
    const entry = await newest();
    expect(entry.recordIds).toEqual([recordId]);
    expect(entry.idNumbers).toHaveLength(1);
  });

  it('checks the caller as a direct query does: token, purpose, jurisdiction, masking', async () => {
    const representations = persons([ids[0]]);
    const none = await t.gql(ENTITIES, { representations }, { authorization: '' });
    expect(none.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(none.body.data?._entities ?? null).toBeNull();

    const noPurpose = await t.gql(ENTITIES, { representations }, { authorization: `Bearer ${await t.token({ role: 'PROCURATOR' })}` });
    expect(noPurpose.body.errors[0].extensions.code).toBe('FORBIDDEN');

    const department = await t.gql(ENTITIES, { representations }, { authorization: `Bearer ${await t.token({ role: 'DEPARTMENT' })}` });
    expect(department.body.errors[0].extensions.code).toBe('FORBIDDEN');

    // a procurator of another district: the person's records are all in 500101, so no person
    const yuzhong = await t.gql(
      ENTITIES,
      { representations },
      { authorization: `Bearer ${await t.token({ role: 'PROCURATOR', regions: ['500103'] })}`, 'x-purpose': 'CASE-2026-9' },
    );
    expect(yuzhong.body.errors).toBeUndefined();
    expect(yuzhong.body.data._entities).toEqual([null]);

    const analyst = await t.gql(ENTITIES, { representations }, { authorization: `Bearer ${await t.token({ role: 'ANALYST' })}` });
    expect(analyst.body.data._entities[0]).toMatchObject({ idNumber: `${ids[0].slice(0, 6)}********${ids[0].slice(14)}`, name: '王*' });
  });

  it('refuses a gateway key it does not know, and audits a direct call as one', async () => {
    const wrong = await t.gql(ENTITIES, { representations: persons([ids[1]]) }, { 'x-gateway-key': 'hubgw_not-a-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors[0]).toMatchObject({
      message: expect.stringContaining('this hub knows no gateways (FEDERATION_GATEWAYS)'),
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(wrong.body.data?._entities ?? null).toBeNull();
    const { body } = await t.admin('{ auditLog(first: 5) { edges { node { status errorCodes gateway actor } } } }');
    const entries = body.data.auditLog.edges.map((e: { node: { gateway: string | null } }) => e.node);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e: { gateway: string | null }) => e.gateway === null)).toBe(true);
    // the gateway is covered by the entry's hash, as every other field
    const entry = { _id: 1, at: new Date(0), requestId: 'r', actor: { kind: 'anonymous' }, purpose: null, operationName: null } as const;
    const draft = { ...entry, operationHash: null, variables: null, idNumbers: [], recordIds: [], failedSources: [], sourcesCalled: [] };
    const base = { ...draft, status: 'OK' as const, errorCodes: [], durationMs: 1, clientAddress: null, prevHash: '0' };
    expect(canonical({ ...base, via: { gateway: 'national' } })).not.toEqual(canonical(base));
  });

  it('gives the SDL for composing to administrators only', async () => {
    const sdl = await t.admin('{ _service { sdl } }');
    expect(sdl.body.errors).toBeUndefined();
    expect(sdl.body.data._service.sdl).toMatch(/type Person\s+@key\(fields: "idNumber"\)/);
    expect(sdl.body.data._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
    const procurator = await t.gql('{ _service { sdl } }');
    expect(procurator.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('has none of it without FEDERATION=subgraph', async () => {
    const plain = await startTestHub({ dbName: `${t.connection.name}_plain` });
    try {
      const { status, body } = await plain.admin('{ _service { sdl } }');
      expect(status).toBe(400);
      expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await plain.close();
    }
  });
});

describe('FEDERATION_GATEWAYS', () => {
  it('reads name:sha256 entries and names each bad one', () => {
    const hash = hashGatewayKey('hubgw_k');
    expect(parseGateways(` national:${hash} , `)).toEqual({ gateways: new Map([[hash, 'national']]), problems: [] });
    expect(parseGateways(`national:${hash},national:${'0'.repeat(64)},city:hubgw_k`).problems).toEqual([
      'entry 2: the name national is given twice',
      "entry 3 must be name:sha256 (a name of letters, digits, _ . -, and the key's SHA-256 in hex)",
    ]);
  });
});
