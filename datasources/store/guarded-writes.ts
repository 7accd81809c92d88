/**
 * Changes of single documents that concurrent writers cannot lose: what the store profile
 * (profile.ts) provides to the registry, the leads and the evaluation lease.
 *
 * Every such document carries `version`, the number of changes made through here. A writer reads
 * the document, `decide`s what to set from it, and the change is written only if no other writer
 * changed the document in between; otherwise the document is read again and `decide` asked again.
 *
 * - MongoDB: `VersionedWrites` below, one `findOneAndUpdate` guarded by the version it read. MongoDB
 *   checks the filter and writes the document atomically, so the guard holds.
 * - FerretDB 1.24: `ClaimedWrites` (ferretdb/claimed-writes.ts). FerretDB checks an update's filter
 *   on its read only and writes the whole document back, so a version in the filter guards nothing;
 *   a writer first claims the next version by inserting a document with a unique `_id`.
 */
import type { Collection, Document, Filter } from 'mongodb';

/** A document changed through guarded writes: `version` counts its changes (absent: none yet). */
export interface Claimable extends Document {
  _id: unknown;
  version?: number;
}

/** What a change decides from the document as stored: the fields to set, or null for nothing to do. */
export type Decide<T> = (current: T) => Record<string, unknown> | null;

/** Another writer changed the document first, `attempts` times in a row. */
export class ConcurrentChangeError extends Error {
  constructor(
    readonly collection: string,
    readonly id: unknown,
    readonly attempts: number,
  ) {
    super(`${collection} ${String(id)}: changed by another writer ${attempts} times in a row`);
  }
}

export interface ChangeOptions<T> {
  /** the document if the caller has just read it (saves a read); null: it does not exist */
  current?: T | null;
  /** how many times another writer may come first before ConcurrentChangeError (default 5) */
  attempts?: number;
}

export interface GuardedWrites {
  /** Creates what the writes need in the store (idempotent; at start). */
  ensure(): Promise<void>;
  /**
   * Changes document `id`: `decide` gets it as stored and says what to set. Returns the document as
   * stored after the change (null: no such document) and whether this call wrote anything; throws
   * what `decide` throws, or ConcurrentChangeError.
   */
  change<T extends Claimable>(
    collection: Collection<T>,
    id: T['_id'],
    decide: Decide<T>,
    options?: ChangeOptions<T>,
  ): Promise<{ doc: T | null; written: boolean }>;
  /**
   * Document `id` as its last change left it, for a read that must see every change acknowledged so
   * far (FerretDB: a late write of an older version may have covered the newest for a moment; its
   * claim is written again here).
   */
  settled<T extends Claimable>(collection: Collection<T>, id: T['_id']): Promise<T | null>;
}

/** MongoDB's guarded write: one version-guarded `findOneAndUpdate` per attempt. */
export class VersionedWrites implements GuardedWrites {
  async ensure(): Promise<void> {}

  /** MongoDB honours a write's filter: what is stored is the last change. */
  settled<T extends Claimable>(collection: Collection<T>, id: T['_id']): Promise<T | null> {
    return collection.findOne({ _id: id } as Filter<T>) as Promise<T | null>;
  }

  async change<T extends Claimable>(
    collection: Collection<T>,
    id: T['_id'],
    decide: Decide<T>,
    options: ChangeOptions<T> = {},
  ): Promise<{ doc: T | null; written: boolean }> {
    const attempts = options.attempts ?? 5;
    const read = () => collection.findOne({ _id: id } as Filter<T>) as Promise<T | null>;
    let current = options.current !== undefined ? options.current : await read();
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (!current) return { doc: null, written: false };
      const set = decide(current);
      if (!set) return { doc: current, written: false };
      const version = current.version ?? 0;
      const unchanged = { _id: id, ...(version === 0 ? { version: { $exists: false } } : { version }) } as Filter<T>;
      const after = await collection.findOneAndUpdate(unchanged, { $set: { ...set, version: version + 1 } } as never, {
        returnDocument: 'after',
      });
      if (after) return { doc: after as T, written: true };
      current = await read();
    }
    throw new ConcurrentChangeError(collection.collectionName, id, attempts);
  }
}
