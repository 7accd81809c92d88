/**
 * Two-way consultations (双向咨询, domain/consultations.ts) in the hub's store.
 *
 * - `consultations`: one document per consultation: the two parties (the procuratorate office and the
 *   department, each `{ code, name }`), who opened it, topic, subject, question, the case it is about,
 *   status, the settlement note, and its history (opened, closed) with actor, role, unit and time.
 * - `consultation_messages`: the thread, one document per message, `_id` = `<consultation id>:<n>`.
 *
 * Only the two parties see a consultation (their units: the office's code is a procurator's `org`, the
 * department's code a DEPARTMENT caller's `org`); ADMIN may read. To anyone else an existing
 * consultation and an unknown id are the same BAD_USER_INPUT on `id`.
 *
 * Concurrency. Every change of a consultation document is a guarded write (store/guarded-writes.ts):
 * a message first takes the next number of the thread (`lastSeq`) on the consultation, then is
 * inserted (an append: its own document, never a rewrite of the thread); closing sets the status on
 * the same document. The two are ordered by the document's versions, so a message racing a close
 * either took its number before the close (and is part of the closed thread) or finds it closed and is
 * refused; two closes at once leave one. On FerretDB a `$push` of messages beside the close could be
 * lost (claimed-writes.ts), which is why the thread is not an array of the consultation.
 */
import { Types, Schema, type Connection, type Model } from 'mongoose';
import type { Collection } from 'mongodb';
import { beijingDay, beijingMidnight, dateOfDay, dayOfDate } from '../../domain/calendar';
import {
  check,
  CONSULTATION_DIMENSIONS,
  messageSchema,
  monthLabel,
  officeName,
  openConsultationSchema,
  regionOfUnitCode,
  settlementSchema,
  STATUS_TERMS,
  THREAD_MAX,
  type ConsultationDimension,
  type ConsultationSide,
  type ConsultationStatus,
  type ConsultationTopic,
} from '../../domain/consultations';
import type { Domain } from '../../domain/records';
import { CITY_CODE, regionPath } from '../../domain/regions';
import { echoPlain } from '../../domain/text';
import { badInput } from '../../lib/errors';
import { ConcurrentChangeError, type GuardedWrites } from '../store/guarded-writes';
import type { Models } from '../store/models';
import type { SourceRegistry } from '../sources/registry';
import type { AttachmentMeta, Attachments } from './attachments';

/** A person acting on a consultation: the token's `sub`, role and unit. */
export interface ConsultationActor {
  sub: string;
  org: string;
  role: string;
  /** the caller's jurisdiction (region prefixes) */
  regions: readonly string[];
}

export interface Party {
  code: string;
  name: string;
}

export interface ConsultationStep {
  at: Date;
  action: 'OPENED' | 'CLOSED';
  actor: string;
  role: string;
  org: string;
  note: string;
}

export interface ConsultationCase {
  domain: Domain | null;
  recordId: string | null;
  caseNumber: string | null;
}

export interface ConsultationDoc {
  _id: Types.ObjectId;
  office: Party;
  department: Party;
  /** which side opened it */
  openedBy: ConsultationSide;
  topic: ConsultationTopic;
  subject: string;
  question: string;
  /** files of the question, as they were when it was asked (read from here: a thread never loads the files) */
  attachments: AttachmentMeta[];
  case: ConsultationCase | null;
  /** the office's district (`500101`), or the case record's, else the city (`50`): counts are narrowed by it */
  region: string;
  regionPath: string[];
  status: ConsultationStatus;
  openedAt: Date;
  closedAt: Date | null;
  settlement: string | null;
  /** numbers of the thread's messages taken so far */
  lastSeq: number;
  lastMessageAt: Date | null;
  history: ConsultationStep[];
  /** guarded writes so far */
  version?: number;
}

export interface ConsultationMessageDoc {
  /** `<consultation id>:<seq>` */
  _id: string;
  consultationId: string;
  seq: number;
  at: Date;
  side: ConsultationSide;
  author: { sub: string; role: string; org: string };
  text: string;
  /** files of the message */
  attachments: AttachmentMeta[];
}

const party = { _id: false, code: String, name: String };
const consultationSchema = new Schema<ConsultationDoc>(
  {
    office: party,
    department: party,
    openedBy: String,
    topic: String,
    subject: String,
    question: String,
    attachments: [{ _id: false, sha256: String, size: Number, contentType: String }],
    case: { _id: false, domain: String, recordId: String, caseNumber: String },
    region: String,
    regionPath: [String],
    status: String,
    openedAt: Date,
    closedAt: Date,
    settlement: String,
    lastSeq: Number,
    lastMessageAt: Date,
    history: [{ _id: false, at: Date, action: String, actor: String, role: String, org: String, note: String }],
    version: Number,
  },
  { versionKey: false, strict: true, timestamps: false, autoIndex: false, collection: 'consultations' },
);
consultationSchema.index({ 'office.code': 1 });
consultationSchema.index({ 'department.code': 1 });
consultationSchema.index({ openedAt: -1 });

const messageDocSchema = new Schema<ConsultationMessageDoc>(
  {
    _id: String,
    consultationId: String,
    seq: Number,
    at: Date,
    side: String,
    author: { _id: false, sub: String, role: String, org: String },
    text: String,
    attachments: [{ _id: false, sha256: String, size: Number, contentType: String }],
  },
  { versionKey: false, strict: true, timestamps: false, autoIndex: false, collection: 'consultation_messages' },
);
messageDocSchema.index({ consultationId: 1 });

export interface ConsultationModels {
  Consultation: Model<ConsultationDoc>;
  ConsultationMessage: Model<ConsultationMessageDoc>;
}

export function createConsultationModels(connection: Connection): ConsultationModels {
  const model = <T>(name: string, schema: Schema<T>): Model<T> =>
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return { Consultation: model('Consultation', consultationSchema), ConsultationMessage: model('ConsultationMessage', messageDocSchema) };
}

export interface ConsultationFilter {
  statuses?: readonly ConsultationStatus[] | null;
  topics?: readonly ConsultationTopic[] | null;
  departmentCodes?: readonly string[] | null;
  officeCodes?: readonly string[] | null;
  openedFrom?: Date | null;
  openedTo?: Date | null;
}

export interface ConsultationPage {
  nodes: ConsultationDoc[];
  hasNextPage: boolean;
  totalCount: () => Promise<number>;
}

export interface ConsultationCount {
  keys: { dimension: ConsultationDimension; value: string; label: string }[];
  count: number;
}

export function encodeConsultationCursor(c: Pick<ConsultationDoc, '_id' | 'openedAt'>): string {
  return Buffer.from(`consultation:${c.openedAt.getTime()}:${c._id.toHexString()}`).toString('base64url');
}

function decodeConsultationCursor(cursor: string): { at: Date; id: Types.ObjectId } {
  const m = /^consultation:(\d{1,15}):([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badInput('after', 'is not a cursor this hub issued; pass an endCursor from a previous page');
  return { at: new Date(Number(m[1])), id: new Types.ObjectId(m[2]) };
}

/** Which side a caller is on, or null when it is not a party's role. */
function sideOf(role: string): ConsultationSide | null {
  return role === 'PROCURATOR' ? 'PROCURATORATE' : role === 'DEPARTMENT' ? 'DEPARTMENT' : null;
}

/** Whether `caller` is one of the consultation's two parties. */
function isParty(c: Pick<ConsultationDoc, 'office' | 'department'>, caller: ConsultationActor): boolean {
  return (
    (caller.role === 'PROCURATOR' && c.office.code === caller.org) || (caller.role === 'DEPARTMENT' && c.department.code === caller.org)
  );
}

export class Consultations {
  constructor(
    readonly models: ConsultationModels,
    private readonly deps: {
      claims: GuardedWrites;
      attachments: Attachments;
      registry: SourceRegistry;
      records: Models['records'];
      clock?: () => number;
    },
  ) {}

  private now(): Date {
    return new Date((this.deps.clock ?? Date.now)());
  }

  private get consultations(): Collection<ConsultationDoc> {
    return this.models.Consultation.collection as unknown as Collection<ConsultationDoc>;
  }

  private get messages(): Collection<ConsultationMessageDoc> {
    return this.models.ConsultationMessage.collection as unknown as Collection<ConsultationMessageDoc>;
  }

  async ensureIndexes(): Promise<void> {
    for (const m of [this.models.Consultation, this.models.ConsultationMessage] as Model<any>[]) {
      await m.createCollection().catch(() => undefined);
      await m.createIndexes();
    }
  }

  // -------------------------------------------------------------------------------------------------
  // opening

  /** Opens a consultation from the caller's side to the other party; the question is its first word. */
  async open(input: unknown, caller: ConsultationActor): Promise<ConsultationDoc> {
    const side = sideOf(caller.role);
    if (!side) throw badInput('input', `a ${caller.role} caller cannot open a consultation`);
    const checked = check(openConsultationSchema, input, 'input');
    if (!checked.ok) throw badInput(checked.field, checked.message);
    const v = checked.value;
    let office: Party;
    let department: Party;
    if (side === 'PROCURATORATE') {
      if (v.office) throw badInput('input.office', "a procurator consults for its own office (the token's unit): give the department only");
      if (!v.department) throw badInput('input.department', 'is required: the department (code and name) the question is for');
      office = { code: caller.org, name: officeName(caller.org) };
      department = v.department;
    } else {
      if (v.department) throw badInput('input.department', "a department consults for itself (the token's unit): give the office only");
      if (!v.office) throw badInput('input.office', 'is required: the procuratorate office (code and name) the question is for');
      office = v.office;
      const known = this.deps.registry.list().find((s) => s.department.code === caller.org);
      department = { code: caller.org, name: known?.department.name ?? caller.org };
    }
    if (office.code === department.code) throw badInput('input', 'the two parties must be different units');
    const found = v.case ? await this.caseOf(v.case, caller) : null;
    const attachments = v.attachments ?? [];
    const files = await this.deps.attachments.describe(attachments, 'input.attachments');
    const region = regionOfUnitCode(office.code) ?? found?.region ?? CITY_CODE;
    const at = this.now();
    const doc: ConsultationDoc = {
      _id: new Types.ObjectId(),
      office,
      department,
      openedBy: side,
      topic: v.topic,
      subject: v.subject,
      question: v.question,
      attachments: files,
      case: found?.reference ?? null,
      region,
      regionPath: [...new Set(regionPath(region))],
      status: 'OPEN',
      openedAt: at,
      closedAt: null,
      settlement: null,
      lastSeq: 0,
      lastMessageAt: null,
      history: [{ at, action: 'OPENED', actor: caller.sub, role: caller.role, org: caller.org, note: v.subject }],
    };
    await this.consultations.insertOne(doc);
    if (attachments.length) await this.deps.attachments.link(attachments, [office.code, department.code]);
    return doc;
  }

  /**
   * The case a consultation refers to. A record must be one the opener may refer to: in a
   * procurator's jurisdiction, or held by the department's own source; otherwise it is refused as
   * unknown (whether it exists elsewhere is not told).
   */
  private async caseOf(
    ref: { domain?: Domain | null; recordId?: string | null; caseNumber?: string | null },
    caller: ConsultationActor,
  ): Promise<{ reference: ConsultationCase; region: string | null }> {
    if (!ref.recordId)
      return { reference: { domain: ref.domain ?? null, recordId: null, caseNumber: ref.caseNumber ?? null }, region: null };
    const domain = ref.domain ?? 'ENFORCEMENT_CASE';
    const record = (await this.deps.records[domain].collection.findOne({ _id: new Types.ObjectId(ref.recordId) })) as {
      region: string;
      sourceId: Types.ObjectId;
      caseNumber?: string | null;
    } | null;
    const mayRefer =
      record &&
      (caller.role === 'PROCURATOR'
        ? caller.regions.some((p) => record.region.startsWith(p))
        : this.deps.registry.get(record.sourceId)?.department.code === caller.org);
    if (!mayRefer) throw badInput('input.case.recordId', `no ${domain} record ${ref.recordId} that you may refer to`);
    return {
      reference: { domain, recordId: ref.recordId.toLowerCase(), caseNumber: ref.caseNumber ?? record.caseNumber ?? null },
      region: record.region,
    };
  }

  // -------------------------------------------------------------------------------------------------
  // reading

  /** A consultation the caller may see (a party, or ADMIN); unknown and foreign ids fail alike. */
  async get(id: string, caller: ConsultationActor): Promise<ConsultationDoc> {
    const unknown = () => badInput('id', `no consultation ${echoPlain(id)} between your unit and another`);
    if (!/^[0-9a-f]{24}$/i.test(id)) throw unknown();
    const _id = new Types.ObjectId(id);
    // settled: a close just acknowledged is never shown undone (store/guarded-writes.ts `settled`)
    const doc = await this.deps.claims.settled(this.consultations, _id).catch(() => this.consultations.findOne({ _id }));
    if (!doc || !(caller.role === 'ADMIN' || isParty(doc, caller))) throw unknown();
    return doc;
  }

  /** The thread of a consultation, oldest first. */
  async thread(consultationId: Types.ObjectId): Promise<ConsultationMessageDoc[]> {
    return this.messages.find({ consultationId: consultationId.toHexString() }, { sort: { seq: 1 } }).toArray();
  }

  /** The caller's consultations (ADMIN: all), newest opened first. */
  async list(filter: ConsultationFilter | null | undefined, first: number, after: string | null | undefined, caller: ConsultationActor) {
    const q: Record<string, unknown> = {};
    if (caller.role === 'PROCURATOR') q['office.code'] = caller.org;
    else if (caller.role === 'DEPARTMENT') q['department.code'] = caller.org;
    else if (caller.role !== 'ADMIN') return { nodes: [], hasNextPage: false, totalCount: async () => 0 };
    const f = filter ?? {};
    if (f.statuses?.length) q.status = { $in: [...f.statuses] };
    if (f.topics?.length) q.topic = { $in: [...f.topics] };
    // a unit filter narrows the caller's own side to nothing, or leaves it as it is
    for (const [field, codes] of [
      ['department.code', f.departmentCodes],
      ['office.code', f.officeCodes],
    ] as const) {
      if (!codes?.length) continue;
      const own = q[field] as string | undefined;
      if (own === undefined) q[field] = { $in: [...codes] };
      else if (!codes.includes(own)) return { nodes: [], hasNextPage: false, totalCount: async () => 0 };
    }
    if (f.openedFrom && f.openedTo && f.openedFrom >= f.openedTo) throw badInput('filter.openedTo', 'must be after filter.openedFrom');
    if (f.openedFrom || f.openedTo)
      q.openedAt = { ...(f.openedFrom ? { $gte: f.openedFrom } : {}), ...(f.openedTo ? { $lt: f.openedTo } : {}) };
    const pos = after ? decodeConsultationCursor(after) : null;
    const page = pos ? { $and: [q, { $or: [{ openedAt: { $lt: pos.at } }, { openedAt: pos.at, _id: { $lt: pos.id } }] }] } : q;
    const rows = first === 0 ? [] : await this.consultations.find(page, { sort: { openedAt: -1, _id: -1 }, limit: first + 1 }).toArray();
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first, totalCount: () => this.consultations.countDocuments(q) };
  }

  // -------------------------------------------------------------------------------------------------
  // the thread and the close

  /** A guarded change whose repeated loss is a clear error for the caller. */
  private async change(c: ConsultationDoc, decide: (current: ConsultationDoc) => Record<string, unknown> | null): Promise<ConsultationDoc> {
    try {
      const { doc } = await this.deps.claims.change(this.consultations, c._id, decide, { current: c, attempts: 10 });
      return doc ?? c;
    } catch (e) {
      if (e instanceof ConcurrentChangeError)
        throw badInput('id', `consultation ${c._id.toHexString()} is being changed by others right now; try again`);
      throw e;
    }
  }

  private closedError(c: ConsultationDoc, just: boolean): Error {
    const closing = c.history.find((h) => h.action === 'CLOSED');
    return badInput(
      'id',
      `consultation ${c._id.toHexString()} was closed${just ? ' just now' : ''}${closing ? ` by ${closing.org} at ${closing.at.toISOString()}` : ''}; a closed consultation takes no more messages`,
    );
  }

  /** Adds a message to the thread; refused once the consultation is closed. */
  async post(id: string, input: { text: string; attachments?: readonly string[] | null }, caller: ConsultationActor) {
    const c = await this.get(id, caller);
    const side = sideOf(caller.role);
    if (!side || !isParty(c, caller)) throw badInput('id', `no consultation ${echoPlain(id)} between your unit and another`);
    const checked = check(messageSchema, input, '');
    if (!checked.ok) throw badInput(checked.field, checked.message);
    const attachments = checked.value.attachments ?? [];
    const files = await this.deps.attachments.describe(attachments, 'attachments');
    if (c.status === 'CLOSED') throw this.closedError(c, false);
    const at = this.now();
    let seq = 0;
    const stored = await this.change(c, (current) => {
      if (current.status === 'CLOSED') throw this.closedError(current, true);
      if (current.lastSeq >= THREAD_MAX)
        throw badInput('id', `consultation ${id} holds ${THREAD_MAX} messages, the most a thread may: close it and open another`);
      seq = current.lastSeq + 1;
      return { lastSeq: seq, lastMessageAt: at };
    });
    const message: ConsultationMessageDoc = {
      _id: `${c._id.toHexString()}:${seq}`,
      consultationId: c._id.toHexString(),
      seq,
      at,
      side,
      author: { sub: caller.sub, role: caller.role, org: caller.org },
      text: checked.value.text,
      attachments: files,
    };
    await this.messages.insertOne(message);
    if (attachments.length) await this.deps.attachments.link(attachments, [c.office.code, c.department.code]);
    return { consultation: stored, message };
  }

  /** Closes a consultation with the settlement note (办结意见); either party may. */
  async close(id: string, settlement: string, caller: ConsultationActor): Promise<ConsultationDoc> {
    const c = await this.get(id, caller);
    if (!isParty(c, caller)) throw badInput('id', `no consultation ${echoPlain(id)} between your unit and another`);
    const checked = check(settlementSchema, settlement, 'settlement');
    if (!checked.ok) throw badInput(checked.field, checked.message);
    const at = this.now();
    const step: ConsultationStep = { at, action: 'CLOSED', actor: caller.sub, role: caller.role, org: caller.org, note: checked.value };
    if (c.status === 'CLOSED') throw badInput('id', `consultation ${id} is closed already`);
    return this.change(c, (current) => {
      if (current.status === 'CLOSED') throw badInput('id', `consultation ${id} was closed by someone else just now; read it again`);
      return { status: 'CLOSED', closedAt: at, settlement: checked.value, history: [...current.history, step] };
    });
  }

  // -------------------------------------------------------------------------------------------------
  // counting

  /**
   * How many consultations were opened in a period (Beijing days `from` to `to`, both included),
   * grouped by the given dimensions, inside the caller's jurisdiction (by the consultation's region).
   * Counts only: no subject, question or party beyond the units' names.
   */
  async counts(
    period: { from: string; to: string },
    groupBy: readonly ConsultationDimension[],
    jurisdiction: readonly string[] | null,
  ): Promise<ConsultationCount[]> {
    if (groupBy.length < 1 || groupBy.length > CONSULTATION_DIMENSIONS.length)
      throw badInput('groupBy', `give 1 to ${CONSULTATION_DIMENSIONS.length} dimensions, got ${groupBy.length}`);
    const twice = groupBy.find((d, i) => groupBy.indexOf(d) !== i);
    if (twice) throw badInput('groupBy', `${twice} is given twice`);
    const fromDay = dayOfDate(period.from);
    const toDay = dayOfDate(period.to);
    if (toDay < fromDay) throw badInput('period.to', `must not be before period.from (${period.from}), got ${period.to}`);
    // Beijing midnight of `from` up to Beijing midnight after `to`
    const start = beijingMidnight(fromDay);
    const end = beijingMidnight(toDay + 1);
    const q: Record<string, unknown> = { openedAt: { $gte: start, $lt: end } };
    if (jurisdiction) q.regionPath = { $in: [...jurisdiction] };
    const rows = await this.consultations.find(q, { projection: { office: 1, department: 1, openedAt: 1, status: 1 } }).toArray();
    const buckets = new Map<string, ConsultationCount>();
    for (const r of rows) {
      const keys = groupBy.map((dimension) => {
        switch (dimension) {
          case 'DEPARTMENT':
            return { dimension, value: r.department.code, label: r.department.name };
          case 'OFFICE':
            return { dimension, value: r.office.code, label: r.office.name };
          case 'MONTH': {
            const month = dateOfDay(beijingDay(r.openedAt)).slice(0, 7);
            return { dimension, value: month, label: monthLabel(month) };
          }
          case 'STATUS':
            return { dimension, value: r.status, label: STATUS_TERMS[r.status] };
        }
      });
      const key = JSON.stringify(keys.map((k) => k.value));
      const bucket = buckets.get(key);
      if (bucket) bucket.count += 1;
      else buckets.set(key, { keys, count: 1 });
    }
    return [...buckets.values()].sort((a, b) => {
      for (let i = 0; i < a.keys.length; i++) {
        const d = a.keys[i].value < b.keys[i].value ? -1 : a.keys[i].value > b.keys[i].value ? 1 : 0;
        if (d) return d;
      }
      return 0;
    });
  }
}
