import { detentionInput, personId, registerTestSources } from './fixtures';
import { startTestHub, type TestHub } from './helpers';
import type { Domain } from '../domain/records';
import type { DataSourceDoc } from '../datasources/store/models';

describe('ingest: idempotent, versioned, never losing good records', () => {
  let t: TestHub;
  let srcs: Record<Domain, DataSourceDoc>;
  beforeAll(async () => {
    t = await startTestHub();
    srcs = await registerTestSources(t.hub.sources);
  });
  afterAll(async () => {
    await t.close();
  });

  const batch = (from: number, n: number, updated = '2024-10-01T09:00:00+08:00') =>
    Array.from({ length: n }, (_, i) => detentionInput(personId(from + i), from + i, { updatedAt: updated }));
  const count = () => t.hub.sources.models.records.DETENTION.countDocuments({ sourceId: srcs.DETENTION._id });

  it('stores new records, then takes only the new and newer ones from a mixed batch', async () => {
    expect(await t.hub.sources.ingestor.ingest(srcs.DETENTION, batch(0, 50))).toEqual({ accepted: 50, unchanged: 0, rejected: [] });
    const mixed = [...batch(40, 10, '2024-10-05T09:00:00+08:00'), ...batch(0, 10), ...batch(50, 5)];
    expect(await t.hub.sources.ingestor.ingest(srcs.DETENTION, mixed)).toEqual({ accepted: 15, unchanged: 10, rejected: [] });
    expect(await count()).toBe(55);
  });

  // (mongoose runs with sanitizeFilter on, so operator filters go through the driver collection here too)
  it('leaves one copy of each record when the same batch is pushed five times at once', async () => {
    const same = batch(100, 40);
    const results = await Promise.all(Array.from({ length: 5 }, () => t.hub.sources.ingestor.ingest(srcs.DETENTION, same)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(40);
    expect(results.reduce((n, r) => n + r.unchanged, 0)).toBe(160);
    expect(
      await t.hub.sources.models.records.DETENTION.collection.countDocuments({ externalId: { $in: same.map((r) => r.externalId) } }),
    ).toBe(40);
  });

  it('keeps the newest version when older and newer pushes race', async () => {
    const old = batch(200, 20, '2024-10-01T09:00:00+08:00');
    const newer = batch(200, 20, '2024-10-09T09:00:00+08:00').map((r) => ({ ...r, stage: 'PROSECUTION_REVIEW' }));
    await Promise.all([t.hub.sources.ingestor.ingest(srcs.DETENTION, old), t.hub.sources.ingestor.ingest(srcs.DETENTION, newer)]);
    const stored = await t.hub.sources.models.records.DETENTION.collection
      .find({ externalId: { $in: old.map((r) => r.externalId) } })
      .toArray();
    expect(stored).toHaveLength(20);
    expect(new Set(stored.map((r) => r.stage))).toEqual(new Set(['PROSECUTION_REVIEW']));
  });

  // FerretDB 1.24 checks a replace's filter (`updatedAt` older than the new version) on its read and
  // writes back without a lock, so of concurrent corrections an older one can land last.
  it('keeps the newest version when eight corrections of stored records race', async () => {
    const stored = batch(400, 30, '2024-10-01T09:00:00+08:00');
    expect((await t.hub.sources.ingestor.ingest(srcs.DETENTION, stored)).accepted).toBe(30);
    const version = (k: number) => `2024-10-${String(10 + k).padStart(2, '0')}T09:00:00+08:00`;
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map((k) => t.hub.sources.ingestor.ingest(srcs.DETENTION, batch(400, 30, version(k)))),
    );
    const rows = await t.hub.sources.models.records.DETENTION.collection
      .find({ externalId: { $in: stored.map((r) => r.externalId) } })
      .toArray();
    expect(rows).toHaveLength(30);
    expect(rows.filter((r) => r.updatedAt.getTime() !== new Date(version(8)).getTime()).length).toBe(0);
    // the newest push was told all its records were taken
    expect(results[7]).toEqual({ accepted: 30, unchanged: 0, rejected: [] });
  });

  // FerretDB 1.24 keeps a PostgreSQL connection for every single-document update of a command until
  // the command ends (handler/msg_update.go closes its iterators on return), so one command with more
  // updates than its pool has connections waits forever, and the whole store with it. A push that
  // corrects 300 stored records at once, from four pushes at a time, must neither hang nor lose one.
  it('takes a push of 300 corrected records, four pushes at once, without stalling the store', async () => {
    const ids = (k: number) =>
      Array.from({ length: 300 }, (_, i) =>
        detentionInput(personId(1000 + k * 300 + i), 1000 + k * 300 + i, { updatedAt: '2024-10-01T09:00:00+08:00' }),
      );
    const stored = await count();
    const first = await Promise.all([0, 1, 2, 3].map((k) => t.hub.sources.ingestor.ingest(srcs.DETENTION, ids(k))));
    expect(first.map((r) => r.accepted)).toEqual([300, 300, 300, 300]);
    const reviewed = () =>
      t.hub.sources.models.records.DETENTION.countDocuments({ sourceId: srcs.DETENTION._id, stage: 'PROSECUTION_REVIEW' });
    const before = await reviewed();
    const corrected = (k: number) => ids(k).map((r) => ({ ...r, stage: 'PROSECUTION_REVIEW', updatedAt: '2024-10-09T09:00:00+08:00' }));
    const again = await Promise.all([0, 1, 2, 3].map((k) => t.hub.sources.ingestor.ingest(srcs.DETENTION, corrected(k))));
    expect(again.map((r) => [r.accepted, r.unchanged])).toEqual([
      [300, 0],
      [300, 0],
      [300, 0],
      [300, 0],
    ]);
    expect(await reviewed()).toBe(before + 1200);
    expect(await count()).toBe(stored + 1200);
  }, 60_000);

  it("rejects records outside the source's regions, naming the region", async () => {
    const narrow = await t.hub.sources.registry.ensure({
      name: '万州区看守所',
      department: { code: 'KSS-500101', name: '重庆市万州区看守所' },
      domain: 'DETENTION',
      kind: 'HOSTED',
      regions: ['500101'],
    });
    const r = await t.hub.sources.ingestor.ingest(narrow, [detentionInput(personId(300, '500103'), 1, { region: '500103' })]);
    expect(r.accepted).toBe(0);
    expect(r.rejected[0].reasons).toEqual(["region: 500103 is outside the source's regions (500101)"]);
  });
});
