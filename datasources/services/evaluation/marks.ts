/**
 * Persons to evaluate again (`evaluation_marks`): ingest marks the persons whose records a push
 * stored, before it answers; the incremental evaluation (incremental.ts) takes a batch of marks,
 * evaluates those persons and removes exactly the marks it took once their leads are reconciled.
 *
 * Marks are only ever inserted and deleted, never updated: one document per person and write
 * (`_id` = `<ID number>:<tag>`, the tag the push's `pushId`), with the time it was marked. A person
 * marked twice has two marks until a batch takes both. FerretDB 1.24 checks a write's filter on its
 * read only (store.md, claimed writes), so one document per person, re-marked by an update and
 * removed by a delete guarded on its mark time, could lose a mark made while a batch evaluated the
 * person; with insert-only marks a batch deletes by `_id` the marks it read, and a mark made after
 * that read is another document, left for the next batch.
 *
 * A process can also die between storing a batch's records and marking their persons; a retried push
 * then finds the records unchanged and marks nobody. So before writing, ingest stores an intent
 * (`evaluation_intents`: one document per batch with its persons) and removes it once the persons are
 * marked. An intent older than `INTENT_STALE_MS` belongs to a writer that died or could not mark: the
 * incremental evaluation turns it into marks. Turning a live writer's intent into marks early is
 * harmless (the persons are evaluated once more, and marked again after the write).
 */
import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { Schema, type Connection, type Model } from 'mongoose';
import type { BatchLookup } from '../../store/lookup';
import { deleteByIds, insertNew } from './keyed';

export interface MarkDoc {
  _id: string;
  idNumber: string;
  /** when the person was marked (wall clock of the marking process) */
  at: Date;
}

const markSchema = new Schema<MarkDoc>(
  { _id: String, idNumber: String, at: Date },
  { versionKey: false, autoIndex: false, collection: 'evaluation_marks' },
);

/** A batch's persons, stored before its records are written (see above). */
export interface IntentDoc {
  _id: string;
  idNumbers: string[];
  at: Date;
}

const intentSchema = new Schema<IntentDoc>(
  { _id: String, idNumbers: [String], at: Date },
  { versionKey: false, autoIndex: false, collection: 'evaluation_intents' },
);

/** How old an intent must be before the incremental evaluation takes its writer for dead. */
export const INTENT_STALE_MS = 60_000;

/** What ingest needs of the marks: persons marked before a push is answered. */
export interface PersonMarks {
  mark(idNumbers: Iterable<string>, tag: string): Promise<void>;
  /** stores the persons a batch is about to write; its id, for `fulfil` */
  intend(idNumbers: Iterable<string>): Promise<string>;
  /** the batch's persons are marked: its intent goes */
  fulfil(intent: string): Promise<void>;
}

export class EvaluationMarks implements PersonMarks {
  readonly Mark: Model<MarkDoc>;
  readonly Intent: Model<IntentDoc>;
  /** how marks are deleted by `_id` (set by createDataSources from the store profile), as batch lookups are */
  lookup: BatchLookup = 'in';

  constructor(connection: Connection) {
    this.Mark = (connection.models.EvaluationMark as Model<MarkDoc> | undefined) ?? connection.model<MarkDoc>('EvaluationMark', markSchema);
    this.Intent =
      (connection.models.EvaluationIntent as Model<IntentDoc> | undefined) ?? connection.model<IntentDoc>('EvaluationIntent', intentSchema);
  }

  private get intents(): Collection<IntentDoc> {
    return this.Intent.collection as unknown as Collection<IntentDoc>;
  }

  private get collection(): Collection<MarkDoc> {
    return this.Mark.collection as unknown as Collection<MarkDoc>;
  }

  async ensureIndexes(): Promise<void> {
    await this.Mark.createCollection().catch(() => undefined);
    await this.Intent.createCollection().catch(() => undefined);
  }

  async intend(idNumbers: Iterable<string>): Promise<string> {
    const _id = randomUUID();
    await this.intents.insertOne({ _id, idNumbers: [...new Set(idNumbers)], at: new Date() });
    return _id;
  }

  async fulfil(intent: string): Promise<void> {
    await this.intents.deleteOne({ _id: intent });
  }

  /**
   * Marks the persons of intents stored before `before` (their writers died or could not mark), then
   * removes those intents; the number turned into marks. The collection holds only the batches being
   * written, so reading it whole is cheap.
   */
  async recover(before: Date): Promise<number> {
    const stale = await this.intents.find({ at: { $lt: before } }).toArray();
    for (const intent of stale) {
      await this.mark(intent.idNumbers, `intent-${intent._id}`);
      await this.intents.deleteOne({ _id: intent._id });
    }
    return stale.length;
  }

  /** Marks these persons (one insert for them all); a mark already there under this tag is kept as it is. */
  async mark(idNumbers: Iterable<string>, tag: string): Promise<void> {
    const at = new Date();
    await insertNew(
      this.collection,
      [...new Set(idNumbers)].map((idNumber) => ({ _id: `${idNumber}:${tag}`, idNumber, at })),
    );
  }

  /** Up to `limit` marks, in the store's order (no sort: FerretDB would read them all to sort). */
  take(limit: number): Promise<MarkDoc[]> {
    return this.collection.find({}, { limit, batchSize: limit }).toArray();
  }

  /** Every mark's id and person (the full run removes those it covered). */
  all(): Promise<Pick<MarkDoc, '_id' | 'idNumber'>[]> {
    return this.collection.find({}, { projection: { _id: 1, idNumber: 1 }, batchSize: 100_000 }).toArray();
  }

  /** Removes these marks (keyed.ts); marks made since they were read are other documents and stay. */
  remove(ids: readonly string[]): Promise<void> {
    return deleteByIds(this.collection as never, ids, this.lookup);
  }

  /** Marks waiting (the store's estimate). */
  pending(): Promise<number> {
    return this.collection.estimatedDocumentCount();
  }
}
