/**
 * Every disclosure is on the record (issue 23, item 6): an audit entry names every person and record
 * whose data is in the answer, whatever fields were selected, and keeps the operation's text (once
 * per text, personal values replaced), over real HTTP on the real store.
 */
import { createHash } from 'node:crypto';
import type { ObjectId } from 'mongodb';
import { verifyAuditChain } from '../datasources/services/audit';
import { registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

describe('the subjects and the text of every audited operation', () => {
  let t: TestHub;
  let ids: string[];
  beforeAll(async () => {
    t = await startTestHub();
    ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 3, 2);
  });
  afterAll(async () => {
    await t.close();
  });

  const hmac = (id: string) => t.hub.context().audit.personal(id);
  const entry = (requestId: string) => t.connection.db!.collection<Record<string, any>>('audit_log').findOne({ requestId });
  const texts = () => t.connection.db!.collection<{ _id: string; text: string }>('audit_operations');
  const recordIds = async (collection: string, idNumber: string) =>
    (
      await t.connection
        .db!.collection(collection)
        .find({ idNumber }, { projection: { _id: 1 } })
        .toArray()
    )
      .map((r) => r._id.toHexString())
      .sort();
  const as = (requestId: string, role: 'PROCURATOR' | 'ANALYST' = 'PROCURATOR') =>
    t.token({ role }).then((token) => ({ authorization: `Bearer ${token}`, 'x-purpose': 'AUDIT-2026-6', 'x-request-id': requestId }));

  it('names the person and every record of a dossier that selects only name and caseNumber', async () => {
    const { body } = await t.gql(
      'query Dossier($id: IdNumber!) { person(idNumber: $id) { name detentions { edges { node { caseNumber } } } enforcementCases { edges { node { caseNumber } } } } }',
      { id: ids[0] },
      await as('dossier-name-only'),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.person.detentions.edges).toHaveLength(2);
    const e = (await entry('dossier-name-only'))!;
    expect(e.idNumbers).toEqual([hmac(ids[0])]);
    expect([...e.recordIds].sort()).toEqual(
      [...(await recordIds('detention_records', ids[0])), ...(await recordIds('enforcement_cases', ids[0]))].sort(),
    );
    expect(JSON.parse(e.variables)).toEqual({ id: `hmac:${hmac(ids[0])}` });
  });

  it('names every person and record of a list page, with no idNumber or id selected', async () => {
    const { body } = await t.gql('{ detentionRecords(first: 100) { edges { node { stage } } } }', undefined, await as('list-stage-only'));
    expect(body.data.detentionRecords.edges).toHaveLength(6);
    const e = (await entry('list-stage-only'))!;
    expect([...e.idNumbers].sort()).toEqual(ids.map(hmac).sort());
    expect([...e.recordIds].sort()).toEqual((await Promise.all(ids.map((id) => recordIds('detention_records', id)))).flat().sort());
  });

  it('names the person and the lead of a supervision lead read only for its explanation', async () => {
    const run = await t.gql('mutation { evaluateRules { newLeads } }');
    expect(run.body.data.evaluateRules.newLeads).toBeGreaterThan(0);
    const { body } = await t.gql(
      '{ supervisionLeads(first: 100) { edges { node { explanation } } } }',
      undefined,
      await as('leads-explanation-only'),
    );
    expect(body.errors).toBeUndefined();
    const leads = await t.connection.db!.collection<{ _id: ObjectId; idNumber: string }>('supervision_leads').find({}).toArray();
    expect(body.data.supervisionLeads.edges).toHaveLength(leads.length);
    const e = (await entry('leads-explanation-only'))!;
    expect([...e.idNumbers].sort()).toEqual([...new Set(leads.map((l) => hmac(l.idNumber)))].sort());
    expect([...e.recordIds].sort()).toEqual(leads.map((l) => l._id.toHexString()).sort());
  });

  it('names a person an analyst saw masked by the HMAC of the ID number itself', async () => {
    const { body } = await t.gql(`{ person(idNumber: "${ids[1]}") { idNumber } }`, undefined, await as('analyst-masked', 'ANALYST'));
    expect(body.data.person.idNumber).toContain('********');
    expect((await entry('analyst-masked'))!.idNumbers).toEqual([hmac(ids[1])]);
  });

  it('keeps the operation text once per text, with ID numbers and names in it replaced by their HMAC', async () => {
    const query = `query Literal { person(idNumber: "${ids[2]}") { name } detentionRecords(filter: { idNumber: "${ids[2]}" }) { totalCount } }`;
    await t.gql(query, undefined, await as('text-1'));
    await t.gql(query, undefined, await as('text-2'));
    const [one, two] = [(await entry('text-1'))!, (await entry('text-2'))!];
    expect(one.operationTextHash).toMatch(/^[0-9a-f]{64}$/);
    expect(two.operationTextHash).toBe(one.operationTextHash);
    expect(await texts().countDocuments({ _id: one.operationTextHash })).toBe(1);
    const stored = (await texts().findOne({ _id: one.operationTextHash }))!;
    expect(stored.text).toBe(query.replaceAll(ids[2], `hmac:${hmac(ids[2])}`));
    expect(createHash('sha256').update(stored.text).digest('hex')).toBe(one.operationTextHash);
    expect(one.idNumbers).toEqual([hmac(ids[2])]);
    // a name given inline is kept as its HMAC, like a name in the variables
    const named =
      'mutation { registerDataSource(input: { name: "王伟的系统", department: { code: "X-1", name: "某局" }, domain: PRISON, kind: HOSTED, regions: ["50"] }) { apiKey } }';
    await t.admin(named);
    const last = await t.connection
      .db!.collection<Record<string, any>>('audit_log')
      .find({}, { sort: { _id: -1 }, limit: 1 })
      .next();
    const text = (await texts().findOne({ _id: last!.operationTextHash }))!.text;
    expect(text).not.toContain('王伟');
    expect(text).toContain(`name: "hmac:${hmac('王伟的系统')}"`);
  });

  it("answers an administrator who asks who saw one person, with each operation's text", async () => {
    const { body } = await t.admin(
      'query($id: IdNumber!) { auditLog(first: 100, filter: { idNumber: $id }) { edges { node { requestId purpose operationText } } } }',
      { id: ids[0] },
    );
    expect(body.errors).toBeUndefined();
    const nodes = body.data.auditLog.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.requestId)).toEqual(expect.arrayContaining(['dossier-name-only', 'list-stage-only']));
    expect(nodes.map((n: any) => n.requestId)).not.toContain('analyst-masked'); // another person
    expect(nodes.find((n: any) => n.requestId === 'dossier-name-only')).toEqual({
      requestId: 'dossier-name-only',
      purpose: 'AUDIT-2026-6',
      operationText:
        'query Dossier($id: IdNumber!) { person(idNumber: $id) { name detentions { edges { node { caseNumber } } } enforcementCases { edges { node { caseNumber } } } } }',
    });
  });

  it('keeps the chain verifiable, and finds an operation text edited in the store', async () => {
    expect(await verifyAuditChain(t.connection)).toMatchObject({ ok: true });
    const e = (await entry('text-1'))!;
    await texts().updateOne({ _id: e.operationTextHash }, { $set: { text: '{ hubInfo { version } }' } });
    const check = await verifyAuditChain(t.connection);
    expect(check.ok).toBe(false);
    expect(check.broken!.reason).toBe(`its operation text ${e.operationTextHash} does not match its hash (edited)`);
  });
});
