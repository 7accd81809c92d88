/**
 * The demo year of supervision documents and two-way consultations (domain/synthetic/supervision.ts),
 * played through the real services: every issue, receipt, report, answer, objection, decision and
 * close is the service's own step, taken by the demo's procurators and departments with the services'
 * clock moved to the step's simulated time. Nothing is written around the services, so the documents
 * hold what the hub's own workflow would have left (numbers, deadlines, lateness, history).
 *
 * Documents are issued from records (the service's issue-from-records path): the seed runs before any
 * evaluation, so there are no leads yet to issue from, and the records the generator planted the
 * irregularities in are the facts the documents state.
 *
 * A second run adds nothing: the demo's steps are taken by actors whose subject begins with `demo-`,
 * each document is known by its kind and first record (each consultation by its case record), and a
 * document or consultation already there only gets the steps a cut-short run did not take (its history
 * counts the steps taken).
 */
import { Types } from 'mongoose';
import { beijingDay } from '../domain/calendar';
import { addresseePath, yearOfDay, type DepartmentWorkflow, type DocumentKind, type DocumentStatus } from '../domain/documents';
import type { ConsultationStatus } from '../domain/consultations';
import { syntheticSources, type SyntheticOptions } from '../domain/synthetic';
import {
  DEMO_ACTOR_PREFIX,
  demoWorkflows,
  planSupervision,
  type DemoConsultation,
  type DemoDocument,
  type DemoDocumentStep,
  type DemoRecordRef,
} from '../domain/synthetic/supervision';
import type { DataSources } from './index';
import { Consultations, type ConsultationActor, type ConsultationDoc } from './services/consultations';
import { Documents, type DocumentCaller, type SupervisionDocumentDoc } from './services/documents';

export interface SupervisionSeedResult {
  documents: {
    /** in the plan */
    planned: number;
    /** issued by this run */
    issued: number;
    /** workflow steps taken by this run (issues not counted) */
    steps: number;
    /** the demo documents in the store now */
    total: number;
    byKind: Record<DocumentKind, number>;
    byStatus: Record<DocumentStatus, number>;
    overdue: number;
    dueWithin7Days: number;
    answeredLate: number;
  };
  consultations: { planned: number; opened: number; messages: number; total: number; byStatus: Record<ConsultationStatus, number> };
  /** steps the services refused (the document or consultation stops there), with the first reason */
  refused: { count: number; first: string | null };
  /** demo documents or consultations of another seed or size were there: kept, nothing added */
  keptEarlier: boolean;
  /** seconds spent planning (with finding the records), issuing (and the consultations) and taking the documents' steps */
  seconds: { planning: number; issuing: number; steps: number };
}

const SEED_ACTOR = `${DEMO_ACTOR_PREFIX}seed`;
/** `hub_meta` document naming the plan the demo documents were seeded with. */
const PLAN_MARKER = 'demo-supervision';

/** Documents whose steps are taken at once (the store serves a few requests at a time). */
const LANES = 4;

interface Services {
  documents: Documents;
  consultations: Consultations;
}

/**
 * A sequence of steps taken one after the other in time order, by services of its own whose clock
 * is the step's time. Lanes run side by side: what one lane does never touches another's documents.
 */
class Lane {
  private now = 0;
  readonly services: Services;
  private readonly events: { at: number; order: number; run: (s: Services) => Promise<void> }[] = [];
  private static order = 0;

  constructor(make: (clock: () => number) => Services) {
    this.services = make(() => this.now);
  }

  add(at: number, run: (s: Services) => Promise<void>): void {
    this.events.push({ at, order: Lane.order++, run });
  }

  async play(): Promise<void> {
    this.events.sort((a, b) => a.at - b.at || a.order - b.order);
    for (const e of this.events) {
      this.now = e.at;
      await e.run(this.services);
    }
  }
}

/** Plays the demo year for the data set of `opts` (whose records are in the store already). */
export async function seedSupervision(sources: DataSources, opts: SyntheticOptions): Promise<SupervisionSeedResult> {
  const todayMs = opts.today.getTime();
  // Seed-time services over the hub's own models, on a clock the seed moves.
  const servicesOn = (clock: () => number): Services => ({
    documents: new Documents({
      models: sources.documents.models,
      records: sources.models.records,
      claims: sources.claims,
      leads: sources.leads,
      registry: sources.registry,
      attachments: sources.attachments,
      clock,
    }),
    consultations: new Consultations(sources.consultations.models, {
      claims: sources.claims,
      attachments: sources.attachments,
      registry: sources.registry,
      records: sources.models.records,
      clock,
    }),
  });
  // the settings are dated before the year begins
  const { documents, consultations } = servicesOn(() => todayMs - 366 * 86_400_000);
  await documents.ensureIndexes();
  await consultations.ensureIndexes();

  // The departments' report rules, set where none binds the unit yet.
  const rules = await workflowRules(documents);
  for (const { code, workflow } of demoWorkflows()) {
    if (rules(code)) continue;
    await documents.changeDepartmentWorkflow(
      code,
      workflow,
      `演示数据：${workflow.superior.name}要求收到检察文书后${workflow.reportWithinWorkingDays}个工作日内报告`,
      SEED_ACTOR,
    );
  }
  const [settings, calendar, workflowOf] = await Promise.all([documents.settings(), documents.calendar(), workflowRules(documents)]);

  // What a run before left: demo documents by key, with the steps they have had; consultations by case.
  const demoDocs = (await documents.models.Document.collection
    .find({}, { projection: { kind: 1, records: 1, issuedBy: 1, history: 1 } })
    .toArray()) as unknown as SupervisionDocumentDoc[];
  const earlierDocs = new Map<string, { id: string; done: number }>();
  for (const d of demoDocs)
    if (d.issuedBy?.startsWith(DEMO_ACTOR_PREFIX) && d.records?.[0])
      earlierDocs.set(`${d.kind}:${d.records[0].externalId}`, { id: d._id.toHexString(), done: d.history.length - 1 });
  const demoConsultations = (await consultations.models.Consultation.collection
    .find({}, { projection: { case: 1, lastSeq: 1, status: 1, history: 1 } })
    .toArray()) as unknown as ConsultationDoc[];
  const earlierConsultations = new Map<string, ConsultationDoc>();
  for (const c of demoConsultations)
    if (c.history?.[0]?.actor.startsWith(DEMO_ACTOR_PREFIX) && c.case?.recordId) earlierConsultations.set(c.case.recordId, c);

  // The plan this store was seeded with (its seed, persons and day): a second run plays the same plan,
  // so it finds everything done, or completes what a cut-short run left. Demo data of another seed or
  // size, or from before the marker, are kept as they are and nothing is added (two years in one store).
  const meta = sources.models.DataSource.db.collection<{ _id: string; seed: number; persons: number; today: Date }>('hub_meta');
  const marker = await meta.findOne({ _id: PLAN_MARKER });
  const keptEarlier = marker
    ? marker.seed !== opts.seed || marker.persons !== opts.persons
    : earlierDocs.size > 0 || earlierConsultations.size > 0;
  const today = marker && !keptEarlier ? marker.today : opts.today;
  if (!marker && !keptEarlier) await meta.insertOne({ _id: PLAN_MARKER, seed: opts.seed, persons: opts.persons, today });
  let mark = Date.now();
  const lap = () => {
    const since = (Date.now() - mark) / 1000;
    mark = Date.now();
    return since;
  };
  const plan = keptEarlier
    ? { documents: [], consultations: [] }
    : planSupervision({ persons: opts.persons, seed: opts.seed, today, settings, calendar, workflowOf });

  const recordIds = await recordResolver(sources, opts);
  const refused = { count: 0, first: null as string | null };
  const refuse = (what: string, e: unknown) => {
    refused.count++;
    refused.first ??= `${what}: ${e instanceof Error ? e.message : String(e)}`;
  };

  /**
   * First the issues, in the order of their days within each kind and year (a number is the next of
   * its prefix and year), one lane per kind and year, and the consultations in a lane of their own;
   * then each document's steps in its order, the documents spread over LANES lanes.
   */
  const issuing = new Map<string, Lane>();
  const issueLane = (key: string) => issuing.get(key) ?? issuing.set(key, new Lane(servicesOn)).get(key)!;
  const stepping = Array.from({ length: LANES }, () => new Lane(servicesOn));
  let issued = 0;
  let steps = 0;

  for (const [index, d] of plan.documents.entries()) {
    const earlier = earlierDocs.get(d.key);
    const state = { id: earlier?.id ?? null, stopped: false };
    if (!earlier) {
      const records = await Promise.all(d.records.map(recordIds));
      if (records.some((r) => !r)) continue;
      issueLane(`${d.kind}:${yearOfDay(beijingDay(d.issuedAt))}`).add(d.issuedAt, async (s) => {
        try {
          state.id = (await s.documents.issue(issueInput(d, records as string[]), procuratorOf(d)))._id.toHexString();
          issued++;
        } catch (e) {
          state.stopped = true;
          refuse(`issuing ${d.key}`, e);
        }
      });
    }
    for (const step of d.steps.slice(earlier?.done ?? 0))
      stepping[index % LANES].add(step.at, async (s) => {
        if (state.stopped || !state.id) return;
        try {
          await takeStep(s.documents, state.id, d, step);
          steps++;
        } catch (e) {
          state.stopped = true;
          refuse(`${step.action} on ${d.key}`, e);
        }
      });
  }

  // Consultations, with the messages and close they have had.
  const talking = issueLane('consultations');
  let opened = 0;
  let messages = 0;
  for (const c of plan.consultations) {
    const recordId = await recordIds(c.record);
    if (!recordId) continue;
    const earlier = earlierConsultations.get(recordId);
    const state = { id: earlier?._id.toHexString() ?? null, stopped: false };
    if (!earlier)
      talking.add(c.openedAt, async (s) => {
        try {
          state.id = (await s.consultations.open(openInput(c, recordId), actorOf(c, c.openedBy)))._id.toHexString();
          opened++;
        } catch (e) {
          state.stopped = true;
          refuse(`opening the consultation on ${c.key}`, e);
        }
      });
    for (const m of c.messages.slice(earlier?.lastSeq ?? 0))
      talking.add(m.at, async (s) => {
        if (state.stopped || !state.id) return;
        try {
          await s.consultations.post(state.id, { text: m.text }, actorOf(c, m.side));
          messages++;
        } catch (e) {
          state.stopped = true;
          refuse(`a message on ${c.key}`, e);
        }
      });
    const close = c.close;
    if (close && earlier?.status !== 'CLOSED')
      talking.add(close.at, async (s) => {
        if (state.stopped || !state.id) return;
        try {
          await s.consultations.close(state.id, close.settlement, actorOf(c, close.side));
        } catch (e) {
          refuse(`closing the consultation on ${c.key}`, e);
        }
      });
  }

  const planning = lap();
  await Promise.all([...issuing.values()].map((l) => l.play()));
  const issuingSeconds = lap();
  await Promise.all(stepping.map((l) => l.play()));
  const stepSeconds = lap();

  return {
    documents: { planned: plan.documents.length, issued, steps, ...(await documentCounts(documents, beijingDay(todayMs))) },
    consultations: { planned: plan.consultations.length, opened, messages, ...(await consultationCounts(consultations)) },
    refused,
    keptEarlier,
    seconds: { planning, issuing: issuingSeconds, steps: stepSeconds },
  };
}

/** The report rule binding a unit: its own, else its nearest department's (as Documents.workflowFor decides). */
async function workflowRules(documents: Documents): Promise<(code: string) => DepartmentWorkflow | null> {
  const set = new Map(
    (await documents.settingsView()).departments.map((d) => [
      d.code,
      { superior: d.superior, reportWithinWorkingDays: d.reportWithinWorkingDays },
    ]),
  );
  return (code) => {
    for (const c of addresseePath(code).reverse()) {
      const w = set.get(c);
      if (w) return w;
    }
    return null;
  };
}

/** The store id of a planned record: its source registered for its unit, then the record by its external id. */
async function recordResolver(sources: DataSources, opts: SyntheticOptions) {
  const registered = sources.registry.list();
  const sourceIds = new Map<string, Types.ObjectId>();
  for (const spec of syntheticSources(opts)) {
    const s = registered.find((r) => r.department.code === spec.department.code && r.name === spec.name);
    if (s) sourceIds.set(spec.key, s._id);
  }
  const cache = new Map<string, string | null>();
  return async (ref: DemoRecordRef): Promise<string | null> => {
    const key = `${ref.sourceKey}:${ref.externalId}`;
    if (!cache.has(key)) {
      const sourceId = sourceIds.get(ref.sourceKey);
      const found = sourceId
        ? await sources.models.records[ref.domain].collection.findOne({ sourceId, externalId: ref.externalId }, { projection: { _id: 1 } })
        : null;
      cache.set(key, found ? (found._id as Types.ObjectId).toHexString() : null);
    }
    return cache.get(key)!;
  };
}

function procuratorOf(d: { procurator: string; office: { code: string }; region: string }): DocumentCaller {
  return { sub: d.procurator, org: d.office.code, role: 'PROCURATOR', regions: [d.region] };
}

function departmentOf(d: DemoDocument): DocumentCaller {
  return { sub: d.department, org: d.addressee.code, role: 'DEPARTMENT', regions: [d.region] };
}

function issueInput(d: DemoDocument, records: string[]) {
  return {
    kind: d.kind,
    addressee: d.addressee,
    records: d.records.map((r, i) => ({ domain: r.domain, id: records[i] })),
    facts: d.facts,
    legalBasis: d.legalBasis,
    request: d.request,
    urgent: d.urgent,
    replyWithinDays: d.replyWithinDays,
  };
}

async function takeStep(documents: Documents, id: string, d: DemoDocument, step: DemoDocumentStep): Promise<void> {
  const procurator = procuratorOf(d);
  const department = departmentOf(d);
  switch (step.action) {
    case 'SIGN_RECEIPT':
      await documents.signReceipt(id, step.note, department);
      return;
    case 'REPORT_TO_SUPERIOR':
      await documents.reportToSuperior(id, step.superior, step.note, department);
      return;
    case 'ANSWER':
      await documents.answer(id, { text: step.text, measures: step.measures, rectification: step.rectification }, department);
      return;
    case 'OBJECT':
      await documents.object(id, step.reasons, department);
      return;
    case 'REVISE':
      await documents.revise(id, { request: step.request, note: step.note }, procurator);
      return;
    case 'UPHOLD':
      await documents.uphold(id, step.reasons, procurator);
      return;
    case 'WITHDRAW':
      await documents.withdraw(id, step.note, procurator);
      return;
    case 'ACCEPT':
      await documents.accept(id, step.outcome, step.note, procurator);
      return;
    case 'CLOSE':
      await documents.close(id, step.outcome, step.note, procurator);
      return;
    case 'ASK_AGAIN':
      await documents.askAgain(id, step.note, step.replyWithinDays, procurator);
  }
}

function actorOf(c: DemoConsultation, side: 'PROCURATORATE' | 'DEPARTMENT'): ConsultationActor {
  return side === 'PROCURATORATE'
    ? { sub: c.procurator, org: c.office.code, role: 'PROCURATOR', regions: [c.record.region] }
    : { sub: c.departmentActor, org: c.department.code, role: 'DEPARTMENT', regions: [c.record.region] };
}

function openInput(c: DemoConsultation, recordId: string) {
  return {
    ...(c.openedBy === 'PROCURATORATE' ? { department: c.department } : { office: c.office }),
    topic: c.topic,
    subject: c.subject,
    question: c.question,
    case: { domain: 'ENFORCEMENT_CASE', recordId },
  };
}

/** The demo documents in the store by kind and status, and those overdue, due within 7 days or answered late today. */
async function documentCounts(documents: Documents, today: number) {
  const rows = (await documents.models.Document.collection
    .find({}, { projection: { kind: 1, status: 1, dueDay: 1, issuedBy: 1, answers: 1 } })
    .toArray()) as unknown as SupervisionDocumentDoc[];
  const byKind: Record<DocumentKind, number> = { RECOMMENDATION: 0, CORRECTION_NOTICE: 0 };
  const byStatus: Record<DocumentStatus, number> = { ISSUED: 0, RECEIVED: 0, OBJECTED: 0, ANSWERED: 0, CLOSED: 0, WITHDRAWN: 0 };
  let overdue = 0;
  let dueWithin7Days = 0;
  let answeredLate = 0;
  let total = 0;
  for (const d of rows) {
    if (!d.issuedBy?.startsWith(DEMO_ACTOR_PREFIX)) continue;
    total++;
    byKind[d.kind]++;
    byStatus[d.status]++;
    if (d.status === 'RECEIVED' && d.dueDay != null && d.dueDay < today) overdue++;
    if (d.status === 'RECEIVED' && d.dueDay != null && d.dueDay >= today && d.dueDay <= today + 7) dueWithin7Days++;
    if ((d.answers ?? []).some((a) => a.late)) answeredLate++;
  }
  return { total, byKind, byStatus, overdue, dueWithin7Days, answeredLate };
}

async function consultationCounts(consultations: Consultations) {
  const rows = (await consultations.models.Consultation.collection
    .find({}, { projection: { status: 1, history: 1 } })
    .toArray()) as unknown as ConsultationDoc[];
  const byStatus: Record<ConsultationStatus, number> = { OPEN: 0, CLOSED: 0 };
  let total = 0;
  for (const c of rows) {
    if (!c.history?.[0]?.actor.startsWith(DEMO_ACTOR_PREFIX)) continue;
    total++;
    byStatus[c.status]++;
  }
  return { total, byStatus };
}
