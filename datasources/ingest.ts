/**
 * Ingest: storing a batch of records pushed by a HOSTED source.
 *
 * - Every record is validated on its own (domain/records.ts); a bad record is rejected with its
 *   reasons and never blocks its good neighbours.
 * - Idempotent: one copy per (sourceId, externalId), enforced by a unique index; the department's
 *   `updatedAt` decides which version wins, so replaying a batch changes nothing.
 * - A batch costs a constant number of round trips: one `find` of the stored versions, one ordered
 *   `bulkWrite` of the changes, and the same two for persons.
 *
 * Why ordered writes after a read, not unordered upserts with a version filter: FerretDB 1.24 stops an
 * unordered bulk write at its first error (a duplicate key from a lost race), unlike MongoDB, so the
 * results of the other writes would be unknown. Ordered writes say exactly which writes were done on
 * both stores; after a duplicate key (a concurrent push of the same record) the hub continues with the
 * next write and retries the raced record as a versioned replace.
 */
import { Types, type Model } from 'mongoose';
import type { AnyBulkWriteOperation } from 'mongodb';
import { parseIdNumber } from '../domain/id-number';
import { regionPath } from '../domain/regions';
import { validateRecord, type AnyRecordInput, type Domain } from '../domain/records';
import type { AnyRecordDoc, DataSourceDoc, Models, PersonDoc } from './models';

export interface RejectedRecord {
  /** position of the record in the batch (the line number − 1 for NDJSON) */
  index: number;
  externalId: string | null;
  reasons: string[];
}

export interface IngestResult {
  accepted: number;
  unchanged: number;
  rejected: RejectedRecord[];
}

export interface IngestOptions {
  /** index of the first record of this batch within the whole push (for `rejected[].index`) */
  startIndex?: number;
  /** the hub's receipt time per record; defaults to now (the seed simulates delivery days) */
  receivedAt?: (index: number) => Date;
}

const DUPLICATE_KEY = 11000;

export function emptyResult(): IngestResult {
  return { accepted: 0, unchanged: 0, rejected: [] };
}

export function addResults(into: IngestResult, more: IngestResult): IngestResult {
  into.accepted += more.accepted;
  into.unchanged += more.unchanged;
  into.rejected.push(...more.rejected);
  return into;
}

export class Ingestor {
  constructor(private readonly models: Models) {}

  /** Validates and stores a batch of records for one source. Throws only when the store fails. */
  async ingest(source: DataSourceDoc, inputs: readonly unknown[], options: IngestOptions = {}): Promise<IngestResult> {
    const start = options.startIndex ?? 0;
    const result = emptyResult();
    const valid = new Map<string, { doc: AnyRecordDoc; index: number }>();
    inputs.forEach((input, i) => {
      const index = start + i;
      const checked = validateRecord(source.domain, input);
      const externalId = externalIdOf(input);
      if (!checked.ok) {
        result.rejected.push({ index, externalId, reasons: checked.reasons });
        return;
      }
      const outside = !source.regions.some((prefix) => checked.record.region.startsWith(prefix));
      if (outside) {
        result.rejected.push({
          index, externalId,
          reasons: [`region: ${checked.record.region} is outside the source's regions (${source.regions.join(', ')})`],
        });
        return;
      }
      const doc = toDoc(source, checked.record, options.receivedAt?.(index) ?? new Date());
      const seen = valid.get(doc.externalId);
      // The same record twice in one batch: the newer version stands, the other is unchanged.
      if (seen && seen.doc.updatedAt >= doc.updatedAt) { result.unchanged++; return; }
      if (seen) result.unchanged++;
      valid.set(doc.externalId, { doc, index });
    });
    if (valid.size === 0) return result;

    const model = this.models.records[source.domain] as unknown as Model<AnyRecordDoc>;
    const docs = [...valid.values()].map((v) => v.doc);
    // Driver collection for operator filters: mongoose runs with sanitizeFilter on (see RecordStore).
    const stored = await model.collection.find(
      { sourceId: source._id, externalId: { $in: docs.map((d) => d.externalId) } },
      { projection: { externalId: 1, updatedAt: 1 } },
    ).toArray() as unknown as { _id: Types.ObjectId; externalId: string; updatedAt: Date }[];
    const storedBy = new Map(stored.map((s) => [s.externalId, s]));

    const writes: AnyBulkWriteOperation<AnyRecordDoc>[] = [];
    const written: AnyRecordDoc[] = [];
    for (const doc of docs) {
      const old = storedBy.get(doc.externalId);
      if (!old) {
        writes.push({ insertOne: { document: doc } });
      } else if (old.updatedAt < doc.updatedAt) {
        doc._id = old._id;
        writes.push({ replaceOne: { filter: { _id: old._id, updatedAt: { $lt: doc.updatedAt } }, replacement: doc } });
      } else {
        result.unchanged++;
        continue;
      }
      written.push(doc);
    }
    const outcome = await writeOrdered(model, writes, (i) => versionedReplace(written[i]));
    result.accepted += outcome.done;
    result.unchanged += outcome.skipped;
    await this.upsertPersons(written.filter((_, i) => outcome.applied[i]));
    return result;
  }

  /** Keeps one person document per ID number, named as the newest record names them. */
  private async upsertPersons(docs: AnyRecordDoc[]): Promise<void> {
    if (docs.length === 0) return;
    const newest = new Map<string, AnyRecordDoc>();
    for (const d of docs) {
      const n = newest.get(d.idNumber);
      if (!n || n.updatedAt < d.updatedAt) newest.set(d.idNumber, d);
    }
    const stored = await this.models.Person.collection.find(
      { idNumber: { $in: [...newest.keys()] } }, { projection: { idNumber: 1, updatedAt: 1, name: 1 } },
    ).toArray() as unknown as Pick<PersonDoc, '_id' | 'idNumber' | 'updatedAt' | 'name'>[];
    const storedBy = new Map(stored.map((p) => [p.idNumber, p]));
    const writes: AnyBulkWriteOperation<PersonDoc>[] = [];
    const persons: PersonDoc[] = [];
    for (const d of newest.values()) {
      const old = storedBy.get(d.idNumber);
      if (old && (old.updatedAt >= d.updatedAt || old.name === d.name)) continue;
      const person = personOf(d);
      if (old) writes.push({ updateOne: { filter: { _id: old._id, updatedAt: { $lt: d.updatedAt } }, update: { $set: { name: d.name, updatedAt: d.updatedAt } } } });
      else writes.push({ insertOne: { document: person } });
      persons.push(person);
    }
    await writeOrdered(this.models.Person, writes, (i) => ({
      updateOne: { filter: { idNumber: persons[i].idNumber, updatedAt: { $lt: persons[i].updatedAt } }, update: { $set: { name: persons[i].name, updatedAt: persons[i].updatedAt } } },
    }));
  }
}

function versionedReplace(doc: AnyRecordDoc): AnyBulkWriteOperation<AnyRecordDoc> {
  const { _id, ...rest } = doc;
  return { replaceOne: { filter: { sourceId: doc.sourceId, externalId: doc.externalId, updatedAt: { $lt: doc.updatedAt } }, replacement: rest as AnyRecordDoc } };
}

/**
 * Runs writes in order; after a duplicate key at write i (another push inserted the same key first),
 * retries it once as `onDuplicate(i)` and goes on with i + 1.
 * `done` counts writes that changed the store, `skipped` those that found a newer or equal version.
 */
async function writeOrdered<T extends object>(
  model: Model<T>,
  writes: AnyBulkWriteOperation<any>[],
  onDuplicate: (index: number) => AnyBulkWriteOperation<any>,
): Promise<{ done: number; skipped: number; applied: boolean[] }> {
  const applied = new Array<boolean>(writes.length).fill(false);
  let done = 0;
  let skipped = 0;
  let from = 0;
  while (from < writes.length) {
    try {
      const r = await model.collection.bulkWrite(writes.slice(from) as AnyBulkWriteOperation<any>[], { ordered: true });
      // Replaces whose version filter no longer matched found a newer version.
      const changed = r.insertedCount + r.modifiedCount + r.upsertedCount;
      done += changed;
      skipped += writes.length - from - changed;
      applied.fill(true, from);
      break;
    } catch (error: any) {
      const first = error?.writeErrors?.[0] ?? (Array.isArray(error?.writeErrors) ? undefined : error?.writeErrors);
      if (error?.name !== 'MongoBulkWriteError' || !first || first.code !== DUPLICATE_KEY) throw error;
      const failedAt = from + first.index;
      const r = error.result;
      const before = (r?.insertedCount ?? 0) + (r?.modifiedCount ?? 0) + (r?.upsertedCount ?? 0);
      done += before;
      skipped += failedAt - from - before;
      applied.fill(true, from, failedAt);
      const retry = await model.collection.bulkWrite([onDuplicate(failedAt) as AnyBulkWriteOperation<any>], { ordered: true });
      if (retry.modifiedCount + retry.upsertedCount > 0) { done++; applied[failedAt] = true; } else skipped++;
      from = failedAt + 1;
    }
  }
  return { done, skipped, applied };
}

function externalIdOf(input: unknown): string | null {
  const v = input && typeof input === 'object' ? (input as Record<string, unknown>).externalId : undefined;
  return typeof v === 'string' ? v : null;
}

/** The stored document: the validated record without empty fields, plus what the hub adds. */
function toDoc(source: DataSourceDoc, record: AnyRecordInput, recordedAt: Date): AnyRecordDoc {
  const doc: Record<string, unknown> = { _id: new Types.ObjectId() };
  for (const [k, v] of Object.entries(record)) if (v !== undefined && v !== null) doc[k] = v;
  doc.sourceId = source._id;
  doc.regionPath = regionPath(record.region);
  doc.recordedAt = recordedAt;
  return doc as unknown as AnyRecordDoc;
}

function personOf(record: AnyRecordDoc): PersonDoc {
  const info = parseIdNumber(record.idNumber);
  if (!info.ok) throw new Error(`stored record ${record.externalId} has an invalid ID number`); // validated above
  return {
    _id: new Types.ObjectId(),
    idNumber: record.idNumber,
    name: record.name,
    gender: info.value.gender,
    birthDate: info.value.birthDate,
    region: info.value.regionCode,
    updatedAt: record.updatedAt,
  };
}

export type { Domain };
