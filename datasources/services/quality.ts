/**
 * Data quality per source and per department over a period (docs/domain.md "Data quality"):
 * the store side of domain/quality.ts.
 *
 * - The period selects records by `recordedAt` (when the hub received them) and rejections by their
 *   receipt time, so a period's figures are what the departments delivered in it: a late entry counts
 *   against the period it arrived in and cannot change a period already reported on.
 * - Each source's records are streamed through the driver with a projection of the checked fields
 *   and folded into a `QualityTally` (counters and a lag histogram), so memory stays constant however
 *   many records a source holds.
 * - Live sources (REST, GRAPHQL, SUBGRAPH) keep their records at home: they report 0 records and their freshness.
 * - Departments are ranked among every department in the caller's jurisdiction, whatever the
 *   arguments narrow the answer to, so a department's rank means the same in every answer. That costs
 *   a pass over every visible source's period; it is an inspection report, not a hot path.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { beijingDay, dateOfDay, dayOfDate, DAY_MS, type EntryLimit, type WorkCalendar } from '../../domain/calendar';
import {
  freshnessDays,
  QualityTally,
  rankDepartments,
  type FieldCount,
  type LooseRecord,
  type QualityFigures,
  type Share,
} from '../../domain/quality';
import { RECORD_DOMAINS, type Domain } from '../../domain/record-domains';
import { escapeControls } from '../../domain/text';
import { maskIdNumber } from '../../domain/id-number';
import { badInput, forbidden } from '../../lib/errors';
import type { DataSourceDoc, IngestRejectionDoc, Models } from '../store/models';
import type { RejectedRecord } from './ingest';
import { DUPLICATE_KEY } from '../store/single-updates';
import { collectionOf } from '../store/typed-collection';
import type { SourceRegistry } from '../sources/registry';
import type { SourceHealthTracker } from '../sources/health';

/** The fields each domain's checks read (top-level: arrays and sub-documents come whole). */
const COMMON_FIELDS = ['idNumber', 'region', 'eventAt', 'recordedAt', 'firstSeenAt'];
const checkedFields = (domain: Domain): readonly string[] => RECORD_DOMAINS[domain].checkedFields;

/** The default period when none is given: the 30 days up to today (Beijing). */
export const DEFAULT_PERIOD_DAYS = 30;

/** Most reasons kept per rejection, and their length: enough to explain, not a second copy of the push. */
const MAX_REASONS = 20;
const MAX_REASON_LENGTH = 300;

export interface QualityArgs {
  sourceId?: string | null;
  departmentCode?: string | null;
  /** YYYY-MM-DD (the Date scalar has checked it) */
  from?: string | null;
  to?: string | null;
}

/** Who is asking: their jurisdiction, and for a DEPARTMENT caller its department code. */
export interface QualityScope {
  regions: readonly string[] | null;
  department: string | null;
}

export interface QualityReport extends Omit<QualityFigures, 'rejected'> {
  source: DataSourceDoc | null;
  department: { code: string; name: string };
  from: string;
  to: string;
  rejected: number;
  lastDeliveredAt: Date | null;
  freshnessDays: number | null;
  rank: number | null;
}

export type { FieldCount, Share };

/** A rejected record and what was delivered: the line's JSON value, or the record as validated. */
export interface DeliveredRejection {
  rejection: RejectedRecord;
  content: unknown;
}

/**
 * Remembers records ingest rejected (one insert per batch), for the accuracy figures. A rejected
 * line is counted once per source: its key is a hash of the source and what was delivered, so a
 * replayed push (the same 8 bad lines sent four times showed as 32) adds nothing; the first
 * receipt stays.
 */
export async function rememberRejections(
  models: Models,
  source: DataSourceDoc,
  delivered: readonly DeliveredRejection[],
  receivedAt?: (index: number) => Date,
): Promise<void> {
  if (delivered.length === 0) return;
  const now = new Date();
  const docs: IngestRejectionDoc[] = delivered.map(({ rejection: r, content }) => ({
    _id: createHash('sha256')
      .update(`${source._id.toHexString()}\n${JSON.stringify(content) ?? String(content)}`)
      .digest('hex')
      .slice(0, 32),
    sourceId: source._id,
    at: receivedAt?.(r.index) ?? now,
    index: r.index,
    ...maskedRejection(r),
  }));
  try {
    // unordered: each new one is inserted whatever the others meet (both stores go on past a duplicate key)
    await collectionOf(models.IngestRejection).insertMany(docs, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
    const codes = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []).map((w) => (w as { code?: number }).code);
    if (codes.length === 0 || codes.some((c) => c !== DUPLICATE_KEY)) throw error;
  }
}

/**
 * Every run of 14 or more digits (an X may end it) masked as the analyst masking shows ID numbers,
 * `500101********123X`: rejected lines are kept to be counted and found again, and an ID number
 * that failed its check is as personal as one that passed.
 */
export function maskIdNumbersIn(text: string): string {
  return text.replace(/\d{13,}[\dXx]/g, (id) => maskIdNumber(id));
}

/** What is kept of a rejection: its external id and reasons, bounded and with ID numbers masked. */
function maskedRejection(r: Pick<RejectedRecord, 'externalId' | 'reasons'>): Pick<IngestRejectionDoc, 'externalId' | 'reasons'> {
  return {
    // a rejected record's values may hold what the store cannot (U+0000): kept escaped
    externalId: r.externalId == null ? null : escapeControls(maskIdNumbersIn(r.externalId.slice(0, 128))),
    reasons: r.reasons.slice(0, MAX_REASONS).map((s) => escapeControls(maskIdNumbersIn(s.slice(0, MAX_REASON_LENGTH)))),
  };
}

/** How long rejected records are kept by default (REJECTION_RETENTION_DAYS). */
export const DEFAULT_REJECTION_RETENTION_DAYS = 180;
/** How often the hub deletes rejections past their retention. */
export const REJECTION_PURGE_MS = 3_600_000;

/**
 * Rejected records are kept `days` days after their receipt, then deleted: by the store's TTL index
 * where it has them (MongoDB; store/expiry.ts), else by the hub, at start and every REJECTION_PURGE_MS
 * (FerretDB 1.24 has none; server/startup.ts chooses).
 */
export class RejectionRetention {
  constructor(
    private readonly models: Models,
    readonly days = DEFAULT_REJECTION_RETENTION_DAYS,
  ) {}

  /** Deletes the rejections received more than `days` days before `now` (at start and every REJECTION_PURGE_MS). */
  async purge(now = new Date()): Promise<number> {
    const { deletedCount } = await this.models.IngestRejection.collection.deleteMany({
      at: { $lt: new Date(now.getTime() - this.days * DAY_MS) },
    });
    return deletedCount;
  }

  /**
   * A source's rejections, newest first: a push's records share its `at` and come in line order. The
   * cursor is the last one's `at`, `index` and `_id`, so a page is one read whatever came before it.
   */
  async page(
    sourceId: Types.ObjectId,
    first: number,
    after?: string | null,
  ): Promise<{ nodes: IngestRejectionDoc[]; hasNextPage: boolean }> {
    const filter: Record<string, unknown> = { sourceId };
    if (after) {
      const position = decodeRejectionCursor(after);
      // (rejections kept before positions were stored have no index: they sort first within their push)
      filter.$or =
        position.index === null
          ? [
              { at: { $lt: position.at } },
              { at: position.at, index: { $exists: true } },
              { at: position.at, index: { $exists: false }, _id: { $gt: position.id } },
            ]
          : [
              { at: { $lt: position.at } },
              { at: position.at, index: { $gt: position.index } },
              { at: position.at, index: position.index, _id: { $gt: position.id } },
            ];
    }
    const found = (await this.models.IngestRejection.collection
      .find(filter, { sort: { at: -1, index: 1, _id: 1 }, limit: first + 1 })
      .toArray()) as IngestRejectionDoc[];
    return { nodes: found.slice(0, first), hasNextPage: found.length > first };
  }

  /** Masks the ID numbers that earlier versions of the hub kept in clear (migration 2, datasources/migrations.ts); returns how many it changed. */
  async maskStored(): Promise<number> {
    const collection = this.models.IngestRejection.collection;
    let masked = 0;
    for await (const doc of collection.find({}, { projection: { externalId: 1, reasons: 1 }, batchSize: 1000 })) {
      const kept = maskedRejection({
        externalId: doc.externalId ?? null,
        reasons: Array.isArray(doc.reasons) ? doc.reasons.map(String) : [],
      });
      if (kept.externalId === (doc.externalId ?? null) && kept.reasons.every((s, i) => s === doc.reasons[i])) continue;
      await collection.updateOne({ _id: doc._id }, { $set: kept });
      masked++;
    }
    return masked;
  }
}

export interface DataQualityOptions {
  models: Models;
  registry: SourceRegistry;
  health: SourceHealthTracker;
  limit?: EntryLimit;
  calendar?: WorkCalendar;
}

export class DataQuality {
  private readonly models: Models;
  private readonly registry: SourceRegistry;
  private readonly health: SourceHealthTracker;
  /** the entry limit and the working-day calendar the tallies measure against */
  private readonly options: { limit?: EntryLimit; calendar?: WorkCalendar };

  constructor({ models, registry, health, ...tally }: DataQualityOptions) {
    this.models = models;
    this.registry = registry;
    this.health = health;
    this.options = tally;
  }

  /**
   * The reports `dataQuality` answers: per department (source null, ranked) followed by its
   * sources, departments best first. Throws BAD_USER_INPUT for an unknown source or department or a
   * reversed period, FORBIDDEN for a source outside the caller's jurisdiction or department.
   */
  async reports(args: QualityArgs, scope: QualityScope, now = new Date()): Promise<QualityReport[]> {
    const period = periodOf(args, now);
    const wanted = this.selection(args, scope);

    // Every source in the jurisdiction is measured: the ranking needs every department.
    const visible = this.registry.list().filter((s) => inJurisdiction(s, scope.regions));
    const tallies = new Map<string, QualityTally>();
    for (const source of visible) tallies.set(source._id.toHexString(), await this.measure(source, period));

    const departments = new Map<string, { name: string; sources: DataSourceDoc[]; tally: QualityTally }>();
    for (const source of visible) {
      const d = departments.get(source.department.code) ?? {
        name: source.department.name,
        sources: [],
        tally: new QualityTally(this.options),
      };
      d.sources.push(source);
      d.tally.merge(tallies.get(source._id.toHexString())!);
      departments.set(source.department.code, d);
    }
    const figures = new Map([...departments].map(([code, d]) => [code, d.tally.figures()]));
    const ranks = rankDepartments([...figures].map(([key, f]) => ({ key, figures: f })));

    const report = (code: string, source: DataSourceDoc | null, f: QualityFigures, sources: DataSourceDoc[]): QualityReport => {
      const last = latest(sources.map((s) => this.lastDelivered(s)));
      return {
        ...f,
        source,
        department: { code, name: departments.get(code)!.name },
        from: period.from,
        to: period.to,
        lastDeliveredAt: last,
        freshnessDays: freshnessDays(last, now),
        rank: source ? null : (ranks.get(code) ?? null),
      };
    };

    const order = [...departments.keys()].sort((a, b) => (ranks.get(a) ?? Infinity) - (ranks.get(b) ?? Infinity) || a.localeCompare(b));
    const out: QualityReport[] = [];
    for (const code of order) {
      if (wanted.department && wanted.department !== code) continue;
      const d = departments.get(code)!;
      if (!wanted.source) out.push(report(code, null, figures.get(code)!, d.sources));
      for (const s of d.sources) {
        if (wanted.source && !wanted.source.equals(s._id)) continue;
        out.push(report(code, s, tallies.get(s._id.toHexString())!.figures(), [s]));
      }
    }
    return out;
  }

  /** Which reports the arguments and the caller ask for; checks the arguments against the registry. */
  private selection(args: QualityArgs, scope: QualityScope): { source: Types.ObjectId | null; department: string | null } {
    let source: DataSourceDoc | undefined;
    if (args.sourceId != null) {
      source = this.registry.get(String(args.sourceId));
      if (!source) throw badInput('sourceId', `no data source with id ${args.sourceId}`);
      if (!inJurisdiction(source, scope.regions)) {
        throw forbidden(
          `source ${source.name} covers regions (${source.regions.join(', ')}) outside your jurisdiction (${scope.regions?.join(', ')})`,
        );
      }
    }
    const code = args.departmentCode ?? null;
    if (scope.department !== null) {
      const other = code ?? source?.department.code;
      if (other && other !== scope.department)
        throw forbidden(`department ${scope.department} may see only its own data quality, not ${other}'s`);
    }
    if (code !== null && !this.registry.list().some((s) => s.department.code === code)) {
      throw badInput('departmentCode', `no data source is registered for department ${code}`);
    }
    if (source && code !== null && source.department.code !== code) {
      throw badInput('sourceId', `source ${source.name} belongs to department ${source.department.code}, not ${code}`);
    }
    return { source: source?._id ?? null, department: code ?? source?.department.code ?? scope.department };
  }

  /** One source's tally over the period: its stored records and its rejections, streamed. */
  private async measure(source: DataSourceDoc, period: Period): Promise<QualityTally> {
    const tally = new QualityTally(this.options);
    if (source.kind !== 'HOSTED') return tally;
    const projection = Object.fromEntries([...COMMON_FIELDS, ...checkedFields(source.domain)].map((f) => [f, 1]));
    // Filters built from the registry's ObjectId and computed Dates only: nothing from the request reaches them.
    const records = this.models.records[source.domain].collection.find(
      { sourceId: source._id, recordedAt: { $gte: period.start, $lt: period.end } },
      { projection, batchSize: 1000 },
    );
    for await (const doc of records) tally.addRecord(source.domain, doc as LooseRecord);
    const rejections = this.models.IngestRejection.collection.find(
      { sourceId: source._id, at: { $gte: period.start, $lt: period.end } },
      { projection: { reasons: 1 }, batchSize: 1000 },
    );
    for await (const r of rejections) tally.addRejection(Array.isArray(r.reasons) ? r.reasons.map(String) : []);
    return tally;
  }

  /** When a source last delivered: a record pushed (hosted) or a successful answer (live). */
  private lastDelivered(source: DataSourceDoc): Date | null {
    const h = this.health.current(source);
    const at = source.kind === 'HOSTED' ? h.lastRecordAt : (h.lastSuccessAt ?? h.lastRecordAt);
    return at ? new Date(at) : null;
  }
}

interface Period {
  from: string;
  to: string;
  /** Beijing midnight starting `from` */
  start: Date;
  /** Beijing midnight after `to` (exclusive) */
  end: Date;
}

const TZ_MS = 8 * 3_600_000;

function periodOf(args: QualityArgs, now: Date): Period {
  const toDay = args.to ? dayOfDate(args.to) : beijingDay(now);
  const fromDay = args.from ? dayOfDate(args.from) : toDay - (DEFAULT_PERIOD_DAYS - 1);
  if (fromDay > toDay) throw badInput('from', `must not be after to (${dateOfDay(toDay)}), got ${dateOfDay(fromDay)}`);
  return {
    from: dateOfDay(fromDay),
    to: dateOfDay(toDay),
    start: new Date(fromDay * DAY_MS - TZ_MS),
    end: new Date((toDay + 1) * DAY_MS - TZ_MS),
  };
}

/** Whether every region a source covers lies inside the jurisdiction (null: no restriction). */
function inJurisdiction(source: DataSourceDoc, regions: readonly string[] | null): boolean {
  return !regions || (source.regions.length > 0 && source.regions.every((r) => regions.some((p) => r.startsWith(p))));
}

function latest(dates: (Date | null)[]): Date | null {
  return dates.reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);
}

/** A rejection page's cursor: base64url of `rej:<at ms>:<index or n>:<_id>` (the id as stored: a hash `s…`, or an ObjectId's hex `o…`). */
export function encodeRejectionCursor(r: Pick<IngestRejectionDoc, 'at' | '_id' | 'index'>): string {
  const id = typeof r._id === 'string' ? `s${r._id}` : `o${r._id.toHexString()}`;
  return Buffer.from(`rej:${r.at.getTime()}:${r.index ?? 'n'}:${id}`).toString('base64url');
}

function decodeRejectionCursor(cursor: string): { at: Date; index: number | null; id: string | Types.ObjectId } {
  const m = /^rej:(\d+):(\d+|n):([so])(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || (m[3] === 'o' && !/^[0-9a-f]{24}$/.test(m[4])))
    throw badInput('after', 'is not a cursor this hub issued; pass an endCursor from a previous page');
  return { at: new Date(Number(m[1])), index: m[2] === 'n' ? null : Number(m[2]), id: m[3] === 'o' ? new Types.ObjectId(m[4]) : m[4] };
}
