/**
 * The insert-only collections of the evaluation (marks.ts, wakeups.ts): documents are inserted and
 * deleted by `_id`, never updated. FerretDB 1.24 checks a write's filter on its read only (store.md,
 * claimed writes): with one document per person changed by updates, a delete could remove a change
 * made since it was read; with insert-only documents a delete removes exactly the documents read.
 */
import type { Collection, Document } from 'mongodb';
import { EQUALITY_IN_FLIGHT, type BatchLookup } from '../../store/lookup';
import { DUPLICATE_KEY, eachInFlight } from '../../store/single-updates';

/** Inserts these documents with one command; one already there under its `_id` is kept as it is. */
export async function insertNew<T extends Document & { _id: string }>(collection: Collection<T>, docs: readonly T[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await collection.insertMany(docs as never[], { ordered: false });
  } catch (e) {
    // the same documents inserted again (a retried write): they are there
    const errors = (e as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
    const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
    if ((e as { code?: number }).code !== DUPLICATE_KEY && (list.length === 0 || list.some((w) => w.code !== DUPLICATE_KEY))) throw e;
    // FerretDB stops an unordered insert at its first error: the rest one by one
    for (const doc of docs)
      await collection.insertOne(doc as never).catch((err: { code?: number }) => {
        if (err.code !== DUPLICATE_KEY) throw err;
      });
  }
}

/**
 * Deletes these documents by `_id`. MongoDB (`in`): a thousand ids per `$in`. FerretDB
 * (`equality`) answers an `$in` by reading the whole collection and pushes an `_id` equality down
 * (GIN-indexed, ferretdb/indexes.ts): one delete per document, in parallel.
 */
export async function deleteByIds(collection: Collection<Document>, ids: readonly string[], lookup: BatchLookup): Promise<void> {
  if (lookup === 'equality') {
    await eachInFlight(ids, EQUALITY_IN_FLIGHT, (_id) => collection.deleteOne({ _id } as never));
    return;
  }
  for (let i = 0; i < ids.length; i += 1000) await collection.deleteMany({ _id: { $in: ids.slice(i, i + 1000) } } as never);
}
