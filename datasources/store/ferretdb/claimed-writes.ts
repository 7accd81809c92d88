/**
 * FerretDB's guarded writes (../guarded-writes.ts): changes of single documents that concurrent writers
 * cannot lose, on a store that does not check an update's filter when it writes.
 *
 * FerretDB 1.24 runs an update as: read the matching document, change it in Go, write the whole
 * document back by `_id` (backends/postgresql/collection.go, `UpdateAll`:
 * `UPDATE … SET _jsonb = $1 WHERE _id = $2`). The filter is checked on the read only, so a version or
 * status in the filter guards nothing: two updates of one document at once can both report a
 * modified document while the second write replaces the first. Measured on this store: ten
 * concurrent `updateOne({ _id, version: 1 }, { $set: { version: 2 }, $push: { h: i } })` reported two
 * modified documents and kept one pushed entry. A procurator's decision on a lead, an
 * administrator's rule change or a source's suspension could be lost that way, while its author was
 * told it was stored.
 *
 * The one write FerretDB makes atomic is an insert against a unique key (PostgreSQL's unique index on
 * `_id`). So a writer first claims the next version of the document: it inserts
 * `{ _id: "<collection>:<document id>:<version>" }` into `write_claims`, holding the fields it will
 * set. One writer per version wins; the others read the document again and decide anew. The winner
 * then writes the fields with the version and reads the version back.
 *
 * A claim holds the whole change (an array whole, never a `$push`), so writing it is idempotent:
 * - a writer that finds the next version claimed but not yet written (its claimant is slow, or died
 *   between claim and write) writes it for it, then reads the document again;
 * - a write that a late write of an older version covered is found by the read-back and written again.
 *
 * Every writer of such a document must go through here; a plain update beside them can still be lost
 * or lose theirs. Claims are kept (one small document per change), which also keeps who changed what.
 */
import type { Collection, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { DUPLICATE_KEY } from '../single-updates';
import { ConcurrentChangeError, type ChangeOptions, type Claimable, type Decide, type GuardedWrites } from '../guarded-writes';

export { ConcurrentChangeError, type Claimable, type Decide };

export const WRITE_CLAIMS_COLLECTION = 'write_claims';

export interface WriteClaim {
  /** `<collection>:<document id>:<version>` */
  _id: string;
  collection: string;
  doc: unknown;
  version: number;
  set: Record<string, unknown>;
  at: Date;
}

/** FerretDB's guarded write (guarded-writes.ts): a claim of the next version, then the write. */
export class ClaimedWrites implements GuardedWrites {
  constructor(private readonly connection: Connection) {}

  private get claims(): Collection<WriteClaim> {
    return this.connection.db!.collection<WriteClaim>(WRITE_CLAIMS_COLLECTION);
  }

  /** Creates the claims collection (a claim is found by `_id` only, so it needs no other index). */
  async ensure(): Promise<void> {
    await this.connection.db!.createCollection(WRITE_CLAIMS_COLLECTION).catch(() => undefined);
  }

  /**
   * Changes document `id`: `decide` gets it as stored and says what to set. When another writer
   * claimed the same version first, the document is read again and `decide` asked again, up to
   * `attempts` times. `current` is the document if the caller has just read it (saves a read).
   * Returns the document as stored after the change (null: no such document), and whether this
   * call wrote anything; throws what `decide` throws, or ConcurrentChangeError.
   */
  async change<T extends Claimable>(
    collection: Collection<T>,
    id: T['_id'],
    decide: Decide<T>,
    options: ChangeOptions<T> = {},
  ): Promise<{ doc: T | null; written: boolean }> {
    const attempts = options.attempts ?? 5;
    let current = options.current !== undefined ? options.current : await this.read(collection, id);
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (!current) return { doc: null, written: false };
      const set = decide(current);
      if (!set) return { doc: current, written: false };
      const claim: WriteClaim = {
        _id: `${collection.collectionName}:${String(id)}:${(current.version ?? 0) + 1}`,
        collection: collection.collectionName,
        doc: id,
        version: (current.version ?? 0) + 1,
        set,
        at: new Date(),
      };
      try {
        await this.claims.insertOne(claim);
      } catch (e) {
        if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
        // Someone else holds this version: make sure it is written, then decide again on the result.
        const other = await this.claims.findOne({ _id: claim._id });
        current = other ? await this.write(collection, other) : await this.read(collection, id);
        continue;
      }
      return { doc: await this.write(collection, claim), written: true };
    }
    throw new ConcurrentChangeError(collection.collectionName, id, attempts);
  }

  /**
   * The document with every claimed version written: FerretDB's update reads, then writes the whole
   * document, so a late write of version v can land after version v + 1 was written and read back by
   * its writer (six concurrent changes of one attachment's readers lost one in a CI run). The newer
   * claim is kept, so it is found here (the claim of the version after the stored one) and written again.
   */
  async settled<T extends Claimable>(collection: Collection<T>, id: T['_id']): Promise<T | null> {
    let current = await this.read(collection, id);
    for (let round = 0; current && round < 20; round++) {
      const next = await this.claims.findOne({ _id: `${collection.collectionName}:${String(id)}:${(current.version ?? 0) + 1}` });
      if (!next) return current;
      current = await this.write(collection, next);
    }
    return current;
  }

  private read<T extends Claimable>(collection: Collection<T>, id: T['_id']): Promise<T | null> {
    return collection.findOne({ _id: id } as Filter<T>) as Promise<T | null>;
  }

  /** Writes a claim's fields unless the document is already at its version or later; reads it back. */
  private async write<T extends Claimable>(collection: Collection<T>, claim: WriteClaim): Promise<T | null> {
    const older = { _id: claim.doc, $or: [{ version: { $exists: false } }, { version: { $lt: claim.version } }] } as Filter<T>;
    for (let round = 0; round < 3; round++) {
      await collection.updateOne(older, { $set: { ...claim.set, version: claim.version } } as never);
      const stored = await this.read(collection, claim.doc as T['_id']);
      if (!stored || (stored.version ?? 0) >= claim.version) return stored;
    }
    throw new ConcurrentChangeError(collection.collectionName, claim.doc, 3);
  }
}
