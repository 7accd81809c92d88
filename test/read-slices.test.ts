/**
 * The slice walk of list reads on FerretDB (datasources/record-days.ts `readBySlices`), on records
 * held in memory: whatever the densities, the page size, the position, the range and the time of
 * day, the walk gives exactly the sorted page; and it reads a dense day block by block (one read of
 * a six-hour block, not the day) while a sparse store is read in whole days as before. The store's
 * side (the same pages through FerretDB, and the registry) is in list-reads.test.ts.
 */
import { blockStart, eventBlockOf, eventDayOf } from '../datasources/models';
import { readByDay, readBySlices, type ReadBounds, type Slice } from '../datasources/record-days';

interface Rec { id: number; at: Date }

/** Newest first, ties by id descending: the hub's list order (`eventAt` desc, `_id` desc). */
const order = (a: Rec, b: Rec) => b.at.getTime() - a.at.getTime() || b.id - a.id;

/** A deterministic PRNG (mulberry32), so a failure names a case that can be run again. */
function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** `perDay[i]` records on day i before 2024-06-30 (Beijing), at random instants of the day (some shared). */
function dataset(perDay: number[], rnd: () => number): Rec[] {
  const out: Rec[] = [];
  const last = new Date('2024-06-30T00:00:00+08:00').getTime();
  perDay.forEach((n, i) => {
    const dayStart = last - i * 86_400_000;
    for (let k = 0; k < n; k++) {
      // one record in eight shares its instant with the one before (ties broken by id)
      const at = k > 0 && rnd() < 0.125 ? out[out.length - 1].at : new Date(dayStart + Math.floor(rnd() * 86_400_000));
      out.push({ id: out.length, at });
    }
  });
  return out;
}

/** A store of `records` as the hub's reads see it: each slice read is an equality plus the filter, sorted, limited. */
function store(records: Rec[], bounds: ReadBounds, pos: Rec | null) {
  const reads: Slice[] = [];
  const inRange = (r: Rec) => (!bounds.from || r.at >= bounds.from) && (!bounds.before || r.at < bounds.before);
  const read = async (slice: Slice, isPosition: boolean, want: number): Promise<Rec[]> => {
    reads.push(slice);
    return records
      .filter((r) => (slice.block ? eventBlockOf(r.at) === slice.block : eventDayOf(r.at) === slice.day))
      .filter(inRange)
      .filter((r) => !isPosition || !pos || order(pos, r) < 0)
      .sort(order)
      .slice(0, want);
  };
  const days = [...new Set(records.map((r) => eventDayOf(r.at)))].sort().reverse();
  const expected = (limit: number) => records.filter(inRange).filter((r) => !pos || order(pos, r) < 0).sort(order).slice(0, limit);
  return { read, reads, days, expected };
}

describe('readBySlices: list pages on FerretDB, day by day or block by block', () => {
  it('gives exactly the sorted page for any density, page size, position, range and time of day (2,000 random cases)', async () => {
    const rnd = prng(20261126);
    for (let c = 0; c < 2000; c++) {
      const density = [0, 1, 5, 40, 400][Math.floor(rnd() * 5)];
      const perDay = Array.from({ length: 12 }, () => (rnd() < 0.2 ? 0 : Math.floor(rnd() * 2 * density)));
      const records = dataset(perDay, rnd);
      const sorted = [...records].sort(order);
      const pos = rnd() < 0.5 && sorted.length > 0 ? sorted[Math.floor(rnd() * sorted.length)] : null;
      const bounds: ReadBounds = { newest: pos?.at };
      if (rnd() < 0.3) bounds.from = new Date(new Date('2024-06-20T00:00:00+08:00').getTime() + Math.floor(rnd() * 8 * 86_400_000));
      if (rnd() < 0.3) bounds.before = new Date(new Date('2024-06-22T00:00:00+08:00').getTime() + Math.floor(rnd() * 8 * 86_400_000));
      const limit = [1, 2, 7, 21, 101, 251][Math.floor(rnd() * 6)];
      const s = store(records, bounds, pos);
      // some days blocked, some not (a store part-way through its start-up pass)
      const blocked = new Set(s.days.filter(() => rnd() < 0.8));
      // now: long after, or inside the newest day (its later blocks have not begun)
      const now = rnd() < 0.5 ? Date.now() : new Date('2024-06-30T00:00:00+08:00').getTime() + Math.floor(rnd() * 86_400_000);
      const got = await readBySlices(s.days, blocked, bounds, limit, s.read, () => now);
      const want = s.expected(limit);
      if (got.map((r) => r.id).join() !== want.map((r) => r.id).join()) {
        throw new Error(`case ${c}: density ${density}, limit ${limit}, position ${pos?.id ?? 'none'}: got ${got.length} records, expected ${want.length}, or another order`);
      }
    }
  });

  it('reads one six-hour block of a dense day, not the day (1,000,000 records: 438 a day for area 5002)', async () => {
    const records = dataset([438, 430, 445], prng(1));
    const s = store(records, {}, null);
    const newest = s.days[0];
    const page = await readBySlices(s.days, new Set(s.days), {}, 101, s.read);
    expect(page.map((r) => r.id)).toEqual(s.expected(101).map((r) => r.id));
    // about 110 records in the newest block fill the page: one read of that block
    expect(s.reads).toEqual([{ day: newest, block: `${newest}T18` }]);
    // the same page by whole days reads the whole newest day
    const byDay = store(records, {}, null);
    await readByDay(byDay.days, {}, 101, (day, isPos, want) => byDay.read({ day }, isPos, want));
    expect(byDay.reads).toEqual([{ day: newest }]);
  });

  it('goes on from the position\'s block, then as many blocks as the density says', async () => {
    const records = dataset([438, 430, 445], prng(2));
    const sorted = [...records].sort(order);
    const pos = sorted[150]; // in the newest day, past its first block
    const s = store(records, { newest: pos.at }, pos);
    const page = await readBySlices(s.days, new Set(s.days), { newest: pos.at }, 101, s.read);
    expect(page.map((r) => r.id)).toEqual(s.expected(101).map((r) => r.id));
    expect(s.reads[0]).toEqual({ day: s.days[0], block: eventBlockOf(pos.at) });
    expect(s.reads.every((r) => r.block)).toBe(true);
    expect(s.reads.length).toBeLessThanOrEqual(3);
  });

  it('reads a sparse store in whole days, after one read of the newest block, until a block holds what is left', async () => {
    // 100,000 records: 47 a day for area 5002
    const records = dataset(Array.from({ length: 10 }, () => 47), prng(3));
    const s = store(records, {}, null);
    const page = await readBySlices(s.days, new Set(s.days), {}, 101, s.read);
    expect(page.map((r) => r.id)).toEqual(s.expected(101).map((r) => r.id));
    const byDay = store(records, {}, null);
    await readByDay(byDay.days, {}, 101, (day, isPos, want) => byDay.read({ day }, isPos, want));
    expect(byDay.reads).toEqual([{ day: byDay.days[0] }, { day: byDay.days[1] }, { day: byDay.days[2] }]);
    // One block (about 12 records: sparse), then the newest day again (its block's records are not
    // taken twice) and the next; the last 7 records come from one block of the third day, not all 47.
    expect(s.reads).toEqual([{ day: s.days[0], block: `${s.days[0]}T18` }, { day: s.days[0] }, { day: s.days[1] }, { day: s.days[2], block: `${s.days[2]}T18` }]);
  });

  it('reads the blocks of the newest day that have not begun with the first one that has', async () => {
    const records = dataset([300, 300], prng(4)).filter((r) => r.at.getTime() < new Date('2024-06-30T08:00:00+08:00').getTime());
    const s = store(records, {}, null);
    const now = new Date('2024-06-30T08:00:00+08:00').getTime();
    const page = await readBySlices(s.days, new Set(s.days), {}, 15, s.read, () => now);
    expect(page.map((r) => r.id)).toEqual(s.expected(15).map((r) => r.id));
    // 18:00 and 12:00 have not begun at 08:00: read at once with 06:00, whose two hours (~25 records) fill the page
    expect(s.reads).toEqual(['T18', 'T12', 'T06'].map((h) => ({ day: '2024-06-30', block: `2024-06-30${h}` })));
    expect(blockStart('2024-06-30T06').toISOString()).toBe('2024-06-29T22:00:00.000Z');
  });

  it('reads days that are not blocked whole, even when dense', async () => {
    const records = dataset([438, 430], prng(5));
    const s = store(records, {}, null);
    await readBySlices(s.days, new Set([s.days[1]]), {}, 101, s.read);
    expect(s.reads).toEqual([{ day: s.days[0] }]);
  });

  it('puts an instant in its Beijing block', () => {
    expect(eventBlockOf(new Date('2024-03-31T23:30:00+08:00'))).toBe('2024-03-31T18');
    expect(eventBlockOf(new Date('2024-04-01T00:30:00+08:00'))).toBe('2024-04-01T00');
    expect(eventBlockOf(new Date('2024-04-01T05:59:59.999+08:00'))).toBe('2024-04-01T00');
    expect(eventBlockOf(new Date('2024-04-01T06:00:00+08:00'))).toBe('2024-04-01T06');
    expect(eventBlockOf(new Date('2024-04-01T12:00:00Z'))).toBe('2024-04-01T18');
  });
});
