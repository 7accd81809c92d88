/**
 * Concurrent changes of one document lose nothing (datasources/store/ferretdb/claimed-writes.ts), on the real store:
 * FerretDB writes an update's whole document back without checking its filter again, so before claims
 * two procurators acknowledging one lead were both told it was stored while one note was lost, and a
 * health write could put a suspended source back to ACTIVE.
 */
import type { Collection } from 'mongodb';
import { Types } from 'mongoose';
import { ClaimedWrites, WRITE_CLAIMS_COLLECTION, type WriteClaim } from '../datasources/store/ferretdb/claimed-writes';
import { EvaluationLease } from '../datasources/services/evaluation';
import { newLead, type LeadDoc } from '../datasources/services/leads';
import { SourceHealthTracker, SOURCE_HEALTH_COLLECTION } from '../datasources/sources/health';
import { personId, registerTestSources } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

interface Counter {
  _id: string;
  version?: number;
  entries: number[];
  note?: string;
}

describe('claimed writes', () => {
  let t: TestHub;
  let claims: ClaimedWrites;
  let counters: Collection<Counter>;

  beforeAll(async () => {
    t = await startTestHub();
    // FerretDB's profile writes through claims (store/profile.ts)
    expect(t.hub.sources.claims).toBeInstanceOf(ClaimedWrites);
    claims = t.hub.sources.claims as ClaimedWrites;
    counters = t.connection.db!.collection<Counter>('claims_test_counters');
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('keeps every one of many concurrent changes of one document', async () => {
    await counters.insertOne({ _id: 'many', entries: [] });
    const writers = 16;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        claims.change(counters, 'many', (c) => ({ entries: [...c.entries, i] }), { attempts: writers + 1 }),
      ),
    );
    expect(results.every((r) => r.written)).toBe(true);
    const stored = await counters.findOne({ _id: 'many' });
    expect(stored!.version).toBe(writers);
    expect([...stored!.entries].sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => i));
    // One claim per version, each holding the change it wrote.
    const kept = await t.connection
      .db!.collection<WriteClaim>(WRITE_CLAIMS_COLLECTION)
      .find({ collection: 'claims_test_counters', doc: 'many' })
      .toArray();
    expect(kept.map((c) => c.version).sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
  }, 60_000);

  it('writes a version whose claimant died before writing it, then the next change on top', async () => {
    await counters.insertOne({ _id: 'orphan', entries: [1], version: 3 });
    // A writer claimed version 4 and stopped before writing it.
    await t.connection.db!.collection<WriteClaim>(WRITE_CLAIMS_COLLECTION).insertOne({
      _id: 'claims_test_counters:orphan:4',
      collection: 'claims_test_counters',
      doc: 'orphan',
      version: 4,
      set: { entries: [1, 2], note: 'claimed' },
      at: new Date(),
    });
    const r = await claims.change(counters, 'orphan', (c) => ({ entries: [...c.entries, 3] }));
    expect(r.written).toBe(true);
    expect(r.doc).toMatchObject({ version: 5, entries: [1, 2, 3], note: 'claimed' });
  });

  it('reads a document settled: a late write of an older version that covered the newest is written over again', async () => {
    await counters.insertOne({ _id: 'late', entries: [] });
    for (const n of [1, 2]) await claims.change(counters, 'late', (c) => ({ entries: [...c.entries, n] }));
    // what FerretDB's update can leave: the completion of version 1, read before version 2 was written, lands after it
    await counters.replaceOne({ _id: 'late' }, { entries: [1], version: 1 });
    expect(await counters.findOne({ _id: 'late' })).toMatchObject({ version: 1, entries: [1] });
    expect(await claims.settled(counters, 'late')).toMatchObject({ version: 2, entries: [1, 2] });
    expect(await counters.findOne({ _id: 'late' })).toMatchObject({ version: 2, entries: [1, 2] });
    // nothing to settle: the document as stored
    expect(await claims.settled(counters, 'late')).toMatchObject({ version: 2, entries: [1, 2] });
    expect(await claims.settled(counters, 'nobody')).toBeNull();
  });

  it('gives up with a clear error when others win every attempt, and leaves an unchanged document alone', async () => {
    await counters.insertOne({ _id: 'busy', entries: [] });
    const none = await claims.change(counters, 'busy', () => null);
    expect(none).toEqual({ doc: { _id: 'busy', entries: [] }, written: false });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => claims.change(counters, 'busy', (c) => ({ entries: [...c.entries, i] }), { attempts: 1 })),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled').length;
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toBeGreaterThanOrEqual(1);
    for (const o of lost) expect(String(o.reason.message)).toMatch(/claims_test_counters busy: changed by another writer 1 times in a row/);
    expect((await counters.findOne({ _id: 'busy' }))!.entries).toHaveLength(won);
  });

  it('lets exactly one of several procurators acknowledging one lead at once succeed, and keeps only that note', async () => {
    const lead = newLead(
      {
        rule: 'DATA_LATE_ENTRY',
        severity: 'LOW',
        idNumber: personId(7),
        region: '500101',
        numbers: { days: 9 },
        explanation: '录入迟延',
        explanationEn: 'entered late',
        fingerprint: 'claims-test',
      },
      [],
      '测试',
      new Date(),
    );
    const { insertedId } = await t.hub.sources.leads.models.Lead.collection.insertOne(lead as never);
    const id = (insertedId as Types.ObjectId).toHexString();
    const STATUS = `mutation($id: ID!, $note: String!) { updateLeadStatus(id: $id, status: ACKNOWLEDGED, note: $note) { status history { status note } } }`;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => t.gql(STATUS, { id, note: `核查 ${i}` })));
    const ok = answers.filter((a) => !a.body.errors);
    expect(ok).toHaveLength(1);
    for (const a of answers.filter((x) => x.body.errors)) {
      expect(a.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(a.body.errors[0].message).toMatch(
        /was changed by someone else just now \(it is ACKNOWLEDGED now\); read it again|a ACKNOWLEDGED lead can only become/,
      );
    }
    const winner = ok[0].body.data.updateLeadStatus.history[1].note;
    const stored = (await t.hub.sources.leads.models.Lead.collection.findOne({ _id: insertedId })) as unknown as LeadDoc;
    expect(stored.status).toBe('ACKNOWLEDGED');
    expect(stored.history.map((h) => [h.status, h.note])).toEqual([
      ['NEW', 'found by evaluation'],
      ['ACKNOWLEDGED', winner],
    ]);
  }, 60_000);

  it("keeps every one of several administrators' concurrent parameter changes", async () => {
    const CHANGE = `mutation($p: JSON!, $note: String!) { updateSupervisionRule(id: "DATA_LATE_ENTRY", parameters: $p, note: $note) { id } }`;
    // The first change creates the settings document; the ones after it race on its versions.
    expect((await t.admin(CHANGE, { p: { days: 20 }, note: '起始' })).body.errors).toBeUndefined();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => t.admin(CHANGE, { p: { days: 30 + i }, note: `第 ${i} 次` })));
    for (const a of answers) expect(a.body.errors).toBeUndefined();
    const settings = await t.hub.sources.leads.models.RuleSettings.collection.findOne({ _id: 'DATA_LATE_ENTRY' } as never);
    expect(settings!.changes.map((c: { note: string }) => c.note).sort()).toEqual(
      ['起始', ...Array.from({ length: 6 }, (_, i) => `第 ${i} 次`)].sort(),
    );
    expect(settings!.version).toBe(7);
    // The parameters in force are those of the last change written.
    expect(settings!.parameters).toEqual(settings!.changes[6].parameters);
  }, 60_000);

  it("keeps a source's suspension while its health is written at the same time, and health apart from the registry", async () => {
    const sources = await registerTestSources(t.hub.sources, '-claims');
    const source = sources.DETENTION;
    const registry = t.hub.sources.registry;
    const health = t.hub.sources.health;
    const stored = () => t.hub.sources.models.DataSource.collection.findOne({ _id: source._id });
    for (let round = 0; round < 12; round++) {
      const suspend = round % 2 === 0;
      await Promise.all([
        suspend ? registry.suspend(source._id.toHexString(), `第 ${round} 轮`) : registry.activate(source._id.toHexString()),
        ...Array.from({ length: 6 }, async (_, k) => {
          health.success(source, 10 + k, 1);
          await health.flush();
        }),
      ]);
      expect((await stored())!.status).toBe(suspend ? 'SUSPENDED' : 'ACTIVE');
    }
    // Health writes leave the registry document and its version alone; another process reads them.
    const doc = (await stored())!;
    expect(doc.version).toBe(source.version + 12);
    const saved = await t.connection.db!.collection(SOURCE_HEALTH_COLLECTION).findOne({ _id: source._id.toHexString() } as never);
    expect(saved).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: expect.any(Date) });
    const elsewhere = new SourceHealthTracker(t.hub.sources.models);
    await elsewhere.load();
    expect(elsewhere.current(doc as never).lastSuccessAt).toEqual(saved!.lastSuccessAt);
  }, 60_000);
  it('gives an expired evaluation lease to exactly one of several replicas, and a late renewal of the old holder does not take it back', async () => {
    const s = t.hub.sources;
    const lock = t.connection.db!.collection<{ _id: string; holder: string | null; until: Date }>('evaluation_lock');
    // Separate leases (as each evaluator holds one) stand for replicas: each decides on its own what the store tells it.
    const replicas = Array.from({ length: 8 }, () => new EvaluationLease({ connection: t.connection, claims: s.claims }));
    expect(await replicas[0].acquire('first')).toBe(true);
    for (let round = 0; round < 5; round++) {
      // A replica holds the lease and stalls past it (the lease document is never deleted: its versions go on).
      await claims.change(lock as never, 'evaluation', () => ({ holder: `dead-${round}`, until: new Date(Date.now() - 1000) }));
      const taken = await Promise.all(replicas.map((r, i) => r.acquire(`replica-${round}-${i}`)));
      expect(taken.filter(Boolean)).toHaveLength(1);
      const winner = `replica-${round}-${taken.indexOf(true)}`;
      expect((await lock.findOne({ _id: 'evaluation' }))!.holder).toBe(winner);
      // The replica whose run stalled past its lease wakes up: its renewal and release change nothing.
      expect(await replicas[0].renew(`dead-${round}`)).toBe(false);
      await replicas[0].release(`dead-${round}`);
      expect((await lock.findOne({ _id: 'evaluation' }))!.holder).toBe(winner);
      // While the winner holds it, nobody else takes it; once given back, the next one does.
      expect(await replicas[1].acquire('late')).toBe(false);
      expect(await replicas[2].renew(winner)).toBe(true);
      await replicas[3].release(winner);
      expect(await replicas[4].acquire(`next-${round}`)).toBe(true);
      await replicas[4].release(`next-${round}`);
    }
  }, 60_000);
});
