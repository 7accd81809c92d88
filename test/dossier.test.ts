import { personId, registerTestSources, seedPersons, detentionInput } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

const DOSSIER = `query($id: IdNumber!) {
  person(idNumber: $id) {
    idNumber name gender birthDate region { code name }
    detentions { totalCount edges { cursor node { id domain externalId stage facility { name } region { code name } source { name kind } person { idNumber } } } }
    imprisonments { totalCount edges { node { id prison { name } sentence { kind termMonths startDate } status } } }
    corrections { totalCount edges { node { id correctionType status judgmentEffectiveAt } } }
    enforcementCases { totalCount edges { node { id category amountInvolved penalty { amount } } } }
  }
}`;

describe('person dossiers over the real store and HTTP', () => {
  let t: TestHub;
  let ids: string[];
  beforeAll(async () => {
    t = await startTestHub();
    const srcs = await registerTestSources(t.hub.sources);
    ids = await seedPersons(t.hub.sources, srcs, 5, 2);
  });
  afterAll(async () => {
    await t.close();
  });

  it('returns a person seen in all four domains with every kind of record', async () => {
    const { status, body } = await t.gql(DOSSIER, { id: ids[0] });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const p = body.data.person;
    expect(p).toMatchObject({
      idNumber: ids[0],
      name: '王伟',
      gender: 'FEMALE',
      birthDate: '1980-03-01',
      region: { code: '500101', name: '万州区' },
    });
    expect(p.detentions.totalCount).toBe(2);
    expect(p.imprisonments.totalCount).toBe(2);
    expect(p.corrections.totalCount).toBe(2);
    expect(p.enforcementCases.totalCount).toBe(2);
    const d = p.detentions.edges[0].node;
    expect(d).toMatchObject({
      domain: 'DETENTION',
      stage: 'INVESTIGATION',
      facility: { name: '重庆市万州区看守所' },
      source: { kind: 'HOSTED' },
      person: { idNumber: ids[0] },
    });
    expect(p.imprisonments.edges[0].node.sentence).toEqual({ kind: 'FIXED_TERM', termMonths: 36, startDate: '2023-01-10' });
  });

  it('accepts a lower-case x and a 15-digit number for the same person', async () => {
    const lower = ids.find((id) => id.endsWith('X'));
    if (lower) {
      const { body } = await t.gql('query($id: IdNumber!) { person(idNumber: $id) { idNumber } }', { id: lower.toLowerCase() });
      expect(body.data.person.idNumber).toBe(lower);
    }
    // ids[0] is 50010119800301100?; its 15-digit form drops the century and the check character
    const { body } = await t.gql('{ person(idNumber: "500101800301100") { idNumber } }');
    expect(body).toEqual({ data: { person: { idNumber: ids[0] } } });
  });

  it('answers null for a valid ID number no source knows', async () => {
    const { body } = await t.gql('query($id: IdNumber!) { person(idNumber: $id) { name } }', { id: personId(999, '500230') });
    expect(body).toEqual({ data: { person: null } });
  });

  it('rejects a bad check character as BAD_USER_INPUT naming the expected character (variable)', async () => {
    const { status, body } = await t.gql('query($id: IdNumber!) { person(idNumber: $id) { name } }', { id: '500101199001011234' });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toContain('check character should be X, got 4');
    expect(body.errors[0].message).toContain('$id');
  });

  it('rejects a bad check character as BAD_USER_INPUT in an inline argument too', async () => {
    const { body } = await t.gql('{ person(idNumber: "500101199001011234") { name } }');
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idNumber' });
    expect(body.errors[0].message).toBe(
      'idNumber: Expected value of type "IdNumber!", found "500101199001011234"; IdNumber 500101199001011234: check character should be X, got 4',
    );
    const filter = await t.gql('{ detentionRecords(filter: { regions: ["50"], eventTo: "2024-13-01T00:00:00Z" }) { totalCount } }');
    expect(filter.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventTo' });
  });

  it('serves many dossiers in the order asked, null for unknown persons', async () => {
    const unknown = personId(998, '500230');
    const { body } = await t.gql('query($ids: [IdNumber!]!) { persons(idNumbers: $ids) { idNumber detentions { totalCount } } }', {
      ids: [ids[2], unknown, ids[0]],
    });
    expect(body.data.persons).toEqual([
      { idNumber: ids[2], detentions: { totalCount: 2 } },
      null,
      { idNumber: ids[0], detentions: { totalCount: 2 } },
    ]);
  });

  it('refuses more ID numbers than the dossier limit, naming the field', async () => {
    const many = Array.from({ length: 501 }, (_, i) => personId(i));
    const { body } = await t.gql('query($ids: [IdNumber!]!) { persons(idNumbers: $ids) { idNumber } }', { ids: many });
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'idNumbers' } });
    expect(body.errors[0].message).toBe('idNumbers: at most 500 ID numbers per query, got 501');
  });

  it('pages a person connection with cursors', async () => {
    const q =
      'query($id: IdNumber!, $after: String) { person(idNumber: $id) { detentions(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { externalId } } } } }';
    const first = (await t.gql(q, { id: ids[1] })).body.data.person.detentions;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await t.gql(q, { id: ids[1], after: first.pageInfo.endCursor })).body.data.person.detentions;
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.edges[0].node.externalId).not.toBe(first.edges[0].node.externalId);
    expect(second.totalCount).toBe(2);
  });

  it('newer versions of a record replace older ones, older ones change nothing', async () => {
    const srcs = await registerTestSources(t.hub.sources);
    const id = personId(300, '500103');
    const v1 = detentionInput(id, 0, { region: '500103', updatedAt: '2024-10-01T09:00:00+08:00', stage: 'INVESTIGATION' });
    const v2 = { ...v1, updatedAt: '2024-10-02T09:00:00+08:00', stage: 'PROSECUTION_REVIEW' };
    expect(await t.hub.sources.ingestor.ingest(srcs.DETENTION, [v1])).toEqual({ accepted: 1, unchanged: 0, rejected: [] });
    expect(await t.hub.sources.ingestor.ingest(srcs.DETENTION, [v2])).toEqual({ accepted: 1, unchanged: 0, rejected: [] });
    expect(await t.hub.sources.ingestor.ingest(srcs.DETENTION, [v1, v2])).toEqual({ accepted: 0, unchanged: 2, rejected: [] });
    const { body } = await t.gql('query($id: IdNumber!) { person(idNumber: $id) { detentions { totalCount edges { node { stage } } } } }', {
      id,
    });
    expect(body.data.person.detentions).toEqual({ totalCount: 1, edges: [{ node: { stage: 'PROSECUTION_REVIEW' } }] });
  });

  it('rejects bad records with reasons while storing their good neighbours', async () => {
    const srcs = await registerTestSources(t.hub.sources);
    const id = personId(301, '500104');
    const good = detentionInput(id, 7, { region: '500104' });
    const badId = { ...detentionInput(id, 8, { region: '500104' }), idNumber: '500101199001011234' };
    const badDates = detentionInput(id, 9, { region: '500104', releasedAt: '2020-01-01T00:00:00+08:00' });
    const r = await t.hub.sources.ingestor.ingest(srcs.DETENTION, [good, badId, badDates, 'not an object']);
    expect(r.accepted).toBe(1);
    expect(r.rejected).toEqual([
      { index: 1, externalId: badId.externalId, reasons: ['idNumber: 500101199001011234: check character should be X, got 4'] },
      // released before admission, so before the stage began too (the fixture starts the stage on admission)
      {
        index: 2,
        externalId: badDates.externalId,
        reasons: ['releasedAt: must not be before admittedAt', 'releasedAt: must not be before stageStartedAt'],
      },
      { index: 3, externalId: null, reasons: ['record: must be a JSON object'] },
    ]);
  });
});
