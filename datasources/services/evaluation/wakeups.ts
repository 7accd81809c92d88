/**
 * Wake-ups (`evaluation_wakeups`): the day each person's findings next change with the records as
 * they are (a stage deadline passing, a reporting deadline, a release date; `evaluatePerson`'s
 * `nextChange`). Every evaluation of a person records it; each day the hub evaluates the persons due
 * (incremental.ts, `wakeUp`) instead of re-reading every record, and removes the entries it handled
 * once their leads are reconciled.
 *
 * One document per (day, person), `_id` = `<day>:<ID number>`, inserted and deleted, never updated
 * (keyed.ts): an entry a run read is deleted by `_id`, and one recorded meanwhile is another document.
 * An entry whose person's next change moved (a push changed the records) is harmless: evaluating
 * the person that day finds the findings as stored and writes nothing.
 */
import type { Collection } from 'mongodb';
import { Schema, type Connection, type Model } from 'mongoose';
import { findByKeys, type BatchLookup } from '../../store/lookup';
import { deleteByIds, insertNew } from './keyed';

export interface WakeupDoc {
  _id: string;
  /** the Beijing day (days since 1970-01-01) on which the person's findings change */
  day: number;
  idNumber: string;
  /** when it was recorded (wall clock of the recording process) */
  at: Date;
}

const wakeupSchema = new Schema<WakeupDoc>(
  { _id: String, day: Number, idNumber: String, at: Date },
  { versionKey: false, autoIndex: false, collection: 'evaluation_wakeups' },
);
// MongoDB: the due entries are one range on it. FerretDB: one equality per day, on a GIN index (ferretdb/indexes.ts).
wakeupSchema.index({ day: 1 });

/** A person's next change, as an evaluation found it. */
export interface NextChange {
  idNumber: string;
  day: number;
}

export const wakeupId = (w: NextChange): string => `${w.day}:${w.idNumber}`;

export class EvaluationWakeups {
  readonly Wakeup: Model<WakeupDoc>;
  /** how entries are read and deleted (set by createDataSources from the store profile), as batch lookups are */
  lookup: BatchLookup = 'in';

  constructor(connection: Connection) {
    this.Wakeup =
      (connection.models.EvaluationWakeup as Model<WakeupDoc> | undefined) ?? connection.model<WakeupDoc>('EvaluationWakeup', wakeupSchema);
  }

  private get collection(): Collection<WakeupDoc> {
    return this.Wakeup.collection as unknown as Collection<WakeupDoc>;
  }

  async ensureIndexes(): Promise<void> {
    await this.Wakeup.createCollection().catch(() => undefined);
    await this.Wakeup.createIndexes();
  }

  /**
   * Records these next changes. Those already recorded are left out first (`known`: the ids a full run
   * read; otherwise looked up by `_id`): a night's full run finds most persons' next change unchanged,
   * and an insert of entries already there costs FerretDB one insert per entry.
   */
  async record(changes: readonly NextChange[], known?: ReadonlySet<string>): Promise<void> {
    if (changes.length === 0) return;
    const wanted = new Map(changes.map((c) => [wakeupId(c), c]));
    for (const id of known ?? []) wanted.delete(id);
    if (!known)
      for (const w of await findByKeys<WakeupDoc>(this.collection as never, '_id', [...wanted.keys()], { _id: 1 }, this.lookup, { _id: 1 }))
        wanted.delete(w._id);
    const at = new Date();
    await insertNew(
      this.collection,
      [...wanted].map(([_id, c]) => ({ _id, day: c.day, idNumber: c.idNumber, at })),
    );
  }

  /**
   * Up to `limit` entries due on a day from `from` through `today`, the earliest days first on
   * FerretDB. MongoDB: one range on the `day` index (every entry due, whatever `from`). FerretDB,
   * which pushes no range down: one equality per day from `from`, until `limit` are found.
   */
  async due(from: number, today: number, limit: number): Promise<WakeupDoc[]> {
    if (this.lookup === 'in') return this.collection.find({ day: { $lte: today } }, { limit, batchSize: limit }).toArray();
    const out: WakeupDoc[] = [];
    for (let day = from; day <= today && out.length < limit; day++)
      out.push(...(await this.collection.find({ day }, { limit: limit - out.length, batchSize: limit - out.length }).toArray()));
    return out;
  }

  /** Every entry's id, one pass (the full run: those of persons whose next change it finds again are not inserted again). */
  async *ids(): AsyncIterable<Pick<WakeupDoc, '_id' | 'idNumber'>> {
    yield* this.collection.find({}, { projection: { _id: 1, idNumber: 1 }, batchSize: 100_000 });
  }

  /** Removes these entries; entries recorded since they were read are other documents and stay. */
  remove(ids: readonly string[]): Promise<void> {
    return deleteByIds(this.collection as never, ids, this.lookup);
  }

  /** Entries waiting (the store's estimate). */
  pending(): Promise<number> {
    return this.collection.estimatedDocumentCount();
  }
}
