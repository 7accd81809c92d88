/**
 * How a batch of keys (ID numbers of a dossier page, say) is looked up in the store.
 *
 * - `in`: one `find({ field: { $in: keys } })`: the fewest round trips, and what MongoDB serves
 *   from its index.
 * - `equality`: one `find({ field: key })` per key, sent in parallel over the connection pool.
 *   FerretDB 1.24 on PostgreSQL pushes only plain equality down to SQL; an `$in` it answers by
 *   reading the whole collection (measured at 1,000,000 records: tens of seconds for a page of 100
 *   persons), while an equality is an index lookup (see datasources/store/ferretdb/indexes.ts): ~1 ms.
 *
 * The hub picks `equality` when the store says it is FerretDB (buildInfo.ferretdbVersion), `in`
 * otherwise; STORE_BATCH_LOOKUP overrides.
 */
import type { Collection, Document, Sort } from 'mongodb';
import { eachInFlight } from './single-updates';

export type BatchLookup = 'in' | 'equality';

/**
 * Every document whose `field` equals one of `keys`, each key's documents in `sort` order (with
 * `equality` they come grouped by key, with `in` as the store sorted them: callers group by key).
 */
export async function findByKeys<T>(
  collection: Collection<Document>,
  field: string,
  /** strings, or ObjectIds for `_id` */
  keys: readonly unknown[],
  sort: Sort,
  mode: BatchLookup,
  projection?: Document,
): Promise<T[]> {
  if (keys.length === 0) return [];
  if (keys.length === 1 || mode === 'in') {
    const filter = keys.length === 1 ? { [field]: keys[0] } : { [field]: { $in: [...keys] } };
    return (await collection.find(filter, { sort, batchSize: keys.length === 1 ? KEY_BATCH : ONE_BATCH, projection }).toArray()) as T[];
  }
  // At most EQUALITY_IN_FLIGHT lookups of one batch wait at once: the pool serves 20 at a time
  // anyway, and a 500-person page would otherwise queue 2,000 operations per collection in the driver.
  const parts: Document[][] = new Array(keys.length);
  await eachInFlight(keys, EQUALITY_IN_FLIGHT, async (key, i) => {
    parts[i] = await collection.find({ [field]: key }, { sort, batchSize: KEY_BATCH, projection }).toArray();
  });
  return parts.flat() as T[];
}

/** Equality lookups of one batch in flight at once (a few per pool connection). */
export const EQUALITY_IN_FLIGHT = 32;

/** Ask for all rows of a whole batch of keys in the first reply (the server still caps a reply at 16 MiB). */
export const ONE_BATCH = 100_000;

/**
 * The first reply's size for one key's documents: all of one person's records, so a lookup is one
 * round trip, but not more. FerretDB 1.24 allocates room for `batchSize` documents before it reads
 * the first (iterator.ConsumeValuesN: `make([]V, 0, n)`): 100,000 cost 800 KB zeroed per lookup,
 * and measured on the benchmark data (8 lookups in flight) 2.2–2.4 ms of FerretDB CPU per lookup
 * against 1.0–1.1 ms with 1,000. A key with more documents than this gets a `getMore`.
 */
export const KEY_BATCH = 1000;
