/**
 * Ingest: storing a batch of records pushed by a HOSTED source.
 *
 * - Every record is validated on its own (domain/records.ts); a bad record is rejected with its
 *   reasons and never blocks its good neighbours.
 * - Idempotent: one copy per (sourceId, externalId), enforced by a unique index; the department's
 *   `updatedAt` decides which version wins, so replaying a batch changes nothing.
 * - Insert first: most pushes carry new records, so a batch is first written as one ordered insert,
 *   with no read. At the first duplicate key the rest of the batch takes the careful path: a lookup
 *   of the stored versions, then inserts and version-guarded replaces.
 * - A record the store refuses (FerretDB passes PostgreSQL's data errors on, e.g. a NUL character in
 *   text, SQLSTATE 22P05) is a rejected record with the store's reason: its neighbours are stored
 *   and the push's counts are what the store holds. Only a store that fails (unreachable, down)
 *   fails the batch.
 *
 * Store quirks this is built around (FerretDB 1.24, measured): an unordered bulk write stops at its
 * first error, and an ordered insert may still store records after the one that failed (it works in
 * batches). So every version written carries the push's `pushId`, and after a duplicate key the
 * counts come from the store itself (the versions stamped with this push), exact on both stores.
 * A raced record (a concurrent push inserted it first) is retried as a version-guarded replace.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Types, type Model } from 'mongoose';
import type { Document } from 'mongodb';
import {
  DUPLICATE_KEY,
  eachInFlight,
  insertUntilDuplicate,
  replaceAll,
  UPDATES_IN_FLIGHT,
  type GuardedReplace,
  type ReplaceWrites,
} from '../store/single-updates';
import { regionPath } from '../../domain/regions';
import { validateRecord, type AnyRecordInput, type ValidationOptions } from '../../domain/records';
import { eventDayOf, eventHourOf, eventMonthOf, type AnyRecordDoc, type DataSourceDoc, type Models } from '../store/models';
import { rememberRejections, type DeliveredRejection } from './quality';
import { findByKeys, type BatchLookup } from '../store/lookup';
import type { RecordDays } from '../store/ferretdb/record-days';
import type { StatCounts } from './stat-counts';
import type { PersonMarks } from './evaluation/marks';

export interface RejectedRecord {
  /** position of the record in the push (the line number − 1 for NDJSON) */
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
  /** the push index of each record of the batch, when they are not consecutive (NDJSON with bad lines) */
  indexes?: readonly number[];
  /** the hub's receipt time per record (index within the batch); defaults to now (the seed simulates delivery days) */
  receivedAt?: (index: number) => Date;
  /**
   * Answer without waiting for the batch's after-write mark of the statistics partitions (NDJSON
   * pushes: marks of concurrent batches are shared, stat-counts.ts). `statistics` in this process
   * waits for marks under way; another hub meanwhile answers from counts that a write's lease kept
   * from being stored, so it is stale only if that lease was lost. Default: wait.
   */
  deferMark?: boolean;
  /**
   * Mark the persons stored for the incremental evaluation (default true). A bulk load that a full
   * evaluation follows (the seed) can leave it off: marking a whole data set only queues work the
   * full run does anyway.
   */
  markPersons?: boolean;
}

export function emptyResult(): IngestResult {
  return { accepted: 0, unchanged: 0, rejected: [] };
}

export function addResults(into: IngestResult, more: IngestResult): IngestResult {
  into.accepted += more.accepted;
  into.unchanged += more.unchanged;
  into.rejected.push(...more.rejected);
  return into;
}

export interface IngestorOptions {
  models: Models;
  /** the list reads' days registry: a batch's days are listed before its records are written */
  days?: RecordDays;
  /** the statistics partitions: those a batch touches are marked before and after it is written */
  counted?: StatCounts;
  /** how far ahead of the hub's clock a record's times may lie */
  validation?: Pick<ValidationOptions, 'futureSkewMs'>;
  /** how corrections are written (the store profile's: a command each on FerretDB, a bulk write on MongoDB; default `each`) */
  replaces?: ReplaceWrites;
  /** the persons to evaluate again (incremental evaluation): those whose records a batch stored, marked before it is answered */
  marks?: PersonMarks;
}

export class Ingestor {
  private readonly models: Models;
  private readonly days?: RecordDays;
  private readonly counted?: StatCounts;
  private readonly validation: Pick<ValidationOptions, 'futureSkewMs'>;
  private readonly replaces: ReplaceWrites;
  private readonly marks?: PersonMarks;

  constructor(options: IngestorOptions) {
    this.replaces = options.replaces ?? 'each';
    this.marks = options.marks;
    this.models = options.models;
    this.days = options.days;
    this.counted = options.counted;
    this.validation = options.validation ?? {};
  }

  /**
   * How the careful path looks stored versions up (set by createDataSources from the store's kind):
   * `in`, one `$in` of the batch's external ids within the source (MongoDB's unique index serves it);
   * `equality`, one equality on `externalId` per record, in parallel. FerretDB 1.24 pushes only
   * equality down to PostgreSQL (GIN-indexed, datasources/store/ferretdb/indexes.ts) and answers the `$in` by
   * reading every record of the source: a replayed line took 22.7 s in a source of 116,649 records.
   * The source is checked in the hub (two equalities would let PostgreSQL AND in the source's bitmap).
   */
  lookup: BatchLookup = 'in';

  /**
   * Versions this process saw stored, per (source, external id): the store holds that version or a
   * newer one for good (versions only move forward, and no record is ever deleted), so a record
   * re-sent at or below it is unchanged without a read. Retrying after a fault is the normal path,
   * and a retry usually reaches the process that took the first push; another process (or this one
   * after a restart) looks the versions up in the store instead.
   */
  private readonly known = new KnownVersions(MAX_KNOWN_VERSIONS);

  /** Validates and stores a batch of records for one source. Throws only when the store fails. */
  async ingest(source: DataSourceDoc, inputs: readonly unknown[], options: IngestOptions = {}): Promise<IngestResult> {
    const start = options.startIndex ?? 0;
    const result = emptyResult();
    const checked: CheckedRecord[] = [];
    const delivered: DeliveredRejection[] = [];
    const reject = (input: unknown, rejection: RejectedRecord) => {
      result.rejected.push(rejection);
      delivered.push({ rejection, content: input });
    };
    inputs.forEach((input, i) => {
      const index = options.indexes?.[i] ?? start + i;
      const v = validateRecord(source.domain, input, this.validation);
      const externalId = externalIdOf(input);
      if (!v.ok) {
        reject(input, { index, externalId, reasons: v.reasons });
        return;
      }
      const outside = !source.regions.some((prefix) => v.record.region.startsWith(prefix));
      if (outside) {
        reject(input, {
          index,
          externalId,
          reasons: [`region: ${v.record.region} is outside the source's regions (${source.regions.join(', ')})`],
        });
        return;
      }
      checked.push({ index, record: v.record });
    });
    // Remembered for the accuracy figures (dataQuality): a rejection is a delivery that went wrong.
    await rememberRejections(this.models, source, delivered, options.receivedAt);
    return this.ingestChecked(source, checked, options, result);
  }

  /**
   * Stores records validation passed (the write path of `ingest`), adding to `result`. A record the
   * store refuses is added to the rejections with the store's reason, and remembered like them.
   */
  async ingestChecked(
    source: DataSourceDoc,
    records: readonly CheckedRecord[],
    options: IngestOptions = {},
    result = emptyResult(),
  ): Promise<IngestResult> {
    /** stamped on every version this call writes, so its own writes can be told apart */
    const pushId = randomBytes(8).toString('hex');
    const valid = new Map<string, { doc: AnyRecordDoc; index: number; record: AnyRecordInput }>();
    for (const { index, record } of records) {
      const doc = toDoc(source, record, options.receivedAt?.(index) ?? new Date(), pushId);
      const seen = valid.get(doc.externalId);
      // The same record twice in one batch: the newer version stands, the other is unchanged.
      if (seen && seen.doc.updatedAt >= doc.updatedAt) {
        result.unchanged++;
        continue;
      }
      if (seen) result.unchanged++;
      valid.set(doc.externalId, { doc, index, record });
    }
    const receipt = receiptOf(source, valid.values());
    for (const [externalId, v] of valid) {
      if (this.known.covers(source, v.doc)) {
        result.unchanged++;
        valid.delete(externalId);
      }
    }
    if (valid.size === 0) return result;
    // The same batch stored before (a push retried after a fault, by any process): unchanged, one read.
    if (await this.receipts.findOne({ _id: receipt }, { projection: { _id: 1 } })) {
      for (const v of valid.values()) this.known.note(source, v.doc.externalId, v.doc.updatedAt);
      result.unchanged += valid.size;
      return result;
    }

    const model = this.models.records[source.domain] as unknown as Model<AnyRecordDoc>;
    const docs = [...valid.values()].map((v) => v.doc);
    /** statistics partitions this batch may change: the new versions' months, and the replaced versions' */
    const months = new Set(docs.map((d) => d.eventMonth!));
    const touching = async (more: Iterable<string | undefined>) => {
      const fresh = [...more].filter((m): m is string => !!m && !months.has(m));
      fresh.forEach((m) => months.add(m));
      await this.counted?.writing(source.domain, fresh);
    };
    await Promise.all([
      this.days?.note(
        source.domain,
        docs.map((d) => d.eventDay!),
      ),
      this.counted?.writing(source.domain, months),
    ]);
    const refused: DeliveredRejection[] = [];
    /** the persons whose records this batch stored (a new version), and those a correction moved a record away from */
    const stored = new Set<string>();
    const marks = options.markPersons === false ? undefined : this.marks;
    // Before the write: a process that dies between storing and marking leaves its persons here (marks.ts).
    const intent = await marks?.intend(docs.map((d) => d.idNumber));
    try {
      await this.write(
        model,
        source,
        docs,
        pushId,
        result,
        touching,
        (doc, reason) => {
          const { index, record } = valid.get(doc.externalId)!;
          refused.push({
            rejection: { index, externalId: doc.externalId, reasons: [`record: refused by the store: ${bounded(reason)}`] },
            content: record,
          });
        },
        stored,
      );
      // Before the answer (and the receipt): an accepted push is never answered without its persons marked.
      if (stored.size > 0) await marks?.mark(stored, pushId);
      if (intent) await marks!.fulfil(intent).catch(() => undefined);
    } catch (e) {
      // Part of the batch may be stored, and a retry would find it unchanged and mark nothing: mark every
      // person of the batch (evaluating one whose records did not change finds what it found before).
      // If that fails too, the intent stays and the incremental evaluation marks them later.
      if (marks && intent)
        await marks
          .mark(
            docs.map((d) => d.idNumber),
            pushId,
          )
          .then(() => marks.fulfil(intent))
          .catch(() => undefined);
      throw e;
    } finally {
      // Also after a failed write: some of it may be stored. If this mark fails (the store went away),
      // the answer still says what was stored; the lease set before runs out and the counts are made again.
      const marked = this.counted?.written(source.domain, months, options.deferMark).catch(() => undefined);
      if (!options.deferMark) await marked;
    }
    if (refused.length > 0) {
      refused.sort((a, b) => a.rejection.index - b.rejection.index);
      result.rejected.push(...refused.map((r) => r.rejection));
      await rememberRejections(this.models, source, refused, options.receivedAt);
    } else {
      // every version of the batch is now stored (or a newer one): its receipt answers a replay
      await this.receipts.insertOne({ _id: receipt, sourceId: source._id, at: new Date() }).catch((e: { code?: number }) => {
        if (e?.code !== DUPLICATE_KEY) throw e;
      });
    }
    return result;
  }

  /**
   * Receipts of stored batches (`ingest_receipts`): `_id` a hash of the source and each record's
   * (external id, updatedAt). A push retried after a fault resends the same batches, and the careful
   * path would look every record up (one equality each on FerretDB, which pushes no `$in` down: a
   * 50,000-record replay took 8.5 x its first push); its receipt is one `_id` lookup per batch.
   * Sound because a stored version is only ever replaced by a newer one and records are never
   * deleted: what a receipt says was stored stays stored or newer, so the batch is unchanged, as the
   * careful path would find. A batch with any record the store refused gets no receipt.
   */
  private get receipts() {
    return this.models.DataSource.db.collection<{ _id: string; sourceId: Types.ObjectId; at: Date }>('ingest_receipts');
  }

  private async write(
    model: Model<AnyRecordDoc>,
    source: DataSourceDoc,
    docs: AnyRecordDoc[],
    pushId: string,
    result: IngestResult,
    touching: (months: Iterable<string | undefined>) => Promise<void>,
    refuse: (doc: AnyRecordDoc, reason: string) => void,
    stored: Set<string>,
  ): Promise<void> {
    // Fast path: insert everything; stop at the first record the store already has. A record the
    // store refuses sends the whole batch the careful way (which of them it was is not said).
    let firstTry: { complete: boolean; inserted: number };
    try {
      firstTry = await insertUntilDuplicate(model.collection, docs);
    } catch (error) {
      if (refusalOf(error) === null) throw error;
      firstTry = { complete: false, inserted: 0 };
    }
    const seen = (id: string, at: Date) => this.known.note(source, id, at);
    for (const doc of docs.slice(0, firstTry.complete ? docs.length : firstTry.inserted)) {
      seen(doc.externalId, doc.updatedAt);
      stored.add(doc.idNumber);
    }
    if (firstTry.complete) {
      result.accepted += docs.length;
      return;
    }
    const rest = docs.slice(firstTry.inserted);

    // Careful path for the rest: compare with the stored versions. What this push itself stored is
    // recognised by its pushId (FerretDB may store records past the failed one of an ordered insert).
    const storedBy = await this.storedVersions(model, source, rest);
    const inserts: AnyRecordDoc[] = [];
    const replaces: AnyRecordDoc[] = [];
    const replacedMonths: (string | undefined)[] = [];
    /** the ID number of the version a new one replaces (a correction may change it: the old person changes too) */
    const previous = new Map<string, string | undefined>();
    for (const doc of rest) {
      const old = storedBy.get(doc.externalId);
      if (old?.pushId === pushId) continue;
      if (!old) {
        inserts.push(doc);
      } else if (old.updatedAt < doc.updatedAt) {
        doc._id = old._id;
        previous.set(doc.externalId, old.idNumber);
        keepFirstSeen(doc, old);
        replaces.push(doc);
        replacedMonths.push(old.eventMonth);
      }
    }
    const refused = new Set<string>();
    /** A write of `doc` failed: the store's refusal rejects the record; any other failure fails the batch. */
    const refusing = (doc: AnyRecordDoc, error: unknown) => {
      const reason = refusalOf(error);
      if (reason === null) throw error;
      refused.add(doc.externalId);
      refuse(doc, reason);
    };
    // A correction may move a record to another month: that month's counts change too.
    await touching(replacedMonths);
    await Promise.all([
      insertAll(
        model,
        inserts,
        async (doc) => {
          // Another push inserted this record first: what it stored is replaced, so its month is touched.
          const current = (await this.storedVersions(model, source, [doc])).get(doc.externalId);
          if (!current) return;
          previous.set(doc.externalId, current.idNumber);
          await touching([current.eventMonth]);
          keepFirstSeen(doc, current);
          await versionedReplace(model, current._id, doc).catch((e) => refusing(doc, e));
        },
        refusing,
      ),
      this.replaceVersions(
        model,
        replaces.map((doc) => ({ id: doc._id, doc })),
        refusing,
      ),
    ]);
    const written = rest.filter((d) => !refused.has(d.externalId));
    // Nothing written on this path (a replay): the versions read are the answer, no second read.
    const mine =
      inserts.length + replaces.length === 0
        ? written.filter((d) => storedBy.get(d.externalId)?.pushId === pushId).length
        : await this.readBack(model, source, written, pushId, touching, refusing, (stored) => {
            storedBy.clear();
            stored.forEach((s, id) => storedBy.set(id, s));
          });
    storedBy.forEach((s) => seen(s.externalId, s.updatedAt));
    for (const doc of written) {
      if (storedBy.get(doc.externalId)?.pushId !== pushId) continue;
      stored.add(doc.idNumber);
      const before = previous.get(doc.externalId);
      if (before) stored.add(before);
    }
    result.accepted += firstTry.inserted + mine;
    result.unchanged += written.length - mine;
  }

  /** The stored versions of `docs` in `source`, by external id (see `lookup`). */
  private async storedVersions(
    model: Model<AnyRecordDoc>,
    source: DataSourceDoc,
    docs: readonly AnyRecordDoc[],
  ): Promise<Map<string, StoredVersion>> {
    const ids = docs.map((d) => d.externalId);
    const rows =
      this.lookup === 'equality'
        ? await findByKeys<StoredVersion>(model.collection, 'externalId', ids, {}, 'equality', VERSION_FIELDS)
        : ((await model.collection
            .find({ sourceId: source._id, externalId: { $in: ids } }, { projection: VERSION_FIELDS, batchSize: 100_000 })
            .toArray()) as unknown as StoredVersion[]);
    return new Map(rows.filter((r) => source._id.equals(r.sourceId)).map((r) => [r.externalId, r]));
  }

  /** Writes each new version over the stored record `id` unless the store holds a newer one; a refused one goes to `refusing`. */
  private replaceVersions(
    model: Model<AnyRecordDoc>,
    versions: { id: Types.ObjectId; doc: AnyRecordDoc }[],
    refusing: (doc: AnyRecordDoc, error: unknown) => void,
  ): Promise<void> {
    return replaceAll(
      model.collection,
      versions.map(({ id, doc }) => versionedReplaceOf(id, doc)),
      this.replaces,
      (i, e) => refusing(versions[i].doc, e),
    );
  }

  /**
   * Reads back the versions stored of `docs` and writes again those of this push that an older one
   * covered; returns how many stored versions this push wrote (exact counts on MongoDB and FerretDB alike).
   *
   * FerretDB 1.24 checks a replace's filter (`updatedAt` older than the new version) on its read of
   * the stored record and writes the whole record back without a lock (claimed-writes.ts), so of
   * two corrections of one record the older can land last: of eight racing corrections of 30
   * records, a test found the newest version lost on 5 to 17 of them (5 runs), while its push had been
   * told they were taken. Whichever push finds the stored version older than its own writes again,
   * so the newest version ends stored however the writes interleaved.
   */
  private async readBack(
    model: Model<AnyRecordDoc>,
    source: DataSourceDoc,
    docs: AnyRecordDoc[],
    pushId: string,
    touching: (months: Iterable<string | undefined>) => Promise<void>,
    refusing: (doc: AnyRecordDoc, error: unknown) => void,
    read: (stored: Map<string, StoredVersion>) => void,
  ): Promise<number> {
    for (let round = 0; ; round++) {
      const storedBy = await this.storedVersions(model, source, docs);
      read(storedBy);
      const covered = docs.filter((doc) => {
        const s = storedBy.get(doc.externalId);
        return s !== undefined && s.pushId !== pushId && s.updatedAt < doc.updatedAt;
      });
      if (covered.length === 0 || round === READ_BACK_ROUNDS) return [...storedBy.values()].filter((s) => s.pushId === pushId).length;
      // the older version may have moved the record to another month: its counts change again
      await touching(covered.map((doc) => storedBy.get(doc.externalId)!.eventMonth));
      for (const doc of covered) keepFirstSeen(doc, storedBy.get(doc.externalId)!);
      await this.replaceVersions(
        model,
        covered.map((doc) => ({ id: storedBy.get(doc.externalId)!._id, doc })),
        refusing,
      );
    }
  }
}

/** Most versions an Ingestor keeps in memory (about 100 bytes each); the oldest noted go first. */
const MAX_KNOWN_VERSIONS = 200_000;

/** The newest version of each record this process saw stored, by source and external id (insertion order: oldest first). */
/** The key of a batch's receipt: its source, and each record's external id and version, in a fixed order. */
function receiptOf(source: DataSourceDoc, records: Iterable<{ doc: AnyRecordDoc }>): string {
  const versions = [...records].map(({ doc }) => `${doc.externalId}\u0001${doc.updatedAt.toISOString()}`).sort();
  return createHash('sha256')
    .update(`${source._id.toHexString()}\n${versions.join('\n')}`)
    .digest('hex');
}

class KnownVersions {
  private readonly updatedAt = new Map<string, number>();

  constructor(private readonly most: number) {}

  /** Whether the store holds `doc`'s version of the record or a newer one. */
  covers(source: DataSourceDoc, doc: AnyRecordDoc): boolean {
    const at = this.updatedAt.get(`${source._id.toHexString()}\n${doc.externalId}`);
    return at !== undefined && at >= doc.updatedAt.getTime();
  }

  /** The store holds version `at` of the record, or a newer one. */
  note(source: DataSourceDoc, externalId: string, at: Date): void {
    const key = `${source._id.toHexString()}\n${externalId}`;
    const known = this.updatedAt.get(key);
    if (known !== undefined && known >= at.getTime()) return;
    this.updatedAt.delete(key);
    this.updatedAt.set(key, at.getTime());
    if (this.updatedAt.size > this.most) this.updatedAt.delete(this.updatedAt.keys().next().value!);
  }
}

/** What the careful path reads of a stored version. */
interface StoredVersion {
  _id: Types.ObjectId;
  sourceId: Types.ObjectId;
  externalId: string;
  updatedAt: Date;
  pushId?: string;
  eventMonth?: string;
  recordedAt?: Date;
  firstSeenAt?: Date;
  idNumber?: string;
}
const VERSION_FIELDS = { sourceId: 1, externalId: 1, updatedAt: 1, pushId: 1, eventMonth: 1, recordedAt: 1, firstSeenAt: 1, idNumber: 1 };

/** A record validation passed, with its position in the push. */
export interface CheckedRecord {
  index: number;
  record: AnyRecordInput;
}

/** Rounds of writing again what an older version covered (each needs another writer to race it again). */
const READ_BACK_ROUNDS = 5;

/**
 * Replaces stored version `id` of the record if it is older than `doc`: by `_id`, a key FerretDB
 * pushes down (source and external id together would let PostgreSQL AND in the source's bitmap).
 */
async function versionedReplace(model: Model<AnyRecordDoc>, id: Types.ObjectId, doc: AnyRecordDoc): Promise<void> {
  const { filter, replacement } = versionedReplaceOf(id, doc);
  await model.collection.replaceOne(filter, replacement);
}

/** The replace of stored record `id` by `doc`, taking effect only over an older version. */
function versionedReplaceOf(id: Types.ObjectId, doc: AnyRecordDoc): GuardedReplace<Document> {
  const { _id, ...replacement } = doc;
  return { filter: { _id: id, updatedAt: { $lt: doc.updatedAt } }, replacement };
}

/** A new version keeps the first time the hub saw the record (the stored version's, or its receipt then). */
function keepFirstSeen(doc: AnyRecordDoc, stored: Pick<StoredVersion, 'firstSeenAt' | 'recordedAt'>): void {
  const first = stored.firstSeenAt ?? stored.recordedAt;
  if (first && (!doc.firstSeenAt || first < doc.firstSeenAt)) doc.firstSeenAt = first;
}

/**
 * Inserts in order; after a duplicate key at document i (another push inserted the same record
 * first), hands it to `onDuplicate` and goes on with i + 1. Documents a store already inserted past
 * the failed one (FerretDB does) meet their duplicate and are handed over too: a version-guarded
 * replace then changes nothing. When the store refuses a document, the rest go one at a time
 * (FerretDB does not say which one it was), and each refused one to `onRefused`, which rethrows
 * what is not a refusal. The caller counts the outcome from the store afterwards.
 */
async function insertAll(
  model: Model<AnyRecordDoc>,
  docs: AnyRecordDoc[],
  onDuplicate: (doc: AnyRecordDoc) => Promise<void>,
  onRefused: (doc: AnyRecordDoc, error: unknown) => void,
): Promise<void> {
  let from = 0;
  while (from < docs.length) {
    let r: { complete: boolean; inserted: number };
    try {
      r = await insertUntilDuplicate(model.collection, docs.slice(from));
    } catch (error) {
      if (refusalOf(error) === null) throw error;
      await eachInFlight(docs.slice(from), UPDATES_IN_FLIGHT, async (doc) => {
        try {
          await model.collection.insertOne(doc);
        } catch (e) {
          if ((e as { code?: number }).code === DUPLICATE_KEY) await onDuplicate(doc);
          else onRefused(doc, e);
        }
      });
      return;
    }
    if (r.complete) return;
    await onDuplicate(docs[from + r.inserted]);
    from += r.inserted + 1;
  }
}

/**
 * The store's reason when it refused a document for what the document holds; null for any other
 * failure (the store unreachable or down: the batch fails, and the push says to send the rest again).
 * MongoDB names the document in a write error (a code other than a duplicate key); FerretDB passes
 * PostgreSQL's error on in the command's message, with its SQLSTATE: class 22 (data exception, e.g.
 * 22P05 for a NUL character in text) or 54 (program limit exceeded, e.g. a value too large to index).
 */
export function refusalOf(error: unknown): string | null {
  const e = error as { writeErrors?: unknown; message?: unknown; errmsg?: unknown } | null;
  if (!e || typeof e !== 'object') return null;
  const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  const first = writeErrors[0] as { code?: number; errmsg?: string } | undefined;
  if (first && typeof first.code === 'number' && first.code !== DUPLICATE_KEY) return String(first.errmsg ?? `error ${first.code}`);
  // FerretDB's message is its call stack in brackets, then PostgreSQL's: `[…] ERROR: … (SQLSTATE 22P05)`
  const pg = /([^\]]*\(SQLSTATE (?:22|54)[0-9A-Z]{3}\))/.exec(String(e.message ?? e.errmsg ?? ''));
  return pg ? pg[1].trim() : null;
}

/** Most characters of a store's message kept in a rejection's reason. */
const MAX_STORE_REASON = 200;

function bounded(text: string): string {
  return text.length > MAX_STORE_REASON ? `${text.slice(0, MAX_STORE_REASON)}…` : text;
}

function externalIdOf(input: unknown): string | null {
  const v = input && typeof input === 'object' ? (input as Record<string, unknown>).externalId : undefined;
  return typeof v === 'string' ? v : null;
}

/** The stored document: the validated record without empty fields, plus what the hub adds. */
function toDoc(source: DataSourceDoc, record: AnyRecordInput, recordedAt: Date, pushId: string): AnyRecordDoc {
  const doc: Record<string, unknown> = { _id: new Types.ObjectId() };
  for (const [k, v] of Object.entries(record)) if (v !== undefined && v !== null) doc[k] = v;
  doc.sourceId = source._id;
  doc.regionPath = regionPath(record.region);
  doc.eventMonth = eventMonthOf(record.eventAt);
  doc.eventDay = eventDayOf(record.eventAt);
  doc.eventHour = eventHourOf(record.eventAt);
  doc.recordedAt = recordedAt;
  // a new record: first seen now; a correction takes its stored version's (keepFirstSeen)
  doc.firstSeenAt = recordedAt;
  doc.pushId = pushId;
  return doc as unknown as AnyRecordDoc;
}

/** Most rejected records listed in one answer; `rejectedCount` has them all. */
export const MAX_REJECTED_LISTED = 1000;

/** Why a push is refused as a whole (the records are not looked at). */
export class PushRefused extends Error {
  constructor(
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT',
    message: string,
  ) {
    super(message);
    this.name = 'PushRefused';
  }
}

/**
 * Checks that `callerSourceId` (from its API key) may push to `sourceId`: only a source's own key
 * pushes to it, only to an ACTIVE HOSTED source, and only records of its domain.
 */
export function checkPush(
  source: DataSourceDoc | undefined,
  sourceId: string,
  callerSourceId: string | null,
  domain?: string,
): DataSourceDoc {
  if (!callerSourceId) throw new PushRefused('UNAUTHENTICATED', "pushing records needs the source's API key: Authorization: ApiKey <key>");
  if (!source) throw new PushRefused('NOT_FOUND', `no data source with id ${sourceId}`);
  if (callerSourceId !== source._id.toHexString())
    throw new PushRefused('FORBIDDEN', `this API key acts for another source, not ${sourceId}`);
  if (source.status !== 'ACTIVE')
    throw new PushRefused(
      'FORBIDDEN',
      `source ${source.name} is suspended${source.suspendedReason ? `: ${source.suspendedReason}` : ''}; pushes are refused`,
    );
  if (source.kind !== 'HOSTED')
    throw new PushRefused('FORBIDDEN', `source ${source.name} is ${source.kind}: the hub reads it live; only HOSTED sources push`);
  if (domain && source.domain !== domain)
    throw new PushRefused('BAD_USER_INPUT', `source ${source.name} holds ${source.domain} records, not ${domain}`);
  return source;
}

/** Caps the listed rejections of a result (for answers), keeping the count. */
export function publicResult(r: IngestResult): IngestResult & { rejectedCount: number } {
  return {
    accepted: r.accepted,
    unchanged: r.unchanged,
    rejected: r.rejected.slice(0, MAX_REJECTED_LISTED),
    rejectedCount: r.rejected.length,
  };
}

/** GraphQL input objects carry `null` for fields given as null; the record shapes want them absent. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}
