/**
 * What the scenarios ask, taken from a data set before the runs: the persons, areas and page
 * positions their requests are drawn from (bench/scenarios.ts draws request i from these with a
 * fixed seed, so every contender and every run asks the same sequence).
 */
import crypto from 'node:crypto';
import { MongoClient, type Db, type Document } from 'mongodb';
import { hostedCursor } from '../../datasources/sources/federated-records';
import type { Params } from '../scenarios';
import type { Scale } from './dataset';
import { listedCustodyDays } from './days';

/** The seed of every request's draw. */
export const DRAW_SEED = 26;
/** Persons in the pool dossiers and pages are drawn from. */
const POOL = 2000;
/** Areas list page 1 draws from (the largest), and areas page 50 draws from (finding each position reads the area day by day). */
const LIST_AREAS = 8;
const DEEP_AREAS = 3;
const PAGE = 100;
/** Page 50 starts after this many records of its area, newest first. */
const DEEP_SKIP = 49 * PAGE;

/**
 * Persons with records (a fixed shuffle of the first 1,000 of each domain, so pages mix persons from
 * every domain), the areas with at least two pages of custody records (estimated from a sample) and,
 * with `deep`, page 50's position in the largest (areas that hold fewer are left out).
 */
export async function pickParams(uri: string, s: Scale, headers: Record<string, string>, deep: boolean): Promise<Params> {
  const client = await new MongoClient(uri).connect();
  try {
    const db = client.db(s.db);
    const ids = new Set<string>();
    for (const c of ['detention_records', 'prison_records', 'community_corrections', 'enforcement_cases']) {
      for (const r of await db
        .collection(c)
        .find({}, { projection: { idNumber: 1 }, limit: 1000 })
        .toArray())
        ids.add(r.idNumber);
    }
    const pool = [...ids].sort((a, b) => hash(a) - hash(b)).slice(0, POOL);
    const areas = await custodyAreas(db);
    const listRegions = areas
      .filter((a) => a.count >= 2 * PAGE)
      .slice(0, LIST_AREAS)
      .map((a) => a.area);
    if (listRegions.length === 0) throw new Error(`${s.db}: no area holds two pages of custody records`);
    const positions: Params['deep'] = [];
    for (const { area } of deep ? areas.filter((a) => a.count > DEEP_SKIP + PAGE).slice(0, DEEP_AREAS) : []) {
      // The last record of page 49 (4,899 newer ones precede it): a cursor after it starts page 50 at
      // record 4,901, where the offset pages of the naive build and the peer start (skip 4,900). The
      // record 4,901 itself made the hub's and the floor's page start one record later, which the
      // agreement check of the first full run of 2026-12-05 refused.
      const at = await nthNewest(db, area, DEEP_SKIP - 1);
      // The hub's cursor for the same position (its keyset cursor, as the hub itself would hand it out
      // after that record): walking 49 pages through the hub takes minutes at 1,000,000 records.
      if (at)
        positions.push({ region: area, hub: hostedCursor(at.eventAt, String(at._id)), floor: `${at.eventAt.getTime()}_${String(at._id)}` });
    }
    return { seed: DRAW_SEED, ids: pool, listRegions, deep: positions, statRegions: ['50', ...listRegions], headers: { hub: headers } };
  } finally {
    await client.close();
  }
}

/** Custody records read to estimate each area's share (in the store's own order: the same on every run of one data set). */
const AREA_SAMPLE = 20_000;

/** County-level areas (4-digit region prefixes) by their custody records (estimated from a sample of the records), most first. */
async function custodyAreas(db: Db): Promise<{ area: string; count: number }[]> {
  const records = db.collection('detention_records');
  const total = await records.estimatedDocumentCount();
  const sample = await records.find({}, { projection: { _id: 0, region: 1 }, limit: AREA_SAMPLE, batchSize: AREA_SAMPLE }).toArray();
  const by = new Map<string, number>();
  for (const r of sample) if (typeof r.region === 'string') by.set(r.region.slice(0, 4), (by.get(r.region.slice(0, 4)) ?? 0) + 1);
  return [...by]
    .map(([area, n]) => ({ area, count: Math.round((n * total) / Math.max(1, sample.length)) }))
    .sort((a, b) => b.count - a.count || (a.area < b.area ? -1 : 1));
}

/**
 * The area's custody record that `skip` newer ones precede (newest first by eventAt, then _id), or
 * null when it holds fewer. FerretDB sorts every match of a find itself: sorting an area of half a
 * million records took over ten minutes at 1,000,000, before any load. So the days registry is walked
 * newest first, each day's records of the area counted (two equalities FerretDB pushes down), and
 * only the day that holds the record is sorted. Without a complete registry (a store other than
 * FerretDB, or a hub that has not listed its days yet), the store sorts.
 */
async function nthNewest(db: Db, region: string, skip: number): Promise<{ eventAt: Date; _id: unknown } | null> {
  const records = db.collection('detention_records');
  const sorted = (q: Document, n: number) =>
    records.find(q, { sort: { eventAt: -1, _id: -1 }, skip: n, limit: 1, projection: { eventAt: 1 } }).toArray();
  const days = await listedCustodyDays(db);
  if (!days) return ((await sorted({ regionPath: region }, skip))[0] as { eventAt: Date; _id: unknown } | undefined) ?? null;
  let before = 0;
  for (const day of days) {
    const inDay = (await records.find({ regionPath: region, eventDay: day }, { projection: { _id: 1 } }).toArray()).length;
    if (before + inDay > skip)
      return (await sorted({ regionPath: region, eventDay: day }, skip - before))[0] as { eventAt: Date; _id: unknown };
    before += inDay;
  }
  return null;
}

function hash(s: string): number {
  return crypto.createHash('sha1').update(s).digest().readUInt32BE(0);
}
