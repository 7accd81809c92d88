/**
 * List pages read day by day (datasources/store/ferretdb/record-days.ts), as the hub does on FerretDB: the same
 * pages, in the same order, as a store-sorted read, whatever the filter, position or range; the
 * days registry kept by ingest and built once for a store that predates it.
 */
import { MIGRATIONS_COLLECTION } from '../datasources/store/migrations';
import { DAYS_REGISTRY_MARKER, RecordDays } from '../datasources/store/ferretdb/record-days';
import { EVENT_STAMPS_MARKER, eventDayOf } from '../datasources/store/models';
import type { DataSourceDoc } from '../datasources/store/models';
import { detentionInput, personId, registerTestSources } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

const LIST = `query List($filter: DetentionFilter, $first: Int, $after: String) {
  detentionRecords(filter: $filter, first: $first, after: $after) {
    edges { node { id eventAt region { code } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

/** Custody records over 30 months, two districts, with ties in `eventAt` and instants at Beijing month ends. */
function records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 150; i++) {
    const month = i % 30; // 2022-01 … 2024-06
    const y = 2022 + Math.floor(month / 12);
    const m = String((month % 12) + 1).padStart(2, '0');
    const day = String(1 + (i % 27)).padStart(2, '0');
    const region = i % 3 === 0 ? '500102' : '500101';
    const eventAt = i % 10 === 0 ? `${y}-${m}-05T10:00:00+08:00` : `${y}-${m}-${day}T0${i % 10}:00:00+08:00`;
    out.push(detentionInput(personId(i, region), i, { region, eventAt, admittedAt: eventAt, stageStartedAt: eventAt }));
  }
  // the first instant of a Beijing month is still the previous month in UTC, and the reverse
  out.push(
    detentionInput(personId(200), 200, {
      eventAt: '2024-04-01T00:30:00+08:00',
      admittedAt: '2024-04-01T00:30:00+08:00',
      stageStartedAt: '2024-04-01T00:30:00+08:00',
    }),
  );
  out.push(
    detentionInput(personId(201), 201, {
      eventAt: '2024-03-31T23:30:00+08:00',
      admittedAt: '2024-03-31T23:30:00+08:00',
      stageStartedAt: '2024-03-31T23:30:00+08:00',
    }),
  );
  return out;
}

async function allPages(t: TestHub, filter: Record<string, unknown> | null, first: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const { body } = await t.gql(LIST, { filter, first, after });
    expect(body.errors).toBeUndefined();
    const c = body.data.detentionRecords;
    ids.push(...c.edges.map((e: { node: { id: string } }) => e.node.id));
    pages++;
    if (!c.pageInfo.hasNextPage) return { ids, pages };
    after = c.pageInfo.endCursor;
    if (pages > 200) throw new Error('paging does not end');
  }
}

describe('list pages read day by day', () => {
  let byDay: TestHub;
  let days: string[];
  let sorted: TestHub;
  let source: DataSourceDoc;
  beforeAll(async () => {
    byDay = await startTestHub({ listReads: 'by-day' });
    sorted = await startTestHub({ listReads: 'sorted', dbName: byDay.connection.db!.databaseName });
    source = (await registerTestSources(byDay.hub.sources)).DETENTION;
    days = [...new Set(records().map((r) => eventDayOf(new Date(r.eventAt as string))))].sort().reverse();
    const r = await byDay.hub.sources.ingestor.ingest(source, records());
    expect(r.rejected).toEqual([]);
    expect(r.accepted).toBe(152);
  });
  afterAll(async () => {
    await sorted.close();
    await byDay.close();
  });

  it('lists every day that holds a record, in Beijing time, as ingest stored them', async () => {
    expect(days.length).toBeGreaterThan(100);
    expect(days).toContain('2024-04-01'); // 00:30 in Beijing, still March 31 in UTC
    expect(days).toContain('2024-03-31');
    expect(await byDay.hub.sources.days.list('DETENTION')).toEqual(days);
  });

  const cases: [string, Record<string, unknown> | null, number][] = [
    ['no filter, pages of 7', null, 7],
    ['no filter, pages of 2', null, 2],
    ['no filter, one page of everything', null, 500],
    ['one district (sparse: every third record)', { regions: ['500102'] }, 4],
    ['an area prefix', { regions: ['5001'] }, 9],
    ['a range across month ends', { eventFrom: '2023-02-15T00:00:00+08:00', eventTo: '2024-04-01T00:30:00+08:00' }, 6],
    ['a range inside one month', { eventFrom: '2024-03-31T00:00:00+08:00', eventTo: '2024-04-02T00:00:00+08:00' }, 1],
    ['nothing matches', { regions: ['500199'] }, 5],
  ];
  it.each(cases)('gives the store-sorted pages: %s', async (_name, filter, first) => {
    const a = await allPages(byDay, filter, first);
    const b = await allPages(sorted, filter, first);
    expect(a.ids).toEqual(b.ids);
    expect(a.pages).toBe(b.pages);
    if (!filter) expect(a.ids).toHaveLength(152);
  });

  it('reads the newest day alone, then waves of 2 and 4 days, each day an equality the store can index', async () => {
    const dayFinds = (t: TestHub) => t.commands.filter((c) => c.commandName === 'find' && (c.command as any).find === 'detention_records');
    byDay.resetCommands();
    const { body } = await byDay.gql(LIST, { filter: null, first: 1 });
    expect(body.data.detentionRecords.edges).toHaveLength(1);
    // a page of 1 asks for 2 (the second says hasNextPage); one record a day: the newest day, then a wave of 2
    expect(dayFinds(byDay).map((c) => (c.command as any).filter.eventDay)).toEqual(days.slice(0, 3));
    // 1, then 2, then 4 days fill a page of 5 (6 asked)
    expect(days.slice(0, 7).every((d) => records().filter((r) => eventDayOf(new Date(r.eventAt as string)) === d).length === 1)).toBe(true);
    byDay.resetCommands();
    await byDay.gql(LIST, { filter: null, first: 5 });
    expect(dayFinds(byDay).map((c) => (c.command as any).filter.eventDay)).toEqual(days.slice(0, 7));
    // a person's records are few: one sorted read, no day walk
    byDay.resetCommands();
    await byDay.gql(LIST, { filter: { idNumber: personId(3, '500102') }, first: 5 });
    expect(dayFinds(byDay).map((c) => (c.command as any).filter.eventDay)).toEqual([undefined]);
    // the plain plan: one sorted find with no day
    sorted.resetCommands();
    await sorted.gql(LIST, { filter: null, first: 3 });
    expect(dayFinds(sorted).map((c) => (c.command as any).filter.eventDay)).toEqual([undefined]);
  });

  it('shows a record pushed on a day no record had before on the next page read', async () => {
    const eventAt = '2021-07-07T07:00:00+08:00';
    const r = await byDay.hub.sources.ingestor.ingest(source, [
      detentionInput(personId(300), 300, { eventAt, admittedAt: eventAt, stageStartedAt: eventAt }),
    ]);
    expect(r.accepted).toBe(1);
    const a = await allPages(byDay, null, 50);
    const b = await allPages(sorted, null, 50);
    expect(a.ids).toHaveLength(153);
    expect(a.ids).toEqual(b.ids);
  });

  it('reads the days list again when another hub lists a new day, and only then', async () => {
    await allPages(byDay, null, 50);
    const registryReads = () => byDay.commands.filter((c) => c.commandName === 'find' && (c.command as any).find === 'record_days').length;
    byDay.resetCommands();
    await allPages(byDay, null, 50);
    expect(registryReads()).toBe(0);
    // the other hub (another process) pushes a record on a day no record had
    const eventAt = '2020-02-02T02:00:00+08:00';
    expect(
      (
        await sorted.hub.sources.ingestor.ingest(source, [
          detentionInput(personId(301), 301, { eventAt, admittedAt: eventAt, stageStartedAt: eventAt }),
        ])
      ).accepted,
    ).toBe(1);
    const a = await allPages(byDay, null, 50);
    expect(registryReads()).toBe(1);
    expect(a.ids).toEqual((await allPages(sorted, null, 50)).ids);
    expect(await byDay.hub.sources.days.list('DETENTION')).toContain('2020-02-02');
  });

  it("reads a warm page's days while it asks the store whether its days list still holds", async () => {
    await byDay.gql(LIST, { filter: null, first: 5 }); // the days list is read now
    const events: string[] = [];
    const finds = new Map<number, string>();
    const client = byDay.connection.getClient();
    const started = (e: { commandName: string; requestId: number; command: Record<string, unknown> }) => {
      if (e.commandName === 'find') {
        finds.set(e.requestId, String(e.command.find));
        events.push(`sent ${e.command.find}`);
      }
    };
    const answered = (e: { requestId: number }) => {
      if (finds.has(e.requestId)) events.push(`answered ${finds.get(e.requestId)}`);
    };
    client.on('commandStarted', started);
    client.on('commandSucceeded', answered);
    try {
      const { body } = await byDay.gql(LIST, { filter: null, first: 5 });
      expect(body.data.detentionRecords.edges).toHaveLength(5);
    } finally {
      client.off('commandStarted', started);
      client.off('commandSucceeded', answered);
    }
    // the head token (hub_meta) and the newest day go out together; the days list is not read again
    expect(events.indexOf('sent detention_records')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('sent detention_records')).toBeLessThan(events.indexOf('answered hub_meta'));
    expect(events.filter((e) => e === 'sent hub_meta')).toHaveLength(1);
    expect(events).not.toContain('sent record_days');
  });

  it('builds the registry once for a store whose records predate it, and reads in store order until then', async () => {
    const db = byDay.connection.db!;
    await db.collection('record_days').deleteMany({});
    await db.collection('hub_meta').deleteOne({ _id: DAYS_REGISTRY_MARKER as never });
    // a store from before the registry: its migration (datasources/migrations.ts, 3) never ran
    expect((await db.collection(MIGRATIONS_COLLECTION).deleteOne({ _id: 3 as never })).deletedCount).toBe(1);
    const fresh = await startTestHub({ listReads: 'by-day', dbName: db.databaseName });
    try {
      // the start builds it in the background
      for (let i = 0; i < 100 && !(await db.collection('hub_meta').findOne({ _id: DAYS_REGISTRY_MARKER as never })); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(await fresh.hub.sources.days.list('DETENTION')).toEqual([...days, '2021-07-07', '2020-02-02'].sort().reverse());
      const a = await allPages(fresh, null, 20);
      expect(a.ids).toEqual((await allPages(sorted, null, 20)).ids);
    } finally {
      // the database is shared: close without dropping it
      await new Promise<void>((resolve) => fresh.server.close(() => resolve()));
      await fresh.hub.stop();
      await fresh.connection.close();
    }
  });
});

describe('the days registry', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ listReads: 'by-day' });
  });
  afterAll(async () => {
    await t.close();
  });
  const month = (days: string[], m: string) => days.filter((d) => d.startsWith(m)).sort();

  it('keeps every day that processes list at once in one month (FerretDB writes an update back without a lock)', async () => {
    const days = Array.from({ length: 20 }, (_, i) => `2023-05-${String(i + 1).padStart(2, '0')}`);
    await Promise.all(days.map((d) => new RecordDays(t.connection).note('DETENTION', [d])));
    expect(month((await new RecordDays(t.connection).list('DETENTION'))!, '2023-05')).toEqual(days);
  });

  it("keeps every day that one process's concurrent batches list at once, and the same day listed twice once", async () => {
    const r = new RecordDays(t.connection);
    const days = Array.from({ length: 20 }, (_, i) => `2023-06-${String(i + 1).padStart(2, '0')}`);
    await Promise.all([...days, ...days].map((d) => r.note('DETENTION', [d])));
    expect(month((await new RecordDays(t.connection).list('DETENTION'))!, '2023-06')).toEqual(days);
  });

  it("reads a domain's listed days in one round trip, however many", async () => {
    const days = Array.from({ length: 250 }, (_, i) => new Date(Date.UTC(2010, 0, 1 + i)).toISOString().slice(0, 10));
    await new RecordDays(t.connection).note('PRISON', days);
    t.resetCommands();
    const listed = await new RecordDays(t.connection).list('PRISON');
    expect(listed).toEqual(expect.arrayContaining(days));
    expect(
      t.commands.filter((c) => (c.command as any).find === 'record_days' || c.commandName === 'getMore').map((c) => c.commandName),
    ).toEqual(['find']);
  });

  it('reads the month documents an earlier version wrote, with the days listed since', async () => {
    await t.connection
      .db!.collection('record_days')
      .insertOne({ _id: 'DETENTION:2019-03', domain: 'DETENTION', month: '2019-03', days: ['2019-03-01', '2019-03-02'] } as never);
    await new RecordDays(t.connection).note('DETENTION', ['2019-03-02', '2019-03-03']);
    expect(month((await new RecordDays(t.connection).list('DETENTION'))!, '2019-03')).toEqual(['2019-03-01', '2019-03-02', '2019-03-03']);
  });
});

describe('dense days read hour by hour', () => {
  let byDay: TestHub;
  let sorted: TestHub;
  let source: DataSourceDoc;
  const DAY = '2025-03-10';
  /** Office hours 08:00–19:59 of DAY, more records in the afternoon (as the benchmark data has), two districts; and 3 earlier days. */
  function dense(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    let n = 5000;
    for (let h = 8; h < 20; h++) {
      const count = h < 12 ? 6 : h < 18 ? 30 : 4;
      for (let k = 0; k < count; k++, n++) {
        const eventAt = `${DAY}T${String(h).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:00+08:00`;
        const region = n % 4 === 0 ? '500102' : '500101';
        out.push(detentionInput(personId(n, region), n, { region, eventAt, admittedAt: eventAt, stageStartedAt: eventAt }));
      }
    }
    for (const day of ['2025-03-07', '2025-03-08', '2025-03-09']) {
      for (let k = 0; k < 30; k++, n++) {
        const eventAt = `${day}T${String(8 + (k % 10)).padStart(2, '0')}:00:00+08:00`;
        out.push(detentionInput(personId(n), n, { eventAt, admittedAt: eventAt, stageStartedAt: eventAt }));
      }
    }
    return out;
  }
  const finds = (t: TestHub) =>
    t.commands
      .filter((c) => c.commandName === 'find' && (c.command as any).find === 'detention_records')
      .map((c) => (c.command as any).filter);
  const pageIds = async (t: TestHub, filter: Record<string, unknown> | null, first: number) => {
    const { body } = await t.gql(LIST, { filter, first });
    expect(body.errors).toBeUndefined();
    return body.data.detentionRecords.edges.map((e: { node: { id: string } }) => e.node.id) as string[];
  };

  beforeAll(async () => {
    byDay = await startTestHub({ listReads: 'by-day' });
    sorted = await startTestHub({ listReads: 'sorted', dbName: byDay.connection.db!.databaseName });
    source = (await registerTestSources(byDay.hub.sources)).DETENTION;
    const r = await byDay.hub.sources.ingestor.ingest(source, dense());
    expect(r.rejected).toEqual([]);
    // the start-up pass found every record stamped with its hour (ingest does it) and said so
    for (let i = 0; i < 100 && !(await byDay.hub.sources.days.hoursStamped()); i++) await new Promise((res) => setTimeout(res, 200));
    expect(await byDay.hub.sources.days.hoursStamped()).toBe(true);
  });
  afterAll(async () => {
    await sorted.close();
    await byDay.close();
  });

  it('reads a dense day whole the first time, then only the hours a page needs, as the learned counts say', async () => {
    byDay.resetCommands();
    const first = await pageIds(byDay, null, 40);
    // one whole-day read for the page, then the background read that learns the day's hours
    await byDay.hub.sources.hosted.DETENTION.hourPlans.settled();
    expect(finds(byDay).map((f) => f.eventDay ?? f.eventHour)).toEqual([DAY, DAY]);
    byDay.resetCommands();
    expect(await pageIds(byDay, null, 40)).toEqual(first);
    // 41 asked: 19:00 (4), 18:00 (4), 17:00 and 16:00 (30 each) hold them; every hour from 23:00 is read, in parallel
    expect(
      finds(byDay)
        .map((f) => f.eventHour)
        .sort(),
    ).toEqual(['16', '17', '18', '19', '20', '21', '22', '23'].map((h) => `${DAY}T${h}`));
    expect(first).toEqual(await pageIds(sorted, null, 40));
  });

  it('gives the store-sorted pages, with positions inside the dense day and a filter of its own', async () => {
    for (const [filter, first] of [
      [null, 25],
      [null, 60],
      [{ regions: ['500102'] }, 10],
      [{ regions: ['500101'] }, 30],
    ] as const) {
      for (let round = 0; round < 2; round++) {
        const a = await allPages(byDay, filter, first);
        await byDay.hub.sources.hosted.DETENTION.hourPlans.settled();
        expect(a.ids).toEqual((await allPages(sorted, filter, first)).ids);
      }
    }
  });

  it('reads the rest of a dense day after a position hour by hour, though it holds less than the page', async () => {
    // Records 101–190 of the order end in 11:00, the second of its six (19:00 and 18:00 hold 4, 17:00–12:00 30 each).
    const page = async (t: TestHub, first: number, after: string | null) => {
      const { body } = await t.gql(LIST, { filter: null, first, after });
      expect(body.errors).toBeUndefined();
      return body.data.detentionRecords as { edges: { node: { id: string; eventAt: string } }[]; pageInfo: { endCursor: string } };
    };
    const p1 = await page(byDay, 100, null);
    const p2 = await page(byDay, 90, p1.pageInfo.endCursor);
    expect(p2.edges[89].node.eventAt).toMatch(/^2025-03-10T03:/); // 11:xx in Beijing
    await page(byDay, 40, p2.pageInfo.endCursor);
    await byDay.hub.sources.hosted.DETENTION.hourPlans.settled();
    byDay.resetCommands();
    const p3 = await page(byDay, 40, p2.pageInfo.endCursor);
    // 22 of the day remain (11:00 to 08:00), read as its hours 11 down to 00, then the days before it
    const ofDay = finds(byDay).filter((f) => f.eventDay === DAY || String(f.eventHour ?? '').startsWith(DAY));
    expect(ofDay.map((f) => f.eventHour ?? f.eventDay).sort()).toEqual(
      Array.from({ length: 12 }, (_, h) => `${DAY}T${String(h).padStart(2, '0')}`),
    );
    expect(
      p3.edges.filter((e) => e.node.eventAt.startsWith('2025-03-10') || e.node.eventAt.startsWith('2025-03-09T1')).length,
    ).toBeGreaterThan(0);
    expect(p3.edges.map((e) => e.node.id)).toEqual((await page(sorted, 40, p2.pageInfo.endCursor)).edges.map((e) => e.node.id));
  });

  it('sees records stored since the day was learned, and reads a day whole again when its records moved', async () => {
    await pageIds(byDay, null, 40);
    await byDay.hub.sources.hosted.DETENTION.hourPlans.settled();
    // a late record in an hour that was empty when learned
    const late = `${DAY}T21:30:00+08:00`;
    expect(
      (
        await byDay.hub.sources.ingestor.ingest(source, [
          detentionInput(personId(9000), 9000, { eventAt: late, admittedAt: late, stageStartedAt: late }),
        ])
      ).accepted,
    ).toBe(1);
    expect(await pageIds(byDay, null, 40)).toEqual(await pageIds(sorted, null, 40));
    // the department corrects the afternoon's records to an earlier day: the learned hours now hold too few
    const moved = dense()
      .filter((r) => /T1[4-9]:/.test(r.eventAt as string))
      .map((r) => ({
        ...r,
        eventAt: '2025-03-01T10:00:00+08:00',
        admittedAt: '2025-03-01T10:00:00+08:00',
        stageStartedAt: '2025-03-01T10:00:00+08:00',
        updatedAt: '2024-12-01T09:00:00+08:00',
      }));
    expect((await byDay.hub.sources.ingestor.ingest(source, moved)).accepted).toBe(moved.length);
    byDay.resetCommands();
    const after = await pageIds(byDay, null, 40);
    expect(after).toEqual(await pageIds(sorted, null, 40));
    // the planned hours came short, so the day was read whole
    expect(finds(byDay).some((f) => f.eventDay === DAY)).toBe(true);
    const a = await allPages(byDay, null, 40);
    expect(a.ids).toEqual((await allPages(sorted, null, 40)).ids);
  });

  it('reads whole days while the stored records may lack their hour', async () => {
    const meta = byDay.connection.db!.collection('hub_meta');
    const marker = await meta.findOne({ _id: EVENT_STAMPS_MARKER as never });
    await meta.deleteOne({ _id: EVENT_STAMPS_MARKER as never });
    try {
      expect(await new RecordDays(byDay.connection).hoursStamped()).toBe(false);
    } finally {
      await meta.insertOne(marker!);
    }
    expect(await new RecordDays(byDay.connection).hoursStamped()).toBe(true);
  });
});
