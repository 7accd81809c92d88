/** The audit trail: an entry per operation, hash-chained, tamper-evident, one chain across processes. */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { AuditLog, verifyAuditChain, type AuditDraft } from '../datasources/services/audit';
import { connectStore } from '../datasources/store/connection';
import { signToken } from '../server/jwt';
import { registerTestSources, seedPersons } from './fixtures';
import { startHubProcess, startTestHub, TEST_JWT, type TestHub } from './helpers';

describe('the audit trail', () => {
  let t: TestHub;
  let ids: string[];
  beforeAll(async () => {
    t = await startTestHub();
    ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 2, 1);
  });
  afterAll(async () => {
    await t.close();
  });
  const entries = () =>
    t.connection
      .db!.collection<{ _id: number } & Record<string, any>>('audit_log')
      .find({}, { sort: { _id: 1 } })
      .toArray();

  it('records who asked what, for which purpose, and what came back, without personal values in clear', async () => {
    const before = (await entries()).length;
    await t.gql('query Dossier($id: IdNumber!) { person(idNumber: $id) { idNumber name detentions { edges { node { id } } } } }', {
      id: ids[0],
    });
    const all = await entries();
    expect(all.length).toBe(before + 1);
    const e = all[all.length - 1];
    expect(e).toMatchObject({
      actor: { kind: 'person', sub: 'test-procurator', org: 'TEST-ORG', role: 'PROCURATOR' },
      purpose: 'TEST-2025-001',
      operationName: 'Dossier',
      status: 'OK',
      errorCodes: [],
      failedSources: [],
    });
    expect(e.idNumbers).toEqual([t.hub.context().audit.personal(ids[0])]);
    expect(e.recordIds).toHaveLength(1);
    expect(JSON.parse(e.variables)).toEqual({ id: `hmac:${t.hub.context().audit.personal(ids[0])}` });
    expect(JSON.stringify(e)).not.toContain(ids[0]);
    expect(e.operationHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names what came back under an alias too', async () => {
    await t.gql(
      'query Dossier($id: IdNumber!) { person(idNumber: $id) { who: idNumber name detentions { edges { node { rid: id } } } } }',
      { id: ids[0] },
    );
    const plain = await t.gql('query Dossier($id: IdNumber!) { person(idNumber: $id) { detentions { edges { node { id } } } } }', {
      id: ids[0],
    });
    const all = await entries();
    const [aliased, unaliased] = all.slice(-2);
    expect(aliased.idNumbers).toEqual([t.hub.context().audit.personal(ids[0])]);
    expect(aliased.recordIds).toEqual([plain.body.data.person.detentions.edges[0].node.id]);
    // the second asked for no ID number, but its answer holds the person's records: the person is named all the same
    expect(unaliased.idNumbers).toEqual([t.hub.context().audit.personal(ids[0])]);
    expect(unaliased.recordIds).toEqual(aliased.recordIds);
  });

  it('records refused operations too', async () => {
    await t.gql('{ detentionRecords { totalCount } }', undefined, { authorization: '' });
    const all = await entries();
    expect(all[all.length - 1]).toMatchObject({ actor: { kind: 'anonymous' }, status: 'ERROR', errorCodes: ['UNAUTHENTICATED'] });
  });

  it('lists entries to administrators only', async () => {
    const { body } = await t.admin('{ auditLog(first: 2) { edges { node { seq operationName actor status } } pageInfo { hasNextPage } } }');
    expect(body.data.auditLog.edges).toHaveLength(2);
    expect(body.data.auditLog.edges[0].node.seq).toBeGreaterThan(body.data.auditLog.edges[1].node.seq);
    const denied = await t.gql('{ auditLog { edges { node { seq } } } }');
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('finds an entry edited in the store, and one deleted', async () => {
    for (let i = 0; i < 5; i++) await t.gql('{ hubInfo { version } }');
    expect(await verifyAuditChain(t.connection)).toMatchObject({ ok: true });
    const col = t.connection.db!.collection<{ _id: number }>('audit_log');
    const victim = (await entries())[2];
    await col.updateOne({ _id: victim._id }, { $set: { purpose: 'something else' } });
    expect(await verifyAuditChain(t.connection)).toMatchObject({
      ok: false,
      broken: { id: victim._id, reason: 'its content does not match its hash (edited)' },
    });
    await col.updateOne({ _id: victim._id }, { $set: { purpose: victim.purpose } });
    expect((await verifyAuditChain(t.connection)).ok).toBe(true);
    await col.deleteOne({ _id: victim._id + 1 });
    expect(await verifyAuditChain(t.connection)).toMatchObject({ ok: false, broken: { id: victim._id + 2 } });
  });
});

describe('the audit trail written by two processes in turn', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it('catches up with entries another process wrote meanwhile in a few lookups, not one per entry', async () => {
    // Two replicas behind a balancer take turns: each finds the other's entries on its next write.
    const mine = new AuditLog(t.connection, 'k'.repeat(32), 'probe');
    const other = new AuditLog(t.connection, 'k'.repeat(32), 'probe');
    const draft = (n: number): AuditDraft => ({
      at: new Date(),
      requestId: `catch-up-${n}`,
      actor: { kind: 'test' },
      purpose: null,
      operationName: 'CatchUp',
      operationHash: null,
      variables: null,
      idNumbers: [],
      recordIds: [],
      failedSources: [],
      sourcesCalled: [],
      status: 'OK',
      errorCodes: [],
      durationMs: 0,
      clientAddress: null,
    });
    await mine.append(draft(0));
    await Promise.all(Array.from({ length: 300 }, (_, i) => other.append(draft(i + 1))));
    t.resetCommands();
    const entry = await mine.append(draft(301));
    const on = (name: string) => t.commands.filter((c) => c.commandName === name && c.command[name] === 'audit_log').length;
    expect(on('insert')).toBe(2); // refused at the place it knew, then stored at the end
    expect(on('find')).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(300)) + 2);
    const all = await t.connection
      .db!.collection<{ _id: number }>('audit_log')
      .find({}, { projection: { _id: 1 } })
      .toArray();
    expect(entry._id).toBe(Math.max(...all.map((e) => e._id)));
    expect(entry._id).toBe(all.length);
    expect(entry.requestId).toBe('catch-up-301');
    expect(await verifyAuditChain(t.connection)).toMatchObject({ ok: true });
  });
});

describe('the audit trail across two hub processes', () => {
  const procs: ChildProcess[] = [];
  afterAll(() => {
    for (const p of procs) p.kill('SIGTERM');
  });

  function startHub(dbName: string): Promise<string> {
    const { url, child } = startHubProcess(dbName, {});
    procs.push(child);
    return url;
  }

  it('forms one valid chain from concurrent requests on both', async () => {
    const db = `t_audit_${randomBytes(4).toString('hex')}`;
    const [a, b] = await Promise.all([startHub(db), startHub(db)]);
    const auth = `Bearer ${await signToken(TEST_JWT, { sub: 'p', org: 'O', role: 'PROCURATOR', regions: ['50'] })}`;
    const call = (url: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ query: '{ hubInfo { version } }' }),
      }).then((r) => r.json() as Promise<any>);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => call(i % 2 ? a : b)));
    expect(results.every((r) => r.data?.hubInfo?.version)).toBe(true);
    const conn = await connectStore({ uri: process.env.HUB_TEST_URI!, dbName: db, timeoutMs: 3000 });
    try {
      const check = await verifyAuditChain(conn);
      expect(check).toEqual({ ok: true, entries: 60 });
    } finally {
      await conn.close();
    }
  });
});
