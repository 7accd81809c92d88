/**
 * Supervision leads (监督线索) and the rule parameters administrators change, in the hub's store.
 *
 * A lead is identified by its finding's fingerprint (person + rule + records), unique in the store,
 * so the same finding on a later run is the same lead. Status changes follow docs/domain.md's workflow
 * (NEW → ACKNOWLEDGED → RESOLVED | DISMISSED) and are kept as history with actor, time and note.
 * Every change of a lead or of a rule's parameters claims the document's next version first
 * (claimed-writes.ts), so two procurators acting at once, or a procurator and the evaluation, cannot
 * overwrite each other's change unseen: FerretDB does not check an update's filter when it writes.
 */
import { Schema, Types, type Connection, type Model } from 'mongoose';
import type { Domain } from '../../domain/records';
import { regionPath } from '../../domain/regions';
import { changeParameters, renderFinding, type Rendered, RULES, ruleById, type RuleParameters, type Severity } from '../../domain/rules';
import { beijingDay } from '../../domain/calendar';
import { badInput } from '../../lib/errors';
import type { Collection } from 'mongodb';
import { ConcurrentChangeError, type Claimable, type GuardedWrites } from '../store/guarded-writes';
import { findByKeys, type BatchLookup } from '../store/lookup';
import { DUPLICATE_KEY, eachInFlight, UPDATES_IN_FLIGHT } from '../store/single-updates';
import { narrowRegions } from '../sources/federated-records';
import { modelOn } from '../store/models';
import { decodeIdCursor, encodeIdCursor } from '../store/pagination';
import { NO_EVENTS, changeOf, type Change, type ChangeSink } from './events';

export const LEAD_STATUSES = ['NEW', 'ACKNOWLEDGED', 'RESOLVED', 'DISMISSED'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/**
 * Which status may follow which (docs/domain.md). RESOLVED and DISMISSED go back to ACKNOWLEDGED only
 * when a person reopens the lead with a reason (`reopen`), never by `changeStatus`.
 */
export const NEXT_STATUS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  NEW: ['ACKNOWLEDGED'],
  ACKNOWLEDGED: ['RESOLVED', 'DISMISSED'],
  RESOLVED: ['ACKNOWLEDGED'],
  DISMISSED: ['ACKNOWLEDGED'],
};

/** The statuses a person reopens (reopenLead). */
export const REOPENABLE: readonly LeadStatus[] = ['RESOLVED', 'DISMISSED'];

/** A procuratorate's code names the region it owns: `JCY-500101` (a district), `JCY-50` (the city). */
export const OFFICE_CODE = /^JCY-(\d{2}|\d{4}|\d{6})$/;

/** The actor of changes the hub makes itself. */
export const EVALUATION_ACTOR = 'hub:evaluation';

export interface LeadRecordRef {
  domain: Domain;
  sourceId: string;
  externalId: string;
}

export interface LeadStatusChange {
  at: Date;
  actor: string;
  status: LeadStatus;
  note: string;
}

export interface LeadAssignee {
  /** the procurator's token `sub` */
  sub: string;
  /** their office, `JCY-<region>` */
  office: string;
  at: Date;
  by: string;
}

export interface LeadDoc {
  _id: Types.ObjectId;
  /** `${idNumber}|${finding fingerprint}`: unique */
  key: string;
  rule: string;
  severity: Severity;
  idNumber: string;
  name: string;
  region: string;
  regionPath: string[];
  records: LeadRecordRef[];
  numbers: Record<string, number | string>;
  explanation: string;
  explanationEn: string;
  detectedAt: Date;
  /** when the finding's figures or severity last changed (each evaluation refreshes them) */
  updatedAt: Date;
  status: LeadStatus;
  /** set when the data no longer showed the finding and the hub resolved it */
  resolvedByData: boolean;
  history: LeadStatusChange[];
  /** the procurator who handles it (承办检察官), where one was assigned */
  assignee?: LeadAssignee | null;
  /** changes claimed so far (claimed-writes.ts); absent on a lead never changed */
  version?: number;
}

export interface RuleSettingsDoc {
  _id: string;
  parameters: Record<string, unknown>;
  version: number;
  changes: { at: Date; actor: string; change: unknown; parameters: Record<string, unknown>; note: string }[];
}

const leadSchema = new Schema<LeadDoc>(
  {
    key: { type: String, required: true },
    rule: { type: String, required: true },
    severity: { type: String, required: true },
    idNumber: { type: String, required: true },
    name: String,
    region: { type: String, required: true },
    regionPath: [String],
    records: [{ _id: false, domain: String, sourceId: String, externalId: String }],
    numbers: Schema.Types.Mixed,
    explanation: String,
    explanationEn: String,
    detectedAt: { type: Date, required: true },
    updatedAt: Date,
    status: { type: String, required: true },
    resolvedByData: Boolean,
    history: [{ _id: false, at: Date, actor: String, status: String, note: String }],
    assignee: { _id: false, sub: String, office: String, at: Date, by: String },
    version: Number,
  },
  { versionKey: false, strict: true, timestamps: false, autoIndex: false, collection: 'supervision_leads' },
);
leadSchema.index({ key: 1 }, { unique: true });
leadSchema.index({ idNumber: 1 });
leadSchema.index({ status: 1 });
leadSchema.index({ rule: 1 });
leadSchema.index({ region: 1 });

const ruleSettingsSchema = new Schema<RuleSettingsDoc>(
  {
    _id: String,
    parameters: Schema.Types.Mixed,
    version: Number,
    changes: [{ _id: false, at: Date, actor: String, change: Schema.Types.Mixed, parameters: Schema.Types.Mixed, note: String }],
  },
  { versionKey: false, strict: true, timestamps: false, autoIndex: false, collection: 'rule_settings' },
);

export interface LeadModels {
  Lead: Model<LeadDoc>;
  RuleSettings: Model<RuleSettingsDoc>;
}

export function createLeadModels(connection: Connection): LeadModels {
  const model = modelOn(connection);
  return { Lead: model('SupervisionLead', leadSchema), RuleSettings: model('RuleSettings', ruleSettingsSchema) };
}

export interface LeadFilter {
  rules?: readonly string[] | null;
  regions?: readonly string[] | null;
  status?: readonly LeadStatus[] | null;
  severity?: readonly Severity[] | null;
  detectedFrom?: Date | null;
  detectedTo?: Date | null;
  idNumber?: string | null;
}

export interface LeadPage {
  nodes: LeadDoc[];
  hasNextPage: boolean;
  totalCount: () => Promise<number>;
}

export const encodeLeadCursor = (id: Types.ObjectId): string => encodeIdCursor('lead', id);

/** A rule as clients see it: the catalogue entry with the parameters in force and their history. */
export interface RuleView {
  id: string;
  title: string;
  titleEn: string;
  legalBasis: string;
  domains: Domain[];
  severity: Severity;
  description: string;
  descriptionEn: string;
  defaults: Record<string, unknown>;
  parameters: Record<string, unknown>;
  changes: RuleSettingsDoc['changes'];
}

export class LeadStore {
  /** how batches of ID numbers are looked up (set by createDataSources from the store's kind) */
  lookup: BatchLookup = 'in';
  /** the hub's clock: the time of people's steps on leads (set by createDataSources) */
  clock: () => number = Date.now;
  /** where each stored change of a lead is reported (services/events.ts: the subscriptions' events) */
  events: ChangeSink = NO_EVENTS;

  constructor(
    readonly models: LeadModels,
    readonly claims: GuardedWrites,
  ) {}

  async ensureIndexes(): Promise<void> {
    for (const m of [this.models.Lead, this.models.RuleSettings] as Model<any>[]) {
      await m.createCollection().catch(() => undefined);
      await m.createIndexes();
    }
  }

  // -------------------------------------------------------------------------------------------------
  // rules and their parameters

  async rules(): Promise<RuleView[]> {
    const settings = new Map((await this.models.RuleSettings.find().lean()).map((s) => [s._id, s]));
    return RULES.map((r) => {
      const s = settings.get(r.id);
      return {
        id: r.id,
        title: r.title,
        titleEn: r.titleEn,
        legalBasis: r.legalBasis,
        domains: r.domains,
        severity: r.severity,
        description: r.description,
        descriptionEn: r.descriptionEn,
        defaults: r.defaults as Record<string, unknown>,
        parameters: s?.parameters ?? (r.defaults as Record<string, unknown>),
        changes: s?.changes ?? [],
      };
    });
  }

  /** The parameters in force for every rule (defaults where nobody changed them). */
  async parameters(): Promise<RuleParameters> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const r of await this.rules()) out[r.id] = r.parameters;
    return out;
  }

  /**
   * An administrator's change to a rule's parameters: merged into the current ones, checked whole,
   * kept with who, when and why. Claimed (claimed-writes.ts), so concurrent changes do not lose one:
   * a change that lost its claim is merged again into the parameters the winner left.
   */
  async changeRule(id: string, change: unknown, note: string, actor: string): Promise<RuleView> {
    const rule = ruleById(id);
    if (!rule) throw badInput('id', `no supervision rule ${id}`);
    if (!note.trim()) throw badInput('note', 'must say why the parameters change');
    const merged = (current: Record<string, unknown>) => {
      const checked = changeParameters(id, current, change);
      if (!checked.ok) {
        const err = badInput('parameters', checked.problems.join('; '));
        err.extensions.problems = checked.problems;
        throw err;
      }
      return { at: new Date(), actor, change, parameters: checked.parameters, note: note.trim() };
    };
    const settings = this.models.RuleSettings.collection as unknown as Collection<RuleSettingsDoc>;
    let current = await settings.findOne({ _id: id });
    if (!current) {
      // The first change creates the document: an insert, which only one writer can win; a loser
      // goes on as a change of the winner's document.
      const entry = merged(rule.defaults as Record<string, unknown>);
      try {
        await settings.insertOne({ _id: id, parameters: entry.parameters, version: 1, changes: [entry] });
        return (await this.rules()).find((r) => r.id === id)!;
      } catch (e) {
        if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
        current = await settings.findOne({ _id: id });
      }
    }
    // Each attempt merges the change into the parameters in force when it is decided.
    await this.changeClaimed(
      settings,
      id,
      (cur: RuleSettingsDoc) => {
        const entry = merged(cur.parameters);
        return { parameters: entry.parameters, changes: [...(cur.changes ?? []), entry] };
      },
      current!,
      10,
      `rule ${id}: parameters changed concurrently ten times; try again`,
    );
    return (await this.rules()).find((r) => r.id === id)!;
  }

  /** A claimed change (claimed-writes.ts) whose repeated loss becomes a clear error for the caller. */
  private async changeClaimed<T extends Claimable>(
    collection: Collection<T>,
    id: T['_id'],
    decide: (current: T) => Record<string, unknown> | null,
    current: T,
    attempts: number,
    busy: string,
  ): Promise<T | null> {
    try {
      return (await this.claims.change(collection, id, decide, { current, attempts })).doc;
    } catch (e) {
      if (e instanceof ConcurrentChangeError) throw badInput('id', busy);
      throw e;
    }
  }

  // -------------------------------------------------------------------------------------------------
  // reading leads

  /**
   * A lead's figures and explanation as read today: the stored ones carry dates, and the day counts
   * (days over the limit, days left, days since…) are those of the hub's Beijing day (domain/rules `renderFinding`).
   */
  read(lead: Pick<LeadDoc, 'rule' | 'severity' | 'numbers' | 'explanation' | 'explanationEn'>): Rendered {
    return renderFinding(lead, beijingDay(this.clock()));
  }

  private query(filter: LeadFilter | null | undefined, jurisdiction: readonly string[] | null): Record<string, unknown> | null {
    const q: Record<string, unknown> = {};
    const f = filter ?? {};
    f.rules?.forEach((r, i) => {
      if (!ruleById(r)) throw badInput(`filter.rules[${i}]`, `no supervision rule ${r}`);
    });
    const regions = narrowRegions(f.regions, jurisdiction);
    if (regions && regions.length === 0) return null;
    if (regions) {
      // District codes as equality where possible (pushed down by FerretDB); prefixes through regionPath.
      if (regions.length === 1 && regions[0].length === 6) q.region = regions[0];
      else q.regionPath = { $in: regions };
    }
    if (f.rules?.length === 1) q.rule = f.rules[0];
    else if (f.rules?.length) q.rule = { $in: [...f.rules] };
    if (f.status?.length === 1) q.status = f.status[0];
    else if (f.status?.length) q.status = { $in: [...f.status] };
    if (f.severity?.length) q.severity = { $in: [...f.severity] };
    if (f.detectedFrom || f.detectedTo) {
      if (f.detectedFrom && f.detectedTo && f.detectedFrom >= f.detectedTo)
        throw badInput('filter.detectedTo', 'must be after filter.detectedFrom');
      q.detectedAt = { ...(f.detectedFrom ? { $gte: f.detectedFrom } : {}), ...(f.detectedTo ? { $lt: f.detectedTo } : {}) };
    }
    if (f.idNumber) q.idNumber = f.idNumber;
    return q;
  }

  /** Newest first (ids grow with detection time), keyset-paged on the id. */
  async list(
    filter: LeadFilter | null | undefined,
    first: number,
    after: string | null | undefined,
    jurisdiction: readonly string[] | null,
  ): Promise<LeadPage> {
    const q = this.query(filter, jurisdiction);
    const afterId = after ? decodeIdCursor('lead', after) : null;
    if (!q) return { nodes: [], hasNextPage: false, totalCount: async () => 0 };
    const pageQuery = afterId ? { ...q, _id: { $lt: afterId } } : q;
    const rows =
      first === 0
        ? []
        : ((await this.models.Lead.collection
            .find(pageQuery, { sort: { _id: -1 }, limit: first + 1, batchSize: first + 1 })
            .toArray()) as unknown as LeadDoc[]);
    return {
      nodes: rows.slice(0, first),
      hasNextPage: rows.length > first,
      totalCount: () => this.models.Lead.collection.countDocuments(q),
    };
  }

  /** Leads of many persons at once (Person.leads through a DataLoader), newest first. */
  async byIdNumbers(ids: readonly string[], jurisdiction: readonly string[] | null): Promise<LeadDoc[][]> {
    const rows = await findByKeys<LeadDoc>(this.models.Lead.collection, 'idNumber', ids, { _id: -1 }, this.lookup);
    const by = new Map<string, LeadDoc[]>();
    for (const r of rows) {
      if (jurisdiction && !jurisdiction.some((j) => r.region.startsWith(j))) continue;
      let list = by.get(r.idNumber);
      if (!list) by.set(r.idNumber, (list = []));
      list.push(r);
    }
    return ids.map((id) => by.get(id) ?? []);
  }

  async get(id: string, jurisdiction: readonly string[] | null): Promise<LeadDoc | null> {
    if (!/^[0-9a-f]{24}$/i.test(id)) throw badInput('id', `"${id}" is not a lead id`);
    const _id = new Types.ObjectId(id);
    const leads = this.models.Lead.collection as unknown as Collection<LeadDoc>;
    // settled: a status change just acknowledged is never shown undone (store/guarded-writes.ts `settled`)
    const lead = await this.claims.settled(leads, _id).catch(() => leads.findOne({ _id }));
    if (!lead || (jurisdiction && !jurisdiction.some((j) => lead.region.startsWith(j)))) return null;
    return lead;
  }

  /** A person's decision on a lead, by the workflow; the note says why and is kept in the history. */
  async changeStatus(
    id: string,
    status: LeadStatus,
    note: string,
    actor: string,
    jurisdiction: readonly string[] | null,
  ): Promise<LeadDoc> {
    if (!note.trim()) throw badInput('note', 'must say what was done or why');
    if (note.length > 2000) throw badInput('note', `must be at most 2000 characters, got ${note.length}`);
    const lead = await this.get(id, jurisdiction);
    if (!lead) throw badInput('id', `no supervision lead ${id} in your jurisdiction`);
    if (REOPENABLE.includes(lead.status))
      throw badInput('status', `a ${lead.status} lead is reopened with reopenLead and a reason, not updateLeadStatus`);
    const allowed = NEXT_STATUS[lead.status];
    if (!allowed.includes(status)) {
      throw badInput(
        'status',
        `a ${lead.status} lead can ${allowed.length ? `only become ${allowed.join(' or ')}` : 'no longer change status'}, not ${status}`,
      );
    }
    return this.move(lead, { at: new Date(this.clock()), actor, status, note: note.trim() });
  }

  /**
   * A person's status change of a lead as read: another change of the status since the read is a
   * conflict the caller must see; one of the finding's figures by the evaluation is not, and the
   * status change is decided again on it.
   */
  private async move(lead: LeadDoc, change: LeadStatusChange): Promise<LeadDoc> {
    const id = lead._id.toHexString();
    const stored = await this.changeClaimed(
      this.models.Lead.collection as unknown as Collection<LeadDoc>,
      lead._id,
      (current: LeadDoc) => {
        if (current.status !== lead.status)
          throw badInput('id', `lead ${id} was changed by someone else just now (it is ${current.status} now); read it again`);
        return { status: change.status, resolvedByData: false, history: [...current.history, change] };
      },
      lead,
      5,
      `lead ${id} is being changed by others right now; try again`,
    );
    if (!stored) throw badInput('id', `no supervision lead ${id} in your jurisdiction`);
    await this.events.changed('lead', [changeOf('STATUS', stored)]);
    return stored;
  }

  /** A person reopens a RESOLVED or DISMISSED lead (→ ACKNOWLEDGED), the reason kept in the history. */
  async reopen(id: string, reason: string, actor: string, jurisdiction: readonly string[] | null): Promise<LeadDoc> {
    if (!reason.trim()) throw badInput('reason', 'must say why the lead is reopened');
    if (reason.length > 2000) throw badInput('reason', `must be at most 2000 characters, got ${reason.length}`);
    const lead = await this.get(id, jurisdiction);
    if (!lead) throw badInput('id', `no supervision lead ${id} in your jurisdiction`);
    if (!REOPENABLE.includes(lead.status))
      throw badInput('id', `a ${lead.status} lead is open; only RESOLVED or DISMISSED leads are reopened`);
    return this.move(lead, { at: new Date(this.clock()), actor, status: 'ACKNOWLEDGED', note: `重新受理 (reopened): ${reason.trim()}` });
  }

  /**
   * Assigns a lead to a procurator (承办检察官) of an office that owns the lead's region: the office code
   * `JCY-<region prefix>` must cover it. Kept in the history with the note; the status does not change.
   */
  async assign(
    id: string,
    assignee: { sub: string; office: string },
    note: string,
    actor: string,
    jurisdiction: readonly string[] | null,
  ): Promise<LeadDoc> {
    const sub = assignee.sub.trim();
    if (!sub || sub.length > 128 || /\s/.test(sub)) throw badInput('assignee', "a procurator's token sub: 1 to 128 characters, no spaces");
    const office = OFFICE_CODE.exec(assignee.office.trim());
    if (!office) throw badInput('office', 'a procuratorate code JCY-<region prefix>, e.g. JCY-500101');
    if (!note.trim()) throw badInput('note', 'must say why the lead is assigned');
    if (note.length > 2000) throw badInput('note', `must be at most 2000 characters, got ${note.length}`);
    const lead = await this.get(id, jurisdiction);
    if (!lead) throw badInput('id', `no supervision lead ${id} in your jurisdiction`);
    if (!lead.region.startsWith(office[1]))
      throw badInput(
        'office',
        `${assignee.office} does not own region ${lead.region}: assign to a procurator of the office whose region covers it`,
      );
    const at = new Date(this.clock());
    const stored = await this.changeClaimed(
      this.models.Lead.collection as unknown as Collection<LeadDoc>,
      lead._id,
      (current: LeadDoc) => ({
        assignee: { sub, office: assignee.office.trim(), at, by: actor },
        history: [
          ...current.history,
          { at, actor, status: current.status, note: `指派 ${sub} (${assignee.office.trim()}): ${note.trim()}` },
        ],
      }),
      lead,
      5,
      `lead ${id} is being changed by others right now; try again`,
    );
    if (!stored) throw badInput('id', `no supervision lead ${id} in your jurisdiction`);
    await this.events.changed('lead', [changeOf('CHANGED', stored)]);
    return stored;
  }

  /**
   * A supervision document moves its leads (services/documents.ts): those in one of `from` become `to`,
   * with the document cited in the note; leads in other statuses are left as they are.
   */
  async followDocument(
    ids: readonly string[],
    from: readonly LeadStatus[],
    to: LeadStatus,
    note: string,
    actor: string,
    at: Date,
  ): Promise<void> {
    const Lead = this.models.Lead.collection as unknown as Collection<LeadDoc>;
    const changes: Change[] = [];
    for (const id of ids) {
      const { doc, written } = await this.claims.change(
        Lead,
        new Types.ObjectId(id),
        (current: LeadDoc) =>
          from.includes(current.status)
            ? { status: to, resolvedByData: false, history: [...current.history, { at, actor, status: to, note }] }
            : null,
        { attempts: 10 },
      );
      if (written && doc) changes.push(changeOf('STATUS', doc));
    }
    await this.events.changed('lead', changes);
  }

  // -------------------------------------------------------------------------------------------------
  // what the evaluation (services/evaluation/) reads and writes

  /** Every stored lead, with the fields reconciling a run's findings needs, in one pass. */
  forReconciling(): AsyncIterable<ReconciledLead> {
    return this.models.Lead.collection.find(
      {},
      {
        projection: { key: 1, idNumber: 1, rule: 1, status: 1, severity: 1, explanation: 1, records: 1, resolvedByData: 1 },
        batchSize: 10_000,
      },
    ) as unknown as AsyncIterable<ReconciledLead>;
  }

  /**
   * Stores the leads of new findings, a thousand per command. A lead already stored (written
   * meanwhile by a run that lost its lease) is left as it is, and the rest of its batch stored one by one.
   */
  async insertFound(found: readonly Omit<LeadDoc, '_id'>[]): Promise<void> {
    const Lead = this.models.Lead.collection;
    for (let i = 0; i < found.length; i += 1000) {
      // ids given here (the driver would add them the same way) name the stored leads in their events
      const batch = found.slice(i, i + 1000) as LeadDoc[];
      for (const doc of batch) doc._id ??= new Types.ObjectId();
      let stored = batch;
      try {
        await Lead.insertMany(batch as never[], { ordered: true });
      } catch (e) {
        if ((e as { code?: number }).code !== DUPLICATE_KEY) throw e;
        stored = [];
        for (const doc of batch)
          await Lead.insertOne(doc as never).then(
            () => stored.push(doc),
            (err: { code?: number }) => {
              if (err.code !== DUPLICATE_KEY) throw err;
            },
          );
      }
      await this.events.changed(
        'lead',
        stored.map((doc) => changeOf('CREATED', doc)),
      );
    }
  }

  /**
   * The evaluation's changes of stored leads, each decided again on the lead as stored when it is
   * written (claimed-writes.ts): a procurator may have changed it since it was read, and neither
   * change may be lost. A few at a time, each its own commands (single-updates.ts: FerretDB stalls on commands of many).
   */
  async changeByEvaluation(
    updates: readonly { id: LeadDoc['_id']; decide: (current: LeadDoc) => Record<string, unknown> | null }[],
  ): Promise<void> {
    const Lead = this.models.Lead.collection;
    const changes: Change[] = [];
    await eachInFlight(updates, UPDATES_IN_FLIGHT, async (u) => {
      let before: LeadDoc['status'] | undefined;
      const decide = (current: LeadDoc) => ((before = current.status), u.decide(current));
      const { doc, written } = await this.claims.change(Lead as never, u.id, decide as never);
      if (written && doc) changes.push(changeOf((doc as LeadDoc).status === before ? 'CHANGED' : 'STATUS', doc as LeadDoc));
    });
    await this.events.changed('lead', changes);
  }
}

/** A stored lead as the evaluation reads it to reconcile (forReconciling). */
export type ReconciledLead = Pick<
  LeadDoc,
  '_id' | 'key' | 'idNumber' | 'rule' | 'status' | 'severity' | 'explanation' | 'records' | 'resolvedByData'
>;

/** A stored lead for a new finding. */
export function newLead(
  f: {
    rule: string;
    severity: Severity;
    idNumber: string;
    region: string;
    numbers: Record<string, number | string>;
    explanation: string;
    explanationEn: string;
    fingerprint: string;
  },
  records: LeadRecordRef[],
  name: string,
  at: Date,
): Omit<LeadDoc, '_id'> {
  return {
    key: `${f.idNumber}|${f.fingerprint}`,
    rule: f.rule,
    severity: f.severity,
    idNumber: f.idNumber,
    name,
    region: f.region,
    regionPath: regionPath(f.region),
    records,
    numbers: f.numbers,
    explanation: f.explanation,
    explanationEn: f.explanationEn,
    detectedAt: at,
    updatedAt: at,
    status: 'NEW',
    resolvedByData: false,
    history: [{ at, actor: EVALUATION_ACTOR, status: 'NEW', note: 'found by evaluation' }],
  };
}
