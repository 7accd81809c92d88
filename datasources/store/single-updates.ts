/**
 * Updates of single documents, one command each.
 *
 * FerretDB 1.24 answers an `update` command (updateOne, replaceOne, a bulkWrite of them) statement by
 * statement, and each statement's query keeps its PostgreSQL connection until the whole command
 * returns (handler/msg_update.go closes the statements' iterators on return; a limit of one stops
 * reading before the end, so the connection stays taken). Meanwhile the statement's own write needs
 * another connection. A command of more statements than FerretDB's pool has connections (50 by
 * default, 40 in the benchmark) therefore waits forever, and every other client of that FerretDB
 * with it: measured with 4 pushes of 300 corrected records (test/ingest.test.ts), which stalled the
 * store until the test gave up. So the hub sends single-document updates as commands of one
 * statement each, a few at a time; MongoDB takes them the same way.
 */
import type { Collection, Document, Filter, OptionalUnlessRequiredId, UpdateFilter, WithoutId } from 'mongodb';

/** The store's error code for a write that would repeat a unique key (MongoDB's, and FerretDB's). */
export const DUPLICATE_KEY = 11000;

/**
 * An upsert, sent once more when it lost the race to insert its document: two writers upserting the
 * same new `_id` at once both try to insert, one wins on the key, and the loser's second try updates
 * the winner's document.
 */
export async function upsertRetrying<R>(upsert: () => Promise<R>): Promise<R> {
  try {
    return await upsert();
  } catch (e) {
    if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
    return upsert();
  }
}

/** Single-document update commands of one caller in flight at once (each holds two of FerretDB's connections). */
export const UPDATES_IN_FLIGHT = 4;

export type SingleUpdate<T extends Document> =
  | { updateOne: { filter: Filter<T>; update: UpdateFilter<T>; upsert?: boolean } }
  | { replaceOne: { filter: Filter<T>; replacement: WithoutId<T>; upsert?: boolean } };

/** Runs `work` on every item, at most `inFlight` at once; rejects with the first failure once those started have settled. */
export async function eachInFlight<T>(
  items: readonly T[],
  inFlight: number,
  work: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    for (let i = next++; i < items.length && !failure; i = next++) {
      try {
        await work(items[i], i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}

/** Sends each update as its own command; returns how many documents they modified or upserted. */
export async function updateEach<T extends Document>(
  collection: Collection<T>,
  updates: readonly SingleUpdate<T>[],
  inFlight = UPDATES_IN_FLIGHT,
): Promise<number> {
  let changed = 0;
  await eachInFlight(updates, inFlight, async (u) => {
    const r =
      'updateOne' in u
        ? await collection.updateOne(u.updateOne.filter, u.updateOne.update, { upsert: u.updateOne.upsert })
        : await collection.replaceOne(u.replaceOne.filter, u.replaceOne.replacement, { upsert: u.replaceOne.upsert });
    changed += r.modifiedCount + r.upsertedCount;
  });
  return changed;
}

/**
 * One ordered `insertMany`. Stops at the first duplicate key and says how many documents went in
 * before it (`inserted`: the failed document's index); a store may have inserted some past it
 * (FerretDB does), so a caller that goes on meets those as duplicates too.
 */
export async function insertUntilDuplicate<T extends Document>(
  collection: Collection<T>,
  docs: readonly OptionalUnlessRequiredId<T>[],
): Promise<{ complete: boolean; inserted: number }> {
  try {
    await collection.insertMany(docs, { ordered: true });
    return { complete: true, inserted: docs.length };
  } catch (error: any) {
    const first = Array.isArray(error?.writeErrors) ? error.writeErrors[0] : error?.writeErrors;
    if (error?.code !== DUPLICATE_KEY && first?.code !== DUPLICATE_KEY) throw error;
    return { complete: false, inserted: first?.index ?? 0 };
  }
}
