/**
 * Mongoose models: the hub's own store. Record documents keep their domain's shape
 * (domain/record-domains/) plus what the hub adds (source, region path, receipt time).
 *
 * Only features that both MongoDB ≥ 6 and FerretDB 1.24 support are used (docs/store.md): plain
 * CRUD, single and compound indexes (unique too), and simple aggregation stages.
 */
import mongoose, { Schema, Types, type Connection, type Model } from 'mongoose';
import type { CreateIndexesOptions, IndexSpecification } from 'mongodb';
import {
  byDomain,
  RECORD_DOMAINS,
  type Domain,
  type RecordInputByDomain,
  type StoredField,
  type StoredFields,
} from '../../domain/record-domains';

/** What the hub adds to every stored record. */
export interface StoredRecordMeta {
  _id: Types.ObjectId;
  sourceId: Types.ObjectId;
  /** jurisdiction prefixes of `region`: ['50', '5001', '500101'], so region filters are `$in` on an index */
  regionPath: string[];
  /** when the hub received this version */
  recordedAt: Date;
  /**
   * when the hub first received the record, whatever version (a correction keeps it): how late it
   * was entered is measured from here. Absent on versions stored before it was kept: `recordedAt`.
   */
  firstSeenAt?: Date;
  /** the push that wrote this version (hosted records) */
  pushId?: string;
  /** `eventAt`'s month in Beijing time, `YYYY-MM`: FerretDB 1.24 cannot group by a computed month (see services/statistics/) */
  eventMonth?: string;
  /** `eventAt`'s day in Beijing time, `YYYY-MM-DD`: the unit of list reads on FerretDB (see ferretdb/record-days.ts) */
  eventDay?: string;
  /** `eventAt`'s hour in Beijing time, `YYYY-MM-DDTHH`: dense days are read hour by hour (record-store.ts) */
  eventHour?: string;
}

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The month of an instant in Beijing time (UTC+8), `YYYY-MM`; China keeps no daylight saving. */
export function eventMonthOf(at: Date): string {
  return beijingIso(at).slice(0, 7);
}

/** An instant as Beijing wall-clock time in ISO form (`YYYY-MM-DDTHH:mm:ss.sssZ`, the Z not meaning UTC). */
function beijingIso(at: Date): string {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString();
}

/** The hour (0–23) of an instant in Beijing time. */
export function beijingHourOf(at: Date): number {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).getUTCHours();
}

/** The day of an instant in Beijing time, `YYYY-MM-DD`. */
export function eventDayOf(at: Date): string {
  return beijingIso(at).slice(0, 10);
}

/**
 * `hub_meta` document: every stored record has its `eventMonth`, `eventDay` and `eventHour`
 * (Statistics.backfillMonths). Named `eventDay-backfill` while there was no hour: a store marked so
 * runs the pass once more, for hours.
 */
export const EVENT_STAMPS_MARKER = 'eventHour-backfill';

/** The hour of an instant in Beijing time, `YYYY-MM-DDTHH`. */
export function eventHourOf(at: Date): string {
  return beijingIso(at).slice(0, 13);
}

/** A stored record of each domain: its shape (domain/record-domains/) and what the hub adds. */
export type RecordDocByDomain = { [D in Domain]: RecordInputByDomain[D] & StoredRecordMeta };
export type DetentionRecordDoc = RecordDocByDomain['DETENTION'];
export type PrisonRecordDoc = RecordDocByDomain['PRISON'];
export type CommunityCorrectionDoc = RecordDocByDomain['COMMUNITY_CORRECTION'];
export type EnforcementCaseDoc = RecordDocByDomain['ENFORCEMENT_CASE'];
export type AnyRecordDoc = RecordDocByDomain[Domain];

/**
 * A person as the graph passes it around. Not stored: built from the ID number (gender, birth date,
 * household region) and the person's records (the name), so ingest never has a second collection to
 * keep in step and a person exists exactly when some source has a record of them.
 */
export interface PersonRef {
  idNumber: string;
  name: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  /** household registration: the address code of the ID number */
  region: string;
}

export type SourceKind = 'HOSTED' | 'REST' | 'GRAPHQL' | 'SUBGRAPH';
export type SourceStatus = 'ACTIVE' | 'SUSPENDED';

/** How a source has been doing, as this hub's processes saw it (written every few seconds). */
export interface SourceHealth {
  lastSuccessAt?: Date | null;
  lastErrorAt?: Date | null;
  lastError?: string | null;
  consecutiveFailures: number;
  /** 95th percentile of recent call latencies (live sources) */
  p95LatencyMs?: number | null;
  /** when the source last delivered a record (push or live answer) */
  lastRecordAt?: Date | null;
  /** records a live source sent that failed validation and were not shown */
  droppedRecords: number;
  /** calls not sent since the last success because the source's circuit was open (source-health.ts) */
  skippedWhileOpen?: number;
  /** the live source's circuit breaker, as the process that wrote this saw it */
  circuit?: 'CLOSED' | 'OPEN' | 'HALF_OPEN' | null;
}

export interface DataSourceDoc {
  _id: Types.ObjectId;
  name: string;
  department: { code: string; name: string };
  domain: Domain;
  kind: SourceKind;
  regions: string[];
  endpoint?: string | null;
  mapping?: Record<string, string> | null;
  status: SourceStatus;
  suspendedReason?: string | null;
  /** per-source timeout for live calls, ms */
  timeoutMs?: number | null;
  /** SUBGRAPH sources: the `Person` field that lists the person's records */
  entityField?: string | null;
  /** SHA-256 (hex) of the source's API key; the key itself is shown once and never stored */
  apiKeyHash: string;
  /** health as registered, and as hubs before `source_health` (source-health.ts) kept it; live health is there */
  health: SourceHealth;
  /** bumped on every change; replicas compare it to refresh their registry cache */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const unit = { code: { type: String, required: true }, name: { type: String, required: true } };
const common = {
  sourceId: { type: Schema.Types.ObjectId, required: true },
  externalId: { type: String, required: true },
  idNumber: { type: String, required: true },
  name: { type: String, required: true },
  region: { type: String, required: true },
  regionPath: { type: [String], required: true },
  eventAt: { type: Date, required: true },
  updatedAt: { type: Date, required: true },
  recordedAt: { type: Date, required: true },
  firstSeenAt: Date,
  pushId: String,
  eventMonth: String,
  eventDay: String,
  eventHour: String,
};
const schemaOptions = { versionKey: false, strict: true, timestamps: false, autoIndex: false } as const;

/** Declares (or finds, when already declared on the connection) the services' models: `modelOn(connection)(name, schema)`. */
export function modelOn(connection: Connection): <T>(name: string, schema: Schema<T>) => Model<T> {
  return <T>(name: string, schema: Schema<T>): Model<T> =>
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

function withRecordIndexes<T>(schema: Schema<T>): Schema<T> {
  // Idempotent ingest: one copy per (source, department id).
  schema.index({ sourceId: 1, externalId: 1 }, { unique: true });
  // Dossiers: every record of a batch of persons.
  schema.index({ idNumber: 1 });
  // Lists: sorted by eventAt desc then id, optionally narrowed by jurisdiction or source.
  schema.index({ eventAt: -1, _id: -1 });
  schema.index({ regionPath: 1, eventAt: -1, _id: -1 });
  schema.index({ region: 1, eventAt: -1, _id: -1 });
  schema.index({ sourceId: 1, eventAt: -1, _id: -1 });
  // the name search: a name in a district or county (services/person-search.ts)
  schema.index({ name: 1, regionPath: 1 });
  // statistics: a partition's records are read by month (stat-counts.ts; on FerretDB day by day instead)
  schema.index({ eventMonth: 1 });
  return schema;
}

/** The store's field definition of a field the domain's description lists (domain/record-domains/types.ts `StoredField`). */
function storedField(f: StoredField): unknown {
  if (f === 'unit') return unit;
  if (Array.isArray(f)) return [typeof f[0] === 'function' ? f[0] : { _id: false, ...storedFields(f[0] as StoredFields) }];
  if (typeof f === 'object' && 'required' in f) return { type: f.required, required: true };
  if (typeof f === 'object' && 'object' in f) return storedFields(f.object);
  if (typeof f === 'object' && 'nested' in f) return { type: new Schema(storedFields(f.nested), { _id: false }), default: undefined };
  return f;
}
function storedFields(fields: StoredFields): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, storedField(f)]));
}

/** A domain's record schema: the common fields and indexes, and what its description adds. */
function recordSchema<D extends Domain>(domain: D): Schema<RecordDocByDomain[D]> {
  const d = RECORD_DOMAINS[domain];
  const schema = withRecordIndexes(
    new Schema<RecordDocByDomain[D]>({ ...common, ...storedFields(d.stored) } as never, { ...schemaOptions, collection: d.collection }),
  );
  for (const index of d.indexes) schema.index(index);
  return schema;
}
// (mongoose's schema types of the four shapes are too deep to check as one table: the models' types are checked in `Models`)
const RECORD_SCHEMAS = byDomain<Record<Domain, Schema<any>>>(recordSchema);

const dataSourceSchema = new Schema<DataSourceDoc>(
  {
    name: { type: String, required: true },
    department: unit,
    domain: { type: String, required: true },
    kind: { type: String, required: true },
    regions: [String],
    endpoint: String,
    mapping: Schema.Types.Mixed,
    status: { type: String, required: true, default: 'ACTIVE' },
    suspendedReason: String,
    timeoutMs: Number,
    entityField: String,
    apiKeyHash: { type: String, required: true },
    health: {
      lastSuccessAt: Date,
      lastErrorAt: Date,
      lastError: String,
      consecutiveFailures: { type: Number, default: 0 },
      p95LatencyMs: Number,
      lastRecordAt: Date,
      droppedRecords: { type: Number, default: 0 },
    },
    version: { type: Number, required: true, default: 1 },
    createdAt: Date,
    updatedAt: Date,
  },
  { ...schemaOptions, collection: 'data_sources' },
);
dataSourceSchema.index({ 'department.code': 1, name: 1 }, { unique: true });
dataSourceSchema.index({ domain: 1, status: 1 });
dataSourceSchema.index({ apiKeyHash: 1 }, { unique: true });

/** A record a source pushed and ingest rejected: kept so the quality figures can count it (datasources/services/quality.ts). */
export interface IngestRejectionDoc {
  /** a hash of the source and what was delivered (ObjectIds on rejections stored before) */
  _id: Types.ObjectId | string;
  sourceId: Types.ObjectId;
  /** when the hub received the record */
  at: Date;
  /** position of the record in its push (the line number − 1 for NDJSON); absent on rejections stored before */
  index?: number;
  /** ID numbers in these are masked (quality.ts `maskIdNumbersIn`) */
  externalId: string | null;
  reasons: string[];
}

const ingestRejectionSchema = new Schema<IngestRejectionDoc>(
  {
    sourceId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    index: Number,
    externalId: String,
    reasons: [String],
  },
  { ...schemaOptions, collection: 'ingest_rejections' },
);
ingestRejectionSchema.index({ sourceId: 1, at: 1 });

/** Every model the hub uses, bound to one connection. */
export interface Models {
  DataSource: Model<DataSourceDoc>;
  IngestRejection: Model<IngestRejectionDoc>;
  records: { [D in Domain]: Model<RecordDocByDomain[D]> };
}

/** Binds the models to a connection (tests use one connection per database). */
export function createModels(connection: Connection = mongoose.connection): Models {
  const model = modelOn(connection);
  return {
    DataSource: model('DataSource', dataSourceSchema),
    IngestRejection: model('IngestRejection', ingestRejectionSchema),
    records: byDomain<Models['records']>((d) => model(RECORD_DOMAINS[d].model, RECORD_SCHEMAS[d])),
  };
}

/**
 * Creates the collections and their indexes (docs/store.md), as the store profile asks (profile.ts):
 * `all` on MongoDB; on FerretDB 1.24 (`unique`) only the unique
 * ones: it pushes an equality down as `@>`, which its B-tree indexes cannot serve (the GIN indexes of
 * datasources/store/ferretdb/indexes.ts do), and never a sort or a range, so every other index is only cost on
 * each write (the driver's insertMany of 36,324 custody records: 4,449 records/s with all eight
 * indexes, 5,094 with the two unique ones; 7,588 vs 9,187 with three writers). The hub's own
 * non-unique indexes that an earlier start made there are dropped.
 */
export async function ensureIndexes(models: Models, which: 'all' | 'unique' = 'all'): Promise<void> {
  const all: Model<any>[] = [models.DataSource, models.IngestRejection, ...Object.values(models.records)];
  for (const m of all) {
    await m.createCollection().catch(() => undefined);
    if (which === 'all') {
      await m.createIndexes();
      continue;
    }
    const defined = m.schema.indexes();
    for (const [fields, options] of defined)
      if (options?.unique) await m.collection.createIndex(fields as IndexSpecification, options as CreateIndexesOptions);
    const sameKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));
    for (const existing of await m.collection.indexes()) {
      if (existing.name === '_id_' || existing.unique || !existing.name) continue;
      if (defined.some(([fields]) => sameKey(fields as Record<string, unknown>, existing.key))) await m.collection.dropIndex(existing.name);
    }
  }
}
