/**
 * Supervision documents (监督文书: 检察建议, 纠正违法通知书) in the hub's store, both sides' workflow
 * (domain/documents.ts), their settings and the departments' own workflow rules.
 *
 * A procurator issues a document from leads or records of its jurisdiction to a department; the
 * department signs its receipt, reports it to its superior where its rules require, answers or objects;
 * the procurator re-examines an objection and follows the answer up. Every step is a guarded write
 * (store/guarded-writes.ts): two people acting on one document at once cannot both succeed unseen,
 * and every step is kept in the document's history with actor, role, org, time and note.
 *
 * Documents are numbered per prefix and year (渝检建〔2026〕12号) under a unique index: the next number
 * is read, inserted, and read again on a duplicate key, since FerretDB does not lock a read-modify-write.
 */
import type { AttachmentMeta, Attachments } from './attachments';
import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Collection, Filter } from 'mongodb';
import { beijingDay, dateOfDay, type WorkCalendar } from '../../domain/calendar';
import {
  addWorkingDays,
  addresseePath,
  addresses,
  changeDocumentSettings,
  DEFAULT_DOCUMENT_SETTINGS,
  departmentWorkflowSchema,
  documentSettingsSchema,
  dueDay,
  fallingDue,
  formatDocumentNumber,
  KIND_LABELS,
  overrideProblem,
  RECTIFICATION_NAMES,
  stepProblem,
  yearOfDay,
  type DepartmentWorkflow,
  type DocumentAction,
  type DocumentKind,
  type DocumentSettings,
  type DocumentSide,
  type DocumentStatus,
  type Rectification,
} from '../../domain/documents';
import { DOMAINS, type Domain } from '../../domain/records';
import { regionPath } from '../../domain/regions';
import { controlCharacterProblem } from '../../domain/text';
import { badInput } from '../../lib/errors';
import { ConcurrentChangeError, type Claimable, type GuardedWrites } from '../store/guarded-writes';
import { DUPLICATE_KEY } from '../store/single-updates';
import { modelOn, type Models } from '../store/models';
import { decodeIdCursor, encodeIdCursor } from '../store/pagination';
import { narrowRegions } from '../sources/federated-records';
import type { LedgerDocument } from '../../domain/ledger';
import type { SourceRegistry } from '../sources/registry';
import type { LeadDoc, LeadStore } from './leads';
import { changeOf, NO_EVENTS, type Change, type ChangeSink } from './events';

// -------------------------------------------------------------------------------------------------
// what is stored

/** Who acts: a person's token claims as the request holds them. */
export interface DocumentCaller {
  sub: string;
  org: string;
  role: 'PROCURATOR' | 'ANALYST' | 'DEPARTMENT' | 'ADMIN';
  regions: readonly string[];
}

export interface DepartmentRef {
  code: string;
  name: string;
}

/**
 * What documents need of the attachments service: describe the hashes a caller names (throws
 * BAD_USER_INPUT for an unknown one) and let the parties' orgs read them.
 */
export type DocumentAttachments = Pick<Attachments, 'describe' | 'link'>;

export interface DocumentHistoryEntry {
  at: Date;
  actor: string;
  role: string;
  org: string;
  action: DocumentAction;
  note: string;
}

export interface DocumentRecordRef {
  domain: Domain;
  sourceId: string;
  externalId: string;
  idNumber: string;
  region: string;
}

export interface DocumentAnswer {
  at: Date;
  actor: string;
  org: string;
  text: string;
  measures: string;
  rectification: Rectification;
  attachments: AttachmentMeta[];
  /** the deadline the answer met or missed */
  dueDate: string | null;
  late: boolean;
}

export type ObjectionDecision = 'REVISED' | 'WITHDRAWN' | 'UPHELD';

export interface DocumentObjection {
  at: Date;
  actor: string;
  org: string;
  reasons: string;
  /** the text revision objected to */
  revision: number;
  decision: ObjectionDecision | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionNote: string | null;
}

export interface DocumentRevision {
  revision: number;
  at: Date;
  actor: string;
  facts: string;
  legalBasis: string;
  request: string;
}

export interface DocumentReport {
  /** whether the addressee's rules require the report (a department workflow setting at receipt) */
  required: boolean;
  superior: DepartmentRef | null;
  withinWorkingDays: number | null;
  dueDate: string | null;
  dueDay: number | null;
  reportedAt: Date | null;
  reportedTo: DepartmentRef | null;
  note: string | null;
  late: boolean | null;
}

export interface SupervisionDocumentDoc {
  _id: Types.ObjectId;
  number: string;
  numberPrefix: string;
  numberYear: number;
  numberSeq: number;
  kind: DocumentKind;
  status: DocumentStatus;
  urgent: boolean;
  /** the issuer's shorter deadline, calendar days from receipt */
  replyWithinDays: number | null;
  /** the issuing office: the procurator's org */
  office: string;
  issuedBy: string;
  issuedAt: Date;
  region: string;
  regionPath: string[];
  addressee: DepartmentRef;
  addresseePath: string[];
  leads: string[];
  records: DocumentRecordRef[];
  facts: string;
  legalBasis: string;
  request: string;
  revision: number;
  revisions: DocumentRevision[];
  receivedAt: Date | null;
  receivedBy: string | null;
  /** when the reply clock last started: receipt, a revision, or a renewed request */
  clockFrom: Date | null;
  dueDate: string | null;
  dueDay: number | null;
  report: DocumentReport;
  answers: DocumentAnswer[];
  /** the first answer's time (ledger) */
  answeredAt: Date | null;
  objections: DocumentObjection[];
  outcome: Rectification | null;
  closedAt: Date | null;
  closedBy: string | null;
  history: DocumentHistoryEntry[];
  version?: number;
}

export interface DocumentSettingsDoc {
  /** `documents`, or `department:<code>` for a department's workflow */
  _id: string;
  settings: Record<string, unknown> | null;
  version: number;
  changes: { at: Date; actor: string; change: unknown; settings: unknown; note: string }[];
}

const departmentRef = { _id: false, code: String, name: String };
const documentSchema = new Schema<SupervisionDocumentDoc>(
  {
    number: { type: String, required: true },
    numberPrefix: String,
    numberYear: Number,
    numberSeq: Number,
    kind: { type: String, required: true },
    status: { type: String, required: true },
    urgent: Boolean,
    replyWithinDays: Number,
    office: String,
    issuedBy: String,
    issuedAt: Date,
    region: String,
    regionPath: [String],
    addressee: departmentRef,
    addresseePath: [String],
    leads: [String],
    records: [{ _id: false, domain: String, sourceId: String, externalId: String, idNumber: String, region: String }],
    facts: String,
    legalBasis: String,
    request: String,
    revision: Number,
    revisions: Schema.Types.Mixed,
    receivedAt: Date,
    receivedBy: String,
    clockFrom: Date,
    dueDate: String,
    dueDay: Number,
    report: Schema.Types.Mixed,
    answers: Schema.Types.Mixed,
    answeredAt: Date,
    objections: Schema.Types.Mixed,
    outcome: String,
    closedAt: Date,
    closedBy: String,
    history: Schema.Types.Mixed,
    version: Number,
  },
  { versionKey: false, strict: true, timestamps: false, autoIndex: false, collection: 'supervision_documents' },
);
documentSchema.index({ number: 1 }, { unique: true });
documentSchema.index({ numberPrefix: 1, numberYear: 1, numberSeq: -1 });
documentSchema.index({ regionPath: 1 });
documentSchema.index({ addresseePath: 1 });
documentSchema.index({ status: 1, dueDay: 1 });

const settingsSchema = new Schema<DocumentSettingsDoc>(
  { _id: String, settings: Schema.Types.Mixed, version: Number, changes: Schema.Types.Mixed },
  { versionKey: false, strict: true, timestamps: false, autoIndex: false, collection: 'document_settings' },
);

export interface DocumentModels {
  Document: Model<SupervisionDocumentDoc>;
  Settings: Model<DocumentSettingsDoc>;
}

export function createDocumentModels(connection: Connection): DocumentModels {
  const model = modelOn(connection);
  return { Document: model('SupervisionDocument', documentSchema), Settings: model('DocumentSettings', settingsSchema) };
}

// -------------------------------------------------------------------------------------------------
// inputs

export interface IssueDocumentInput {
  kind: DocumentKind;
  addressee: { code: string; name: string };
  leads?: readonly string[] | null;
  records?: readonly { domain: Domain; id: string }[] | null;
  facts: string;
  legalBasis: string;
  request: string;
  urgent?: boolean | null;
  replyWithinDays?: number | null;
}

export interface DocumentFilter {
  kind?: readonly DocumentKind[] | null;
  status?: readonly DocumentStatus[] | null;
  addressee?: string | null;
  regions?: readonly string[] | null;
  dueWithinDays?: number | null;
  overdue?: boolean | null;
  issuedFrom?: Date | null;
  issuedTo?: Date | null;
}

export interface DocumentPage {
  nodes: SupervisionDocumentDoc[];
  hasNextPage: boolean;
  totalCount: () => Promise<number>;
}

export type DocumentAlertKind = 'DUE_SOON' | 'OVERDUE' | 'REPORT_OVERDUE' | 'OBJECTION_PENDING';

export interface DocumentAlert {
  kind: DocumentAlertKind;
  document: SupervisionDocumentDoc;
  /** DUE_SOON: days left; OVERDUE, REPORT_OVERDUE: days over; OBJECTION_PENDING: days since the objection */
  days: number;
}

export interface DepartmentWorkflowView extends DepartmentWorkflow {
  code: string;
  changes: DocumentSettingsDoc['changes'];
}

export interface DocumentSettingsView {
  settings: DocumentSettings;
  defaults: DocumentSettings;
  changes: DocumentSettingsDoc['changes'];
  departments: DepartmentWorkflowView[];
}

const CODE = /^[\w.-]{1,32}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** A required text of at most `max` characters, trimmed; multi-line unless `oneLine`. */
function text(field: string, value: string | null | undefined, max: number, oneLine = false): string {
  const v = (value ?? '').trim();
  if (!v) throw badInput(field, 'is required');
  if (v.length > max) throw badInput(field, `must be at most ${max} characters, got ${v.length}`);
  const problem = controlCharacterProblem(v, !oneLine);
  if (problem) throw badInput(field, problem);
  return v;
}

export const encodeDocumentCursor = (id: Types.ObjectId): string => encodeIdCursor('document', id);

/** The conditions together, without empty ones (an administrator's scope is `{}`). */
function allOf(parts: Record<string, unknown>[]): Record<string, unknown> {
  const some = parts.filter((p) => Object.keys(p).length > 0);
  return some.length === 0 ? {} : some.length === 1 ? some[0] : { $and: some };
}

const SIDE_OF_ROLE: Partial<Record<DocumentCaller['role'], DocumentSide>> = { PROCURATOR: 'PROCURATOR', DEPARTMENT: 'DEPARTMENT' };

// -------------------------------------------------------------------------------------------------

export interface DocumentsOptions {
  models: DocumentModels;
  records: Models['records'];
  claims: GuardedWrites;
  leads: LeadStore;
  registry: SourceRegistry;
  /** the hub's clock (ms since the epoch) */
  clock?: () => number;
  /** the attachments service, where the hub has one */
  attachments?: DocumentAttachments;
  /** where each stored change of a document is reported (services/events.ts) */
  events?: ChangeSink;
}

/** `hub_meta` document: the day documents falling due were announced through (`announceDue`). */
const DUE_MARKER = 'documents-due';
/** How many days back an announcement looks when the last one is older (a hub stopped for weeks). */
export const DUE_LOOKBACK_DAYS = 31;

export class Documents {
  readonly models: DocumentModels;
  private readonly clock: () => number;
  attachments: DocumentAttachments | undefined;

  constructor(private readonly options: DocumentsOptions) {
    this.models = options.models;
    this.clock = options.clock ?? Date.now;
    this.attachments = options.attachments;
  }

  async ensureIndexes(): Promise<void> {
    for (const m of [this.models.Document, this.models.Settings] as Model<any>[]) {
      await m.createCollection().catch(() => undefined);
      await m.createIndexes();
    }
  }

  /** The hub's time now. */
  now(): Date {
    return new Date(this.clock());
  }

  /** Today's Beijing calendar day by the hub's clock. */
  today(): number {
    return beijingDay(this.clock());
  }

  private get collection(): Collection<SupervisionDocumentDoc> {
    return this.models.Document.collection as unknown as Collection<SupervisionDocumentDoc>;
  }

  private get settingsCollection(): Collection<DocumentSettingsDoc> {
    return this.models.Settings.collection as unknown as Collection<DocumentSettingsDoc>;
  }

  /** The city's working calendar: rule DATA_LATE_ENTRY's holidays and make-up working days. */
  async calendar(): Promise<WorkCalendar> {
    const p = (await this.options.leads.parameters()).DATA_LATE_ENTRY as { holidays?: string[]; workdays?: string[] } | undefined;
    return { holidays: p?.holidays ?? [], workdays: p?.workdays ?? [] };
  }

  // -----------------------------------------------------------------------------------------------
  // settings

  async settings(): Promise<DocumentSettings> {
    const stored = await this.settingsCollection.findOne({ _id: 'documents' });
    return settingsInForce(stored?.settings);
  }

  /**
   * The settings with the departments' rules; for a department (`org`), only the rules that bind it
   * or its units, not other departments'.
   */
  async settingsView(org?: string): Promise<DocumentSettingsView> {
    const all = await this.settingsCollection.find({}).toArray();
    const concerns = (code: string) => !org || addresses(org, code) || addresses(code, org);
    const general = all.find((s) => s._id === 'documents');
    const inForce = settingsInForce(general?.settings);
    return {
      settings: inForce,
      defaults: DEFAULT_DOCUMENT_SETTINGS,
      changes: general?.changes ?? [],
      departments: all
        .filter((s) => s._id.startsWith('department:') && s.settings && concerns(s._id.slice('department:'.length)))
        .map((s) => ({ code: s._id.slice('department:'.length), ...(s.settings as DepartmentWorkflow), changes: s.changes }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    };
  }

  /** The workflow rule of a department: its own, else that of the nearest department it is a unit of. */
  async workflowFor(code: string): Promise<DepartmentWorkflow | null> {
    const ids = addresseePath(code).map((c) => `department:${c}`);
    const found = await this.settingsCollection.find({ _id: { $in: ids } }).toArray();
    for (const id of ids.reverse()) {
      const s = found.find((f) => f._id === id)?.settings;
      if (s) return s as DepartmentWorkflow;
    }
    return null;
  }

  /** Writes one settings document, first change by insert, later ones claimed (guarded-writes.ts). */
  private async changeSettingsDoc(
    id: string,
    decide: (current: Record<string, unknown> | null) => Record<string, unknown> | null,
    change: unknown,
    note: string,
    actor: string,
  ) {
    const entry = (settings: unknown) => ({ at: this.now(), actor, change, settings, note });
    let current = await this.settingsCollection.findOne({ _id: id });
    if (!current) {
      const settings = decide(null);
      try {
        await this.settingsCollection.insertOne({ _id: id, settings, version: 1, changes: [entry(settings)] });
        return;
      } catch (e) {
        if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
        current = await this.settingsCollection.findOne({ _id: id });
      }
    }
    await this.guarded(
      this.settingsCollection,
      id,
      (cur: DocumentSettingsDoc) => {
        const settings = decide(cur.settings);
        return { settings, changes: [...(cur.changes ?? []), entry(settings)] };
      },
      current!,
      10,
      'the settings were changed concurrently ten times; try again',
    );
  }

  /** An administrator's change of the document settings, merged into those in force and checked whole. */
  async changeSettings(change: unknown, note: string, actor: string): Promise<DocumentSettingsView> {
    const why = text('note', note, 2000);
    await this.changeSettingsDoc(
      'documents',
      (current) => {
        const checked = changeDocumentSettings(settingsInForce(current), change);
        if (!checked.ok) {
          const err = badInput('settings', checked.problems.join('; '));
          err.extensions.problems = checked.problems;
          throw err;
        }
        return checked.settings as unknown as Record<string, unknown>;
      },
      change,
      why,
      actor,
    );
    return this.settingsView();
  }

  /** An administrator sets (or, with null, removes) a department's report-to-superior rule. */
  async changeDepartmentWorkflow(
    code: string,
    workflow: DepartmentWorkflow | null,
    note: string,
    actor: string,
  ): Promise<DocumentSettingsView> {
    if (!CODE.test(code)) throw badInput('code', 'a department code: letters, digits, _ . - (at most 32)');
    const why = text('note', note, 2000);
    let settings: DepartmentWorkflow | null = null;
    if (workflow) {
      const parsed = departmentWorkflowSchema.safeParse(workflow);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        throw badInput(i.path.join('.') || 'workflow', i.message);
      }
      settings = parsed.data;
    }
    await this.changeSettingsDoc(`department:${code}`, () => settings as Record<string, unknown> | null, workflow, why, actor);
    return this.settingsView();
  }

  // -----------------------------------------------------------------------------------------------
  // reading

  /** What a caller may see, as a query; null: nothing. */
  private scope(caller: DocumentCaller): Record<string, unknown> | null {
    if (caller.role === 'ADMIN') return {};
    if (caller.role === 'DEPARTMENT') return { addresseePath: caller.org };
    if (caller.role === 'PROCURATOR') return caller.regions.length ? { regionPath: { $in: [...caller.regions] } } : null;
    return null;
  }

  /** Whether a caller may see a document (the same rule as `scope`). */
  visibleTo(doc: SupervisionDocumentDoc, caller: DocumentCaller): boolean {
    if (caller.role === 'ADMIN') return true;
    if (caller.role === 'DEPARTMENT') return addresses(doc.addressee.code, caller.org);
    if (caller.role === 'PROCURATOR') return caller.regions.some((r) => doc.region.startsWith(r));
    return false;
  }

  async get(id: string, caller: DocumentCaller): Promise<SupervisionDocumentDoc | null> {
    if (!/^[0-9a-f]{24}$/i.test(id)) throw badInput('id', `"${id}" is not a document id`);
    const _id = new Types.ObjectId(id);
    // settled: a step just acknowledged is never shown undone (store/guarded-writes.ts `settled`)
    const doc = await this.options.claims.settled(this.collection, _id).catch(() => this.collection.findOne({ _id }));
    return doc && this.visibleTo(doc, caller) ? doc : null;
  }

  /** The same answer whether the document does not exist or is not the caller's to see. */
  private notFound(id: string): Error {
    return badInput('id', `no supervision document ${id} for you`);
  }

  private query(filter: DocumentFilter | null | undefined, caller: DocumentCaller): Record<string, unknown> | null {
    const scope = this.scope(caller);
    if (!scope) return null;
    const f = filter ?? {};
    const and: Record<string, unknown>[] = [scope];
    const today = this.today();
    if (f.regions?.length) {
      const regions = narrowRegions(f.regions, caller.role === 'PROCURATOR' ? caller.regions : null);
      if (!regions || regions.length === 0) return null;
      and.push({ regionPath: { $in: regions } });
    }
    if (f.kind?.length) and.push({ kind: { $in: [...f.kind] } });
    if (f.status?.length) and.push({ status: { $in: [...f.status] } });
    if (f.addressee) and.push({ addresseePath: f.addressee });
    if (f.dueWithinDays != null) {
      if (!Number.isInteger(f.dueWithinDays) || f.dueWithinDays < 0 || f.dueWithinDays > 366)
        throw badInput('filter.dueWithinDays', `must be a whole number of days from 0 to 366, got ${f.dueWithinDays}`);
      and.push({ status: 'RECEIVED', dueDay: { $gte: today, $lte: today + f.dueWithinDays } });
    }
    if (f.overdue === true) and.push({ status: 'RECEIVED', dueDay: { $lt: today } });
    if (f.overdue === false) and.push({ $or: [{ status: { $ne: 'RECEIVED' } }, { dueDay: { $gte: today } }] });
    if (f.issuedFrom || f.issuedTo) {
      if (f.issuedFrom && f.issuedTo && f.issuedFrom >= f.issuedTo) throw badInput('filter.issuedTo', 'must be after filter.issuedFrom');
      and.push({ issuedAt: { ...(f.issuedFrom ? { $gte: f.issuedFrom } : {}), ...(f.issuedTo ? { $lt: f.issuedTo } : {}) } });
    }
    return allOf(and);
  }

  /**
   * The documents issued in [start, end) that a ledger for `caller` counts, as the ledger reads them
   * (domain/ledger.ts): a department's own and its units'; for procurators, analysts and
   * administrators those of their jurisdiction, narrowed to `regions` (prefixes) and `kinds` when given.
   */
  async ledgerDocuments(
    caller: DocumentCaller,
    range: { start: Date; end: Date },
    filter: { kinds?: readonly DocumentKind[] | null; regions?: readonly string[] | null } = {},
  ): Promise<LedgerDocument[]> {
    const and: Record<string, unknown>[] = [{ issuedAt: { $gte: range.start, $lt: range.end } }];
    if (caller.role === 'DEPARTMENT') and.push({ addresseePath: caller.org });
    const jurisdiction = caller.role === 'DEPARTMENT' || caller.role === 'ADMIN' ? null : caller.regions;
    const regions = narrowRegions(filter.regions ?? undefined, jurisdiction);
    if (regions && regions.length === 0) return [];
    if (regions) and.push({ regionPath: { $in: [...regions] } });
    if (filter.kinds?.length) and.push({ kind: { $in: [...filter.kinds] } });
    return (await this.collection
      .find(allOf(and), { projection: LEDGER_FIELDS, batchSize: 10_000 })
      .toArray()) as unknown as LedgerDocument[];
  }

  /** Newest first, keyset-paged on the id. */
  async list(
    filter: DocumentFilter | null | undefined,
    first: number,
    after: string | null | undefined,
    caller: DocumentCaller,
  ): Promise<DocumentPage> {
    const q = this.query(filter, caller);
    const afterId = after ? decodeIdCursor('document', after) : null;
    if (!q) return { nodes: [], hasNextPage: false, totalCount: async () => 0 };
    const pageQuery = afterId ? allOf([q, { _id: { $lt: afterId } }]) : q;
    const rows =
      first === 0
        ? []
        : await this.collection.find(pageQuery as Filter<SupervisionDocumentDoc>, { sort: { _id: -1 }, limit: first + 1 }).toArray();
    return {
      nodes: rows.slice(0, first),
      hasNextPage: rows.length > first,
      totalCount: () => this.collection.countDocuments(q as Filter<SupervisionDocumentDoc>),
    };
  }

  /** The signals for the issuing side: due soon, overdue, report to superior overdue, objection pending. */
  async alerts(caller: DocumentCaller, regions: readonly string[] | null | undefined): Promise<DocumentAlert[]> {
    const scope = this.query({ regions }, caller);
    if (!scope) return [];
    const today = this.today();
    const { dueSoonDays } = await this.settings();
    const rows = await this.collection
      .find(
        allOf([
          scope,
          {
            $or: [
              { status: 'RECEIVED', dueDay: { $lte: today + dueSoonDays } },
              { status: 'OBJECTED' },
              { 'report.required': true, 'report.reportedAt': null, 'report.dueDay': { $lt: today } },
            ],
          },
        ]) as Filter<SupervisionDocumentDoc>,
      )
      .sort({ dueDay: 1, _id: 1 })
      .toArray();
    const out: DocumentAlert[] = [];
    for (const d of rows) {
      if (d.status === 'RECEIVED' && d.dueDay != null) {
        if (d.dueDay < today) out.push({ kind: 'OVERDUE', document: d, days: today - d.dueDay });
        else if (d.dueDay <= today + dueSoonDays) out.push({ kind: 'DUE_SOON', document: d, days: d.dueDay - today });
      }
      if (d.status === 'OBJECTED') {
        const open = d.objections.at(-1);
        out.push({ kind: 'OBJECTION_PENDING', document: d, days: open ? today - beijingDay(open.at) : 0 });
      }
      if (d.report?.required && !d.report.reportedAt && d.report.dueDay != null && d.report.dueDay < today && d.status !== 'WITHDRAWN')
        out.push({ kind: 'REPORT_OVERDUE', document: d, days: today - d.report.dueDay });
    }
    const order: Record<DocumentAlertKind, number> = { OVERDUE: 0, REPORT_OVERDUE: 1, OBJECTION_PENDING: 2, DUE_SOON: 3 };
    return out.sort((a, b) => order[a.kind] - order[b.kind] || b.days - a.days);
  }

  /**
   * Announces what fell due since the last announcement, through `today`: one `DUE` event per
   * document and alert (domain/documents.ts `fallingDue`) for `documentChanged` subscribers. The day
   * announced through is kept in `hub_meta` (`documents-due`), so each is announced once; a first
   * announcement covers only today, and one after a long stop at most `DUE_LOOKBACK_DAYS` back (the
   * alerts themselves are in `documentAlerts` whatever was announced). The caller runs it under the
   * evaluation lease (incremental.ts `daily`): one replica at a time. Returns the events sent.
   */
  async announceDue(today: number): Promise<number> {
    const meta = this.models.Document.db.db!.collection<{ _id: string; through: number }>('hub_meta');
    const last = (await meta.findOne({ _id: DUE_MARKER }))?.through;
    if (last != null && last >= today) return 0;
    const after = Math.max(last ?? today - 1, today - DUE_LOOKBACK_DAYS);
    const { dueSoonDays } = await this.settings();
    const changes: Change[] = [];
    // the documents awaiting a reply, and those whose report may be overdue: a few thousand a year
    for await (const d of this.collection.find({ $or: [{ status: 'RECEIVED' }, { 'report.required': true, 'report.reportedAt': null }] }))
      for (const alert of fallingDue(d, after, today, dueSoonDays)) changes.push({ ...changeOf('DUE', d), alert });
    await (this.options.events ?? NO_EVENTS).changed('document', changes);
    // after the events: a replica stopped between the two announces again (at least once, as events go)
    await meta.updateOne({ _id: DUE_MARKER }, { $set: { through: today } }, { upsert: true });
    return changes.length;
  }

  /** The leads a document was issued from, as stored. */
  async leadsOf(doc: SupervisionDocumentDoc): Promise<LeadDoc[]> {
    if (!doc.leads.length) return [];
    const rows = (await this.options.leads.models.Lead.collection
      .find({ _id: { $in: doc.leads.map((id) => new Types.ObjectId(id)) } })
      .toArray()) as unknown as LeadDoc[];
    const by = new Map(rows.map((l) => [l._id.toHexString(), l]));
    return doc.leads.map((id) => by.get(id)).filter((l): l is LeadDoc => !!l);
  }

  /** Whether a department may see a record of this source: the source belongs to it or one of its units. */
  departmentOwnsSource(sourceId: string, org: string): boolean {
    const source = this.options.registry.get(sourceId);
    return !!source && addresses(source.department.code, org);
  }

  // -----------------------------------------------------------------------------------------------
  // issuing

  async issue(input: IssueDocumentInput, caller: DocumentCaller): Promise<SupervisionDocumentDoc> {
    const code = (input.addressee?.code ?? '').trim();
    if (!CODE.test(code)) throw badInput('addressee.code', 'a department code: letters, digits, _ . - (at most 32)');
    const name = text('addressee.name', input.addressee?.name, 100, true);
    const facts = text('facts', input.facts, 10_000);
    const legalBasis = text('legalBasis', input.legalBasis, 2000);
    const request = text('request', input.request, 5000);
    const leadIds = input.leads ?? [];
    const recordIds = input.records ?? [];
    if (leadIds.length + recordIds.length === 0) throw badInput('leads', 'a document rests on at least one lead or record');
    if (leadIds.length > 50) throw badInput('leads', `at most 50, got ${leadIds.length}`);
    if (recordIds.length > 50) throw badInput('records', `at most 50, got ${recordIds.length}`);
    const jurisdiction = caller.role === 'PROCURATOR' ? caller.regions : null;

    const leads: LeadDoc[] = [];
    for (const [i, id] of leadIds.entries()) {
      if (!/^[0-9a-f]{24}$/i.test(id)) throw badInput(`leads[${i}]`, `"${id}" is not a lead id`);
      const lead = await this.options.leads.get(id, jurisdiction);
      if (!lead) throw badInput(`leads[${i}]`, `no supervision lead ${id} in your jurisdiction`);
      if (lead.status === 'RESOLVED' || lead.status === 'DISMISSED')
        throw badInput(`leads[${i}]`, `lead ${id} is ${lead.status}; reopen it first (reopenLead)`);
      if (leads.some((l) => l._id.equals(lead._id))) throw badInput(`leads[${i}]`, `lead ${id} is named twice`);
      leads.push(lead);
    }
    const records: DocumentRecordRef[] = [];
    const addRecord = (r: DocumentRecordRef) => {
      if (!records.some((x) => x.domain === r.domain && x.sourceId === r.sourceId && x.externalId === r.externalId)) records.push(r);
    };
    for (const l of leads) for (const r of l.records) addRecord({ ...r, idNumber: l.idNumber, region: l.region });
    for (const [i, ref] of recordIds.entries()) {
      if (!DOMAINS.includes(ref.domain)) throw badInput(`records[${i}].domain`, `no record domain ${ref.domain}`);
      if (!/^[0-9a-f]{24}$/i.test(ref.id)) throw badInput(`records[${i}].id`, `"${ref.id}" is not a record id`);
      const r = (await this.options.records[ref.domain].collection.findOne({ _id: new Types.ObjectId(ref.id) })) as {
        sourceId: Types.ObjectId;
        externalId: string;
        idNumber: string;
        region: string;
      } | null;
      if (!r || (jurisdiction && !jurisdiction.some((j) => r.region.startsWith(j))))
        throw badInput(`records[${i}].id`, `no ${ref.domain} record ${ref.id} in your jurisdiction`);
      addRecord({
        domain: ref.domain,
        sourceId: r.sourceId.toHexString(),
        externalId: r.externalId,
        idNumber: r.idNumber,
        region: r.region,
      });
    }
    const region = leads[0]?.region ?? records[0].region;

    const settings = await this.settings();
    const cal = await this.calendar();
    const now = this.now();
    const today = beijingDay(now);
    const urgent = input.urgent === true;
    if (input.replyWithinDays != null) {
      const problem = overrideProblem(input.kind, urgent, input.replyWithinDays, today, settings, cal);
      if (problem) throw badInput('replyWithinDays', problem);
    }
    const prefix = settings.numberPrefixes[input.kind];
    const year = yearOfDay(today);
    const base: Omit<SupervisionDocumentDoc, '_id' | 'number' | 'numberSeq'> = {
      numberPrefix: prefix,
      numberYear: year,
      kind: input.kind,
      status: 'ISSUED',
      urgent,
      replyWithinDays: input.replyWithinDays ?? null,
      office: caller.org,
      issuedBy: caller.sub,
      issuedAt: now,
      region,
      regionPath: regionPath(region),
      addressee: { code, name },
      addresseePath: addresseePath(code),
      leads: leads.map((l) => l._id.toHexString()),
      records,
      facts,
      legalBasis,
      request,
      revision: 1,
      revisions: [{ revision: 1, at: now, actor: caller.sub, facts, legalBasis, request }],
      receivedAt: null,
      receivedBy: null,
      clockFrom: null,
      dueDate: null,
      dueDay: null,
      report: {
        required: false,
        superior: null,
        withinWorkingDays: null,
        dueDate: null,
        dueDay: null,
        reportedAt: null,
        reportedTo: null,
        note: null,
        late: null,
      },
      answers: [],
      answeredAt: null,
      objections: [],
      outcome: null,
      closedAt: null,
      closedBy: null,
      history: [],
    };
    // The next number of this prefix and year: the store's unique index decides between two issuers.
    let doc: SupervisionDocumentDoc | null = null;
    for (let attempt = 0; attempt < 20 && !doc; attempt++) {
      const last = await this.collection.findOne(
        { numberPrefix: prefix, numberYear: year },
        { sort: { numberSeq: -1 }, projection: { numberSeq: 1 } },
      );
      const seq = (last?.numberSeq ?? 0) + 1;
      const number = formatDocumentNumber(prefix, year, seq);
      const candidate = {
        ...base,
        _id: new Types.ObjectId(),
        number,
        numberSeq: seq,
        history: [this.entry(caller, 'ISSUE', `制发${urgent ? '（急件）' : ''} ${number}`, now)],
      };
      try {
        await this.collection.insertOne(candidate);
        doc = candidate;
      } catch (e) {
        if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
      }
    }
    if (!doc) throw badInput('kind', 'numbers are being taken by others right now; try again');
    await (this.options.events ?? NO_EVENTS).changed('document', [changeOf('CREATED', doc)]);
    // Its NEW leads are taken up (受理) with the document cited.
    await this.options.leads.followDocument(
      doc.leads,
      ['NEW'],
      'ACKNOWLEDGED',
      `已制发${KIND_LABELS[doc.kind]} ${doc.number}`,
      caller.sub,
      now,
    );
    return doc;
  }

  // -----------------------------------------------------------------------------------------------
  // the steps

  private entry(caller: DocumentCaller, action: DocumentAction, note: string, at: Date = this.now()): DocumentHistoryEntry {
    return { at, actor: caller.sub, role: caller.role, org: caller.org, action, note };
  }

  /** A claimed change whose repeated loss becomes a clear error for the caller. */
  private async guarded<T extends Claimable>(
    collection: Collection<T>,
    id: T['_id'],
    decide: (current: T) => Record<string, unknown> | null,
    current: T,
    attempts: number,
    busy: string,
  ): Promise<T | null> {
    try {
      return (await this.options.claims.change(collection, id, decide, { current, attempts })).doc;
    } catch (e) {
      if (e instanceof ConcurrentChangeError) throw badInput('id', busy);
      throw e;
    }
  }

  /**
   * One step of the workflow by the caller's side: the document must be the caller's to act on and in a
   * status the step allows; the change is decided on the document as stored when it is written, and a
   * change by someone else since the caller's read is a conflict the caller must see.
   */
  private async step(
    id: string,
    caller: DocumentCaller,
    action: Exclude<DocumentAction, 'ISSUE'>,
    note: string,
    decide: (current: SupervisionDocumentDoc, at: Date) => Record<string, unknown>,
  ): Promise<SupervisionDocumentDoc> {
    const side = SIDE_OF_ROLE[caller.role];
    const doc = await this.get(id, caller);
    if (!doc || !side) throw this.notFound(id);
    const problem = stepProblem(action, side, doc.status);
    if (problem) throw badInput('id', `document ${doc.number}: ${problem}`);
    const at = this.now();
    const stored = await this.guarded(
      this.collection,
      doc._id,
      (current) => {
        if (current.status !== doc.status || (current.version ?? 0) !== (doc.version ?? 0))
          throw badInput('id', `document ${doc.number} was changed by someone else just now (it is ${current.status} now); read it again`);
        const set = decide(current, at);
        return { ...set, history: [...current.history, this.entry(caller, action, note, at)] };
      },
      doc,
      3,
      `document ${doc.number} is being changed by others right now; try again`,
    );
    if (!stored) throw this.notFound(id);
    await (this.options.events ?? NO_EVENTS).changed('document', [changeOf(stored.status === doc.status ? 'CHANGED' : 'STATUS', stored)]);
    return stored;
  }

  /** The department signs its receipt (签收): the reply clock starts, and the report to its superior where its rules ask. */
  async signReceipt(id: string, note: string | null | undefined, caller: DocumentCaller): Promise<SupervisionDocumentDoc> {
    const why = note?.trim() ? text('note', note, 2000) : '签收';
    const doc = await this.get(id, caller);
    if (!doc) throw this.notFound(id);
    const [settings, cal, workflow] = await Promise.all([this.settings(), this.calendar(), this.workflowFor(doc.addressee.code)]);
    return this.step(id, caller, 'SIGN_RECEIPT', why, (current, at) => {
      const day = beijingDay(at);
      const due = dueDay(current.kind, current.urgent, current.replyWithinDays, day, settings, cal);
      const reportDue = workflow ? addWorkingDays(day, workflow.reportWithinWorkingDays, cal) : null;
      return {
        status: 'RECEIVED',
        receivedAt: at,
        receivedBy: caller.sub,
        clockFrom: at,
        dueDay: due,
        dueDate: dateOfDay(due),
        report: {
          ...current.report,
          required: !!workflow,
          superior: workflow?.superior ?? null,
          withinWorkingDays: workflow?.reportWithinWorkingDays ?? null,
          dueDay: reportDue,
          dueDate: reportDue == null ? null : dateOfDay(reportDue),
        },
      };
    });
  }

  /** The department files its report to its superior (向上级报告); late when after its rule's limit. */
  async reportToSuperior(id: string, superior: DepartmentRef, note: string, caller: DocumentCaller): Promise<SupervisionDocumentDoc> {
    const code = (superior?.code ?? '').trim();
    if (!CODE.test(code)) throw badInput('superior.code', 'a department code: letters, digits, _ . - (at most 32)');
    const name = text('superior.name', superior?.name, 100, true);
    const why = text('note', note, 2000);
    const doc = await this.get(id, caller);
    if (!doc) throw this.notFound(id);
    if (doc.report?.reportedAt)
      throw badInput('id', `document ${doc.number} was already reported to ${doc.report.reportedTo?.name ?? 'the superior'}`);
    if (doc.report?.superior && doc.report.superior.code !== code)
      throw badInput('superior.code', `your rules name ${doc.report.superior.code} (${doc.report.superior.name}) as your superior`);
    return this.step(id, caller, 'REPORT_TO_SUPERIOR', `报告 ${name}：${why}`, (current, at) => {
      if (current.report?.reportedAt) throw badInput('id', `document ${current.number} was already reported`);
      const day = beijingDay(at);
      return {
        report: {
          ...current.report,
          reportedAt: at,
          reportedTo: { code, name },
          note: why,
          late: current.report?.dueDay != null ? day > current.report.dueDay : false,
        },
      };
    });
  }

  /** The department's written answer (书面回复). */
  async answer(
    id: string,
    input: { text: string; measures: string; rectification: Rectification; attachments?: readonly string[] | null },
    caller: DocumentCaller,
  ): Promise<SupervisionDocumentDoc> {
    const answerText = text('text', input.text, 10_000);
    const measures = text('measures', input.measures, 10_000);
    const hashes = input.attachments ?? [];
    if (hashes.length > 20) throw badInput('attachments', `at most 20, got ${hashes.length}`);
    hashes.forEach((h, i) => {
      if (!SHA256.test(h)) throw badInput(`attachments[${i}]`, 'a SHA-256 as 64 lower-case hex digits (from POST /attachments)');
    });
    const doc = await this.get(id, caller);
    if (!doc) throw this.notFound(id);
    let attachments: AttachmentMeta[] = [];
    if (hashes.length) {
      if (!this.attachments) throw badInput('attachments', 'this hub stores no attachments');
      attachments = await this.attachments.describe(hashes);
    }
    const stored = await this.step(
      id,
      caller,
      'ANSWER',
      `书面回复（${RECTIFICATION_NAMES[input.rectification] ?? input.rectification}）`,
      (current, at) => {
        const day = beijingDay(at);
        const answer: DocumentAnswer = {
          at,
          actor: caller.sub,
          org: caller.org,
          text: answerText,
          measures,
          rectification: input.rectification,
          attachments,
          dueDate: current.dueDate,
          late: current.dueDay != null && day > current.dueDay,
        };
        return { status: 'ANSWERED', answers: [...current.answers, answer], answeredAt: current.answeredAt ?? at };
      },
    );
    if (hashes.length && this.attachments) await this.attachments.link(hashes, [stored.office, stored.addressee.code]);
    return stored;
  }

  /** The department objects (异议, 申请复查): the procurator must re-examine. Once per revision of the text. */
  async object(id: string, reasons: string, caller: DocumentCaller): Promise<SupervisionDocumentDoc> {
    const why = text('reasons', reasons, 10_000);
    return this.step(id, caller, 'OBJECT', why, (current, at) => {
      if (current.objections.some((o) => o.revision === current.revision))
        throw badInput('id', `document ${current.number}: this text (revision ${current.revision}) was objected to once already`);
      const objection: DocumentObjection = {
        at,
        actor: caller.sub,
        org: caller.org,
        reasons: why,
        revision: current.revision,
        decision: null,
        decidedAt: null,
        decidedBy: null,
        decisionNote: null,
      };
      return { status: 'OBJECTED', objections: [...current.objections, objection] };
    });
  }

  private decided(current: SupervisionDocumentDoc, decision: ObjectionDecision, note: string, at: Date, caller: DocumentCaller) {
    return current.objections.map((o, i) =>
      i === current.objections.length - 1 ? { ...o, decision, decidedAt: at, decidedBy: caller.sub, decisionNote: note } : o,
    );
  }

  /** The objection is upheld in part: a revised text, whose deadline runs from the revision. */
  async revise(
    id: string,
    input: { facts?: string | null; legalBasis?: string | null; request?: string | null; note: string },
    caller: DocumentCaller,
  ): Promise<SupervisionDocumentDoc> {
    const why = text('note', input.note, 2000);
    const facts = input.facts != null ? text('facts', input.facts, 10_000) : null;
    const legalBasis = input.legalBasis != null ? text('legalBasis', input.legalBasis, 2000) : null;
    const request = input.request != null ? text('request', input.request, 5000) : null;
    if (!facts && !legalBasis && !request) throw badInput('request', 'a revision changes the facts, the legal basis or the request');
    const [settings, cal] = await Promise.all([this.settings(), this.calendar()]);
    return this.step(id, caller, 'REVISE', why, (current, at) => {
      const revision = current.revision + 1;
      const next = {
        facts: facts ?? current.facts,
        legalBasis: legalBasis ?? current.legalBasis,
        request: request ?? current.request,
      };
      const due = dueDay(current.kind, current.urgent, current.replyWithinDays, beijingDay(at), settings, cal);
      return {
        status: 'RECEIVED',
        ...next,
        revision,
        revisions: [...current.revisions, { revision, at, actor: caller.sub, ...next }],
        objections: this.decided(current, 'REVISED', why, at, caller),
        clockFrom: at,
        dueDay: due,
        dueDate: dateOfDay(due),
      };
    });
  }

  /** The objection is rejected with reasons: the department owes the answer by the same deadline. */
  async uphold(id: string, reasons: string, caller: DocumentCaller): Promise<SupervisionDocumentDoc> {
    const why = text('reasons', reasons, 10_000);
    return this.step(id, caller, 'UPHOLD', why, (current, at) => ({
      status: 'RECEIVED',
      objections: this.decided(current, 'UPHELD', why, at, caller),
    }));
  }

  /** The document is withdrawn (撤回): final. On an objection, the objection was right. */
  async withdraw(id: string, note: string, caller: DocumentCaller): Promise<SupervisionDocumentDoc> {
    const why = text('note', note, 2000);
    return this.step(id, caller, 'WITHDRAW', why, (current, at) => ({
      status: 'WITHDRAWN',
      closedAt: at,
      closedBy: caller.sub,
      ...(current.status === 'OBJECTED' ? { objections: this.decided(current, 'WITHDRAWN', why, at, caller) } : {}),
    }));
  }

  /** The procurator accepts the answer with its outcome and closes the document. */
  async accept(id: string, outcome: Rectification, note: string, caller: DocumentCaller): Promise<SupervisionDocumentDoc> {
    return this.finish(id, 'ACCEPT', outcome, note, caller);
  }

  /** The procurator closes the document with an outcome, answered or not (e.g. long overdue). */
  async close(id: string, outcome: Rectification, note: string, caller: DocumentCaller): Promise<SupervisionDocumentDoc> {
    return this.finish(id, 'CLOSE', outcome, note, caller);
  }

  private async finish(id: string, action: 'ACCEPT' | 'CLOSE', outcome: Rectification, note: string, caller: DocumentCaller) {
    const why = text('note', note, 2000);
    const stored = await this.step(id, caller, action, `${RECTIFICATION_NAMES[outcome] ?? outcome}：${why}`, (_current, at) => ({
      status: 'CLOSED',
      outcome,
      closedAt: at,
      closedBy: caller.sub,
    }));
    // A rectified document resolves its leads, citing it.
    if (outcome === 'RECTIFIED')
      await this.options.leads.followDocument(
        stored.leads,
        ['NEW', 'ACKNOWLEDGED'],
        'RESOLVED',
        `${KIND_LABELS[stored.kind]} ${stored.number} 已整改：${why}`,
        caller.sub,
        stored.closedAt ?? this.now(),
      );
    return stored;
  }

  /** The answer does not settle it: the department must answer again by a new deadline. */
  async askAgain(
    id: string,
    note: string,
    replyWithinDays: number | null | undefined,
    caller: DocumentCaller,
  ): Promise<SupervisionDocumentDoc> {
    const why = text('note', note, 2000);
    if (replyWithinDays != null && (!Number.isInteger(replyWithinDays) || replyWithinDays < 1 || replyWithinDays > 366))
      throw badInput('replyWithinDays', `must be a whole number of days from 1 to 366, got ${replyWithinDays}`);
    const [settings, cal] = await Promise.all([this.settings(), this.calendar()]);
    return this.step(id, caller, 'ASK_AGAIN', why, (current, at) => {
      const day = beijingDay(at);
      const due =
        replyWithinDays != null ? day + replyWithinDays : dueDay(current.kind, current.urgent, current.replyWithinDays, day, settings, cal);
      return { status: 'RECEIVED', clockFrom: at, dueDay: due, dueDate: dateOfDay(due) };
    });
  }
}

/**
 * The document settings in force from what is stored: settings a later version added take their
 * defaults beneath what an administrator stored; stored settings that no longer check give the defaults.
 */
function settingsInForce(stored: unknown): DocumentSettings {
  const merged = { ...DEFAULT_DOCUMENT_SETTINGS, ...(stored && typeof stored === 'object' ? stored : {}) };
  const parsed = documentSettingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_DOCUMENT_SETTINGS;
}

/** What the ledger reads of a document (domain/ledger.ts `LedgerDocument`). */
const LEDGER_FIELDS = {
  kind: 1,
  status: 1,
  office: 1,
  region: 1,
  addressee: 1,
  issuedAt: 1,
  receivedAt: 1,
  dueDay: 1,
  answers: 1,
  objections: 1,
  report: 1,
  outcome: 1,
} as const;
