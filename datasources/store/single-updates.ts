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

/** A replace of one document, guarded by its filter (a version condition: it changes nothing when the store holds a newer one). */
export interface GuardedReplace<T extends Document> {
  filter: Filter<T>;
  replacement: WithoutId<T>;
}

/**
 * How a batch of guarded replaces goes to the store: `each`, a command per replace, a few in flight
 * (FerretDB 1.24, which stalls on a command of more statements than its pool has connections: see
 * above); `bulk`, one unordered bulk write per BULK_WRITE_SIZE replaces (MongoDB, one round trip).
 */
export type ReplaceWrites = 'each' | 'bulk';

/** Replaces per bulk write (MongoDB splits larger ones itself; this bounds one command's size). */
export const BULK_WRITE_SIZE = 1000;

/**
 * Sends every replace. A replace the store refuses goes to `onFailed` with its index and the store's
 * error (from a bulk write, shaped as its write error: `writeErrors: [{ code, errmsg }]`); `onFailed`
 * rethrows what is not a refusal. A failure of the store itself (unreachable, a write-concern error) rejects.
 */
export async function replaceAll<T extends Document>(
  collection: Collection<T>,
  replaces: readonly GuardedReplace<T>[],
  how: ReplaceWrites,
  onFailed: (index: number, error: unknown) => void,
): Promise<void> {
  if (how === 'each') {
    await eachInFlight(replaces, UPDATES_IN_FLIGHT, (r, i) => collection.replaceOne(r.filter, r.replacement).catch((e) => onFailed(i, e)));
    return;
  }
  for (let from = 0; from < replaces.length; from += BULK_WRITE_SIZE) {
    const chunk = replaces.slice(from, from + BULK_WRITE_SIZE);
    try {
      await collection.bulkWrite(
        chunk.map((r) => ({ replaceOne: { filter: r.filter, replacement: r.replacement } })),
        { ordered: false },
      );
    } catch (error) {
      const e = error as { writeErrors?: unknown; writeConcernError?: unknown };
      const writeErrors = Array.isArray(e?.writeErrors) ? e.writeErrors : e?.writeErrors ? [e.writeErrors] : [];
      if (e?.writeConcernError) throw error;
      if (writeErrors.length === 0) {
        // The command failed whole without saying which replace (FerretDB answers so): each goes again on
        // its own, the version guard leaving those already stored as they are; a store that is down fails again.
        await replaceAll(collection, chunk, 'each', (i, err) => onFailed(from + i, err));
        continue;
      }
      for (const w of writeErrors as { index: number; code?: number; errmsg?: string }[])
        onFailed(from + w.index, { writeErrors: [{ code: w.code, errmsg: w.errmsg }] });
    }
  }
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
