/**
 * A plausible year of supervision documents and two-way consultations on the synthetic data set, for
 * the demo seed (datasources/seed-supervision.ts plays it through the services). Pure and deterministic:
 * the same options give the same plan.
 *
 * Volume, scaled against the demo's persons (the report's figures are a city of ~30 million):
 * recommendations = round(1,827 × persons / 100,000), correction notices = round(recommendations / 5)
 * on top, consultations = round(78 × persons / 100,000), at least 3 from 1,000 persons.
 *
 * Documents rest on records whose planted irregularity the generator knows (`plantedItem`), addressed
 * to the unit holding them (the record's facility / prison / office / agency) and issued by the district
 * procuratorate of the record's region. Each gets a lifecycle (`DemoScenario`) whose steps are placed
 * in time with the same deadline arithmetic the service uses (domain/documents.ts), on the settings and
 * calendar the caller passes (those in force in the store), so an answer planned late is late there too.
 * Steps after `today` are not in the plan: the document stays where the plan has reached by then.
 */
import {
  addWorkingDays,
  dueDay,
  type DepartmentWorkflow,
  type DocumentKind,
  type DocumentSettings,
  type Rectification,
} from '../documents';
import { isWorkingDay, type WorkCalendar } from '../calendar';
import type { ConsultationTopic } from '../consultations';
import type { Domain } from '../records';
import { generatePersons, plantedItem, type AnySyntheticItem, type SyntheticOptions } from './generate';
import type { SyntheticRuleId } from './planted';
import { Rng } from './random';
import { buildSources, procuratorateName } from './sources';
import {
  ACCEPT_NOTES,
  answerTexts,
  ASK_AGAIN_NOTE,
  CLOSE_OVERDUE_NOTE,
  CONSULTATION_THRESHOLDS,
  consultationTexts,
  documentTexts,
  familyOf,
  objectionReasons,
  reportNote,
  REVISE_NOTE,
  revisedRequest,
  SIGN_NOTES,
  UPHOLD_REASONS,
  WITHDRAW_NOTE,
} from './supervision-texts';
import { dayOf, msAt } from './time';

/** Actors of the demo steps: token subjects that begin with this (how a second seed run finds its own). */
export const DEMO_ACTOR_PREFIX = 'demo-';

export function demoProcurator(region: string): string {
  return `${DEMO_ACTOR_PREFIX}jcy-${region}`;
}
export function demoDepartmentActor(code: string): string {
  return `${DEMO_ACTOR_PREFIX}${code.toLowerCase()}`;
}

export interface SupervisionVolumes {
  recommendations: number;
  correctionNotices: number;
  consultations: number;
}

/** How many documents and consultations a year of the demo holds for `persons` persons. */
export function supervisionVolumes(persons: number): SupervisionVolumes {
  const recommendations = Math.round((1827 * persons) / 100_000);
  const consultations = Math.round((78 * persons) / 100_000);
  return {
    recommendations,
    correctionNotices: Math.round(recommendations / 5),
    consultations: persons >= 1000 ? Math.max(3, consultations) : consultations,
  };
}

/** The demo's department workflow rules: market regulation units and prisons report each document to their city bureau. */
export function demoWorkflows(): { code: string; workflow: DepartmentWorkflow }[] {
  const out: { code: string; workflow: DepartmentWorkflow }[] = [];
  const seen = new Set<string>();
  for (const s of buildSources()) {
    const code = s.department.code;
    if (seen.has(code)) continue;
    seen.add(code);
    if (code.startsWith('SCJG'))
      out.push({ code, workflow: { superior: { code: 'SCJG50', name: '重庆市市场监督管理局' }, reportWithinWorkingDays: 5 } });
    else if (s.domain === 'PRISON')
      out.push({ code, workflow: { superior: { code: 'JYGLJ50', name: '重庆市监狱管理局' }, reportWithinWorkingDays: 3 } });
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// the plan's shapes

export interface DemoRecordRef {
  domain: Domain;
  sourceKey: string;
  externalId: string;
  region: string;
}

export type DemoDocumentStep = { at: number } & (
  | { action: 'SIGN_RECEIPT'; note: string }
  | { action: 'REPORT_TO_SUPERIOR'; superior: { code: string; name: string }; note: string }
  | { action: 'ANSWER'; text: string; measures: string; rectification: Rectification }
  | { action: 'OBJECT'; reasons: string }
  | { action: 'REVISE'; request: string; note: string }
  | { action: 'UPHOLD'; reasons: string }
  | { action: 'WITHDRAW'; note: string }
  | { action: 'ACCEPT' | 'CLOSE'; outcome: Rectification; note: string }
  | { action: 'ASK_AGAIN'; note: string; replyWithinDays: number }
);

/**
 * The lifecycles: answered on time and rectified (the rest), partly rectified, answered late, asked
 * again, closed not rectified, objected and upheld / revised / withdrawn, and five that are anchored at
 * today: awaiting receipt, due within 7 days, overdue, answered awaiting review, objection pending.
 */
export const DEMO_SCENARIOS = [
  'ON_TIME',
  'PARTLY',
  'LATE',
  'ASKED_AGAIN',
  'NOT_RECTIFIED',
  'UPHELD',
  'REVISED',
  'WITHDRAWN',
  'AWAITING_RECEIPT',
  'DUE_SOON',
  'OVERDUE',
  'ANSWERED_PENDING',
  'OBJECTION_PENDING',
] as const;
export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

/** Share of the documents per scenario (at least one each while there are documents enough); ON_TIME takes the rest. */
const SCENARIO_SHARES: readonly (readonly [DemoScenario, number])[] = [
  ['OVERDUE', 0.035],
  ['DUE_SOON', 0.035],
  ['AWAITING_RECEIPT', 0.03],
  ['ANSWERED_PENDING', 0.03],
  ['OBJECTION_PENDING', 0.015],
  ['UPHELD', 0.025],
  ['REVISED', 0.025],
  ['WITHDRAWN', 0.015],
  ['LATE', 0.08],
  ['ASKED_AGAIN', 0.03],
  ['NOT_RECTIFIED', 0.02],
  ['PARTLY', 0.06],
];

export interface DemoDocument {
  /** `<kind>:<externalId of the first record>`: how a second run knows it */
  key: string;
  scenario: DemoScenario;
  rule: SyntheticRuleId;
  kind: DocumentKind;
  urgent: boolean;
  replyWithinDays: number | null;
  region: string;
  office: { code: string; name: string };
  procurator: string;
  addressee: { code: string; name: string };
  department: string;
  records: DemoRecordRef[];
  facts: string;
  legalBasis: string;
  request: string;
  issuedAt: number;
  /** in time order, all before `today` */
  steps: DemoDocumentStep[];
}

export interface DemoConsultationMessage {
  at: number;
  side: 'PROCURATORATE' | 'DEPARTMENT';
  text: string;
}

export interface DemoConsultation {
  /** the case record's externalId: how a second run knows it */
  key: string;
  record: DemoRecordRef;
  office: { code: string; name: string };
  procurator: string;
  department: { code: string; name: string };
  departmentActor: string;
  openedBy: 'PROCURATORATE' | 'DEPARTMENT';
  topic: ConsultationTopic;
  subject: string;
  question: string;
  openedAt: number;
  messages: DemoConsultationMessage[];
  close: { at: number; side: 'PROCURATORATE' | 'DEPARTMENT'; settlement: string } | null;
}

export interface SupervisionPlan {
  volumes: SupervisionVolumes;
  documents: DemoDocument[];
  consultations: DemoConsultation[];
}

export interface SupervisionPlanOptions extends SyntheticOptions {
  /** the document settings in force (deadlines) */
  settings: DocumentSettings;
  /** the city's working calendar in force */
  calendar: WorkCalendar;
  /** a department's report-to-superior rule in force, or null */
  workflowOf: (code: string) => DepartmentWorkflow | null;
}

// -------------------------------------------------------------------------------------------------
// which rules each kind rests on

/** Recommendations go mostly to administrative organs (agencies, correction offices); notices to custody and prisons. */
const RULE_WEIGHTS: Readonly<Record<DocumentKind, readonly (readonly [SyntheticRuleId, number])[]>> = {
  RECOMMENDATION: [
    ['ENF_NOT_TRANSFERRED', 20],
    ['ENF_TRANSFER_LATE', 10],
    ['CORR_NOT_REPORTED', 8],
    ['CORR_ABSCONDED', 8],
    ['CORR_NOT_TERMINATED', 6],
    ['CROSS_REOFFENDING', 6],
    ['DATA_LATE_ENTRY', 15],
    ['DET_LONG_NO_VERDICT', 3],
    ['DET_EXTRACTION_AFTER_EXPIRY', 4],
    ['PRISON_COMMUTATION_IRREGULAR', 3],
    ['PRISON_PAROLE_IRREGULAR', 3],
    ['CORR_MISSING_AFTER_PAROLE', 4],
  ],
  CORRECTION_NOTICE: [
    ['DET_OVERDUE_STAGE', 25],
    ['DET_NOT_DELIVERED', 12],
    ['DET_EXTRACTION_AFTER_EXPIRY', 6],
    ['PRISON_NOT_RELEASED', 12],
    ['PRISON_COMMUTATION_IRREGULAR', 6],
    ['PRISON_PAROLE_IRREGULAR', 5],
    ['CROSS_CONFLICT', 5],
    ['CORR_ABSCONDED', 8],
    ['CORR_NOT_REPORTED', 6],
  ],
};

interface Candidate {
  rule: SyntheticRuleId;
  item: AnySyntheticItem;
  /** the first day the irregularity could be seen in the hub */
  visibleDay: number;
}

const UNIT_FIELD: Readonly<Record<Domain, string>> = {
  DETENTION: 'facility',
  PRISON: 'prison',
  COMMUNITY_CORRECTION: 'office',
  ENFORCEMENT_CASE: 'agency',
};

function unitOf(item: AnySyntheticItem): { code: string; name: string } {
  return (item.record as unknown as Record<string, { code: string; name: string }>)[UNIT_FIELD[item.domain]];
}

const dayOfIso = (v: string | null | undefined): number | null =>
  v ? (v.length === 10 ? dayOf(Date.parse(`${v}T00:00:00+08:00`)) : dayOf(Date.parse(v))) : null;

/** From when a procurator could see the irregularity: the record's delivery, and the day the rule's limit passed. */
function visibleFrom(rule: SyntheticRuleId, item: AnySyntheticItem): number {
  const delivered = dayOf(item.deliveredAt.getTime());
  let since: number | null = null;
  if (item.domain === 'DETENTION') {
    const r = item.record;
    if (rule === 'DET_OVERDUE_STAGE') since = (dayOfIso(r.stageDeadline as string | null) ?? delivered) + 1;
    if (rule === 'DET_NOT_DELIVERED') since = (dayOfIso(r.stageStartedAt as string) ?? delivered) + 31;
  } else if (item.domain === 'PRISON') {
    const r = item.record;
    if (rule === 'PRISON_NOT_RELEASED') since = (dayOfIso(r.expectedReleaseDate as string | null) ?? delivered) + 1;
    if (rule === 'CORR_MISSING_AFTER_PAROLE')
      since = (dayOfIso((r.parole?.decidedAt ?? r.outsideExecution?.decidedAt) as string | undefined) ?? delivered) + 11;
  } else if (item.domain === 'COMMUNITY_CORRECTION') {
    const r = item.record;
    if (rule === 'CORR_NOT_TERMINATED') since = (dayOfIso(r.endDate as string) ?? delivered) + 1;
    if (rule === 'CORR_ABSCONDED') since = (dayOfIso(r.lastCheckInAt as string | null) ?? delivered) + 31;
    if (rule === 'CORR_NOT_REPORTED') since = (dayOfIso(r.judgmentEffectiveAt as string) ?? delivered) + 11;
  }
  return Math.max(delivered, since ?? delivered);
}

/** An enforcement case whose amount lies between 0.3 and 2 times its category's criminal threshold. */
function nearThreshold(item: AnySyntheticItem): boolean {
  if (item.domain !== 'ENFORCEMENT_CASE') return false;
  const t = CONSULTATION_THRESHOLDS[item.record.category];
  const amount = item.record.amountInvolved ?? 0;
  return !!t && amount >= 0.3 * t.amount && amount <= 2 * t.amount;
}

function refOf(item: AnySyntheticItem): DemoRecordRef {
  return { domain: item.domain, sourceKey: sourceKeyOf(item), externalId: item.record.externalId, region: item.record.region };
}

/** The source key of a record: its unit's source in the data set (one source per unit). */
const SOURCE_OF_UNIT = new Map(buildSources().map((s) => [`${s.domain}:${s.department.code}`, s.key]));
function sourceKeyOf(item: AnySyntheticItem): string {
  return SOURCE_OF_UNIT.get(`${item.domain}:${unitOf(item).code}`)!;
}

// -------------------------------------------------------------------------------------------------
// planning

/** The documents and consultations of a demo year on the data set of `opts`. */
export function planSupervision(opts: SupervisionPlanOptions): SupervisionPlan {
  const volumes = supervisionVolumes(opts.persons);
  const today = dayOf(opts.today.getTime());
  // A uniform sample of each rule's candidates, a few times what the documents can use, so that a
  // data set of millions of persons does not keep every planted record in memory.
  const sample = new Rng(opts.seed, 0x73616d70 /* 'samp' */);
  const pools = new Map<SyntheticRuleId, Candidate[]>();
  const seen = new Map<string, number>();
  const keep = <T>(list: T[], key: string, cap: number, x: T) => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (list.length < cap) list.push(x);
    else {
      const at = sample.int(0, n);
      if (at < cap) list[at] = x;
    }
  };
  const cases: AnySyntheticItem[] = [];
  for (const person of generatePersons(opts)) {
    const item = plantedItem(person);
    if (item && person.planted && person.planted !== 'DET_EXPIRY_WARNING') {
      const list = pools.get(person.planted) ?? [];
      pools.set(person.planted, list);
      keep(list, person.planted, poolCap(person.planted, volumes), {
        rule: person.planted,
        item,
        visibleDay: visibleFrom(person.planted, item),
      });
    }
    for (const i of person.items) if (nearThreshold(i)) keep(cases, 'cases', 50 + 10 * volumes.consultations, i);
  }
  const rng = new Rng(opts.seed, 0x73757076 /* 'supv' */);
  for (const list of pools.values()) rng.shuffle(list);
  const documents = planDocuments(opts, volumes, today, pools, rng);
  const consultations = planConsultations(opts, volumes.consultations, today, rng.shuffle(cases));
  return { volumes, documents, consultations };
}

/** How many candidates of a rule the plan keeps: 50 and four times the documents its weights expect of it. */
function poolCap(rule: SyntheticRuleId, volumes: SupervisionVolumes): number {
  let expected = 0;
  for (const [kind, count] of [
    ['RECOMMENDATION', volumes.recommendations],
    ['CORRECTION_NOTICE', volumes.correctionNotices],
  ] as const) {
    const weights = RULE_WEIGHTS[kind];
    const total = weights.reduce((a, [, w]) => a + w, 0);
    expected += (count * (weights.find(([r]) => r === rule)?.[1] ?? 0)) / total;
  }
  return 50 + 4 * Math.ceil(expected);
}

interface Slot {
  kind: DocumentKind;
  scenario: DemoScenario;
  urgent: boolean;
  replyWithinDays: number | null;
}

function planSlots(volumes: SupervisionVolumes, rng: Rng): Slot[] {
  const n = volumes.recommendations + volumes.correctionNotices;
  const scenarios: DemoScenario[] = [];
  for (const [scenario, share] of SCENARIO_SHARES) for (let k = Math.max(1, Math.round(share * n)); k > 0; k--) scenarios.push(scenario);
  // fewer documents than special lifecycles: the first ones of the list above are kept
  scenarios.length = Math.min(scenarios.length, n);
  while (scenarios.length < n) scenarios.push('ON_TIME');
  rng.shuffle(scenarios);
  const kinds: DocumentKind[] = [
    ...Array<DocumentKind>(volumes.recommendations).fill('RECOMMENDATION'),
    ...Array<DocumentKind>(volumes.correctionNotices).fill('CORRECTION_NOTICE'),
  ];
  rng.shuffle(kinds);
  // a handful urgent (急件), most of them correction notices; a few notices with a shorter period of their own
  let urgentLeft = n >= 20 ? Math.max(1, Math.round(n * 0.03)) : n >= 5 ? 1 : 0;
  return kinds.map((kind, i) => {
    const urgent = urgentLeft > 0 && (kind === 'CORRECTION_NOTICE' || rng.chance(0.2));
    if (urgent) urgentLeft--;
    const replyWithinDays = !urgent && kind === 'CORRECTION_NOTICE' && rng.chance(0.1) ? 10 : null;
    return { kind, scenario: scenarios[i], urgent, replyWithinDays };
  });
}

function planDocuments(
  opts: SupervisionPlanOptions,
  volumes: SupervisionVolumes,
  today: number,
  pools: Map<SyntheticRuleId, Candidate[]>,
  rng: Rng,
): DemoDocument[] {
  const out: DemoDocument[] = [];
  const slots = planSlots(volumes, rng);
  for (const [index, slot] of slots.entries()) {
    const docRng = new Rng(opts.seed, 0x646f6373 /* 'docs' */, index);
    // the issue day: spread over the year, or where a lifecycle anchored at today needs it; the records
    // must have been seen by then (else the latest day that still allows the lifecycle)
    const latest = today - LATEST_ISSUE[slot.scenario];
    const seen = (day: number) => RULE_WEIGHTS[slot.kind].filter(([rule]) => (pools.get(rule) ?? []).some((c) => c.visibleDay < day));
    let latestIssue = ANCHORED.has(slot.scenario) ? latest : docRng.int(today - 365, latest);
    let weights = seen(latestIssue);
    if (weights.length === 0) weights = seen((latestIssue = latest));
    if (weights.length === 0) continue;
    const rule = rng.weighted(weights);
    const pool = pools.get(rule)!;
    const first = pool.splice(
      pool.findIndex((c) => c.visibleDay < latestIssue),
      1,
    )[0];
    const earliest = Math.max(today - 365, first.visibleDay + 1);
    const candidates = [first];
    // some documents cover two or three records of the same unit, district and rule
    if (rng.chance(0.2)) {
      const unit = unitOf(first.item).code;
      for (let k = rng.int(1, 2); k > 0; k--) {
        const at = pool.findIndex(
          (c) => unitOf(c.item).code === unit && c.item.record.region === first.item.record.region && c.visibleDay < latestIssue,
        );
        if (at >= 0) candidates.push(...pool.splice(at, 1));
      }
    }
    const visible = Math.max(...candidates.map((c) => c.visibleDay));
    const doc = planDocument(
      opts,
      slot,
      rule,
      candidates,
      { earliest: Math.max(earliest, visible + 1), planned: latestIssue },
      today,
      docRng,
    );
    out.push(doc);
  }
  return out;
}

const ANCHORED: ReadonlySet<DemoScenario> = new Set(['AWAITING_RECEIPT', 'DUE_SOON', 'OVERDUE', 'ANSWERED_PENDING', 'OBJECTION_PENDING']);

/**
 * How many days before today a scenario's document is issued at the latest: those anchored at today are
 * issued when their lifecycle needs (a recommendation due within the week was received two months ago),
 * so their records must have been seen by then.
 */
const LATEST_ISSUE: Readonly<Record<DemoScenario, number>> = {
  ON_TIME: 3,
  PARTLY: 3,
  LATE: 3,
  ASKED_AGAIN: 3,
  NOT_RECTIFIED: 3,
  UPHELD: 3,
  REVISED: 3,
  WITHDRAWN: 3,
  AWAITING_RECEIPT: 7,
  DUE_SOON: 135,
  OVERDUE: 135,
  ANSWERED_PENDING: 24,
  OBJECTION_PENDING: 18,
};

/** The instant of a working-hours time on a day. */
function during(day: number, rng: Rng): number {
  return msAt(day, rng.int(9, 16), rng.int(0, 59));
}

function planDocument(
  opts: SupervisionPlanOptions,
  slot: Slot,
  rule: SyntheticRuleId,
  candidates: Candidate[],
  issue: { earliest: number; planned: number },
  today: number,
  rng: Rng,
): DemoDocument {
  const earliestIssue = issue.earliest;
  const items = candidates.map((c) => c.item);
  const first = items[0];
  const region = first.record.region;
  const addressee = unitOf(first);
  const family = familyOf(rule, first);
  const { kind, urgent, replyWithinDays } = slot;
  const cal = opts.calendar;
  const settings = opts.settings;
  const texts = documentTexts(rule, kind, items, { urgent, replyWithinDays, settings });
  const workflow = opts.workflowOf(addressee.code);
  const workday = (d: number) => {
    let day = d;
    while (!isWorkingDay(day, cal)) day++;
    return day;
  };
  const lastWorkday = (d: number) => {
    let day = d;
    while (!isWorkingDay(day, cal)) day--;
    return day;
  };
  const dueOf = (receivedDay: number) => dueDay(kind, urgent, replyWithinDays, receivedDay, settings, cal);

  /** The steps of the scenario from an issue day (forward), or anchored at today. */
  const build = (issueDay: number, r: number): { issueDay: number; steps: DemoDocumentStep[] } => {
    const steps: DemoDocumentStep[] = [];
    const add = (day: number, step: DistributiveOmit<DemoDocumentStep, 'at'>) =>
      steps.push({ ...step, at: during(day, rng) } as DemoDocumentStep);
    add(r, { action: 'SIGN_RECEIPT', note: rng.pick(SIGN_NOTES) });
    const due = dueOf(r);
    const answerOnTime = (from: number, dueDayOf: number) => {
      const last = Math.max(from, dueDayOf - 1);
      let day = workday(from + Math.floor((last - from) * Math.sqrt(rng.next())));
      if (day > dueDayOf) day = dueDayOf;
      return day;
    };
    const answer = (day: number, rectification: Rectification, again = false) =>
      add(day, { action: 'ANSWER', rectification, ...answerTexts(family, kind, rectification, rng, again) });
    const finish = (day: number, outcome: Rectification) => add(workday(day), { action: 'ACCEPT', outcome, note: ACCEPT_NOTES[outcome] });
    const objection = () => {
      const o = workday(r + rng.int(2, 8));
      add(o, { action: 'OBJECT', reasons: objectionReasons(family) });
      return o;
    };
    switch (slot.scenario) {
      case 'ON_TIME':
      case 'PARTLY':
      case 'ANSWERED_PENDING': {
        const outcome: Rectification = slot.scenario === 'PARTLY' ? 'PARTLY_RECTIFIED' : 'RECTIFIED';
        const a = slot.scenario === 'ANSWERED_PENDING' ? lastWorkday(today - rng.int(1, 6)) : answerOnTime(r + 3, due);
        answer(a, outcome);
        if (slot.scenario !== 'ANSWERED_PENDING') finish(a + rng.int(3, 20), outcome);
        break;
      }
      case 'LATE': {
        const outcome: Rectification = rng.chance(0.6) ? 'RECTIFIED' : 'PARTLY_RECTIFIED';
        const a = workday(due + rng.int(1, 25));
        answer(a, outcome);
        finish(a + rng.int(2, 15), outcome);
        break;
      }
      case 'ASKED_AGAIN': {
        const a = answerOnTime(r + 3, due);
        answer(a, rng.chance(0.5) ? 'RECTIFIED' : 'PARTLY_RECTIFIED');
        const ask = workday(a + rng.int(3, 10));
        const within = rng.pick([15, 30]);
        add(ask, { action: 'ASK_AGAIN', note: ASK_AGAIN_NOTE, replyWithinDays: within });
        const again = answerOnTime(ask + 3, ask + within);
        answer(again, 'RECTIFIED', true);
        finish(again + rng.int(3, 15), 'RECTIFIED');
        break;
      }
      case 'NOT_RECTIFIED': {
        if (rng.chance(0.5)) {
          const a = answerOnTime(r + 3, due);
          answer(a, 'NOT_RECTIFIED');
          finish(a + rng.int(5, 20), 'NOT_RECTIFIED');
        } else add(workday(due + rng.int(30, 60)), { action: 'CLOSE', outcome: 'NOT_RECTIFIED', note: CLOSE_OVERDUE_NOTE });
        break;
      }
      case 'UPHELD': {
        const o = objection();
        const u = workday(o + rng.int(2, 6));
        add(u, { action: 'UPHOLD', reasons: UPHOLD_REASONS });
        // the deadline stands: answered before it where there is time, else late
        const a = u + 2 < due ? answerOnTime(u + 2, due) : workday(u + rng.int(2, 6));
        const outcome: Rectification = rng.chance(0.7) ? 'RECTIFIED' : 'PARTLY_RECTIFIED';
        answer(a, outcome);
        finish(a + rng.int(3, 15), outcome);
        break;
      }
      case 'REVISED': {
        const o = objection();
        const v = workday(o + rng.int(2, 6));
        add(v, { action: 'REVISE', request: revisedRequest(kind, { urgent, replyWithinDays, settings }), note: REVISE_NOTE });
        const a = answerOnTime(v + 3, dueOf(v));
        answer(a, 'RECTIFIED');
        finish(a + rng.int(3, 15), 'RECTIFIED');
        break;
      }
      case 'WITHDRAWN': {
        const o = objection();
        add(workday(o + rng.int(2, 7)), { action: 'WITHDRAW', note: WITHDRAW_NOTE });
        break;
      }
      case 'OBJECTION_PENDING':
        add(lastWorkday(today - rng.int(1, 5)), { action: 'OBJECT', reasons: objectionReasons(family) });
        break;
      case 'AWAITING_RECEIPT':
      case 'DUE_SOON':
      case 'OVERDUE':
        break;
    }
    if (slot.scenario === 'AWAITING_RECEIPT') steps.length = 0;
    // the report to the superior where the unit's rules ask for it: mostly in time, some late, a few never
    if (workflow && steps.length > 0 && !rng.chance(0.06)) {
      const k = rng.chance(0.1) ? workflow.reportWithinWorkingDays + rng.int(1, 4) : rng.int(1, workflow.reportWithinWorkingDays);
      const at = during(addWorkingDays(r, k, cal), rng);
      const withdrawn = steps.find((s) => s.action === 'WITHDRAW');
      if (!withdrawn || withdrawn.at > at)
        steps.push({ action: 'REPORT_TO_SUPERIOR', superior: workflow.superior, note: reportNote(workflow.superior.name), at });
    }
    return { issueDay, steps };
  };

  let issueDay: number;
  let receivedDay: number;
  const receiptDelay = () => rng.int(1, 4) + (rng.chance(0.1) ? rng.int(3, 8) : 0);
  switch (slot.scenario) {
    case 'AWAITING_RECEIPT':
      issueDay = lastWorkday(today - rng.int(1, 6));
      receivedDay = today + 1;
      break;
    case 'DUE_SOON':
    case 'OVERDUE': {
      // a receipt whose deadline falls within the next 7 days, or passed 1 to 40 days ago
      const [lo, hi] = slot.scenario === 'DUE_SOON' ? [today + 1, today + 7] : [today - 40, today - 1];
      const fits: number[] = [];
      for (let r = today - 3; r > today - 130; r--) {
        const due = dueOf(r);
        if (due >= lo && due <= hi && isWorkingDay(r, cal)) fits.push(r);
      }
      receivedDay = fits.length ? rng.pick(fits) : lastWorkday(today - 10);
      issueDay = lastWorkday(receivedDay - rng.int(1, 3));
      break;
    }
    case 'ANSWERED_PENDING':
      receivedDay = lastWorkday(today - rng.int(10, 18));
      issueDay = lastWorkday(receivedDay - rng.int(1, 3));
      break;
    case 'OBJECTION_PENDING':
      receivedDay = lastWorkday(today - rng.int(7, 12));
      issueDay = lastWorkday(receivedDay - rng.int(1, 3));
      break;
    default: {
      const day = Math.max(issue.planned, earliestIssue);
      issueDay = lastWorkday(day) >= earliestIssue ? lastWorkday(day) : workday(day);
      receivedDay = workday(issueDay + receiptDelay());
    }
  }
  let plan = build(issueDay, receivedDay);
  // a lifecycle meant to be complete by today is moved earlier when it would run past it (as far as the year allows)
  const last = Math.max(...plan.steps.map((s) => dayOf(s.at)));
  if (!ANCHORED.has(slot.scenario) && slot.scenario !== 'ON_TIME' && last >= today && issueDay > earliestIssue) {
    const shift = Math.min(last - today + 1 + rng.int(0, 20), issueDay - earliestIssue);
    const earlier = workday(issueDay - shift);
    plan = build(earlier, workday(earlier + receiptDelay()));
  }
  const issuedAt = during(plan.issueDay, rng);
  const nowMs = opts.today.getTime();
  const steps = plan.steps.sort((a, b) => a.at - b.at);
  // steps are apart by at least a few minutes, in order, and none after today
  for (let i = 0, prev = issuedAt; i < steps.length; i++) {
    if (steps[i].at <= prev) steps[i].at = prev + 5 * 60_000;
    prev = steps[i].at;
  }
  const kept = steps.filter((s) => s.at < nowMs);
  return {
    key: `${kind}:${first.record.externalId}`,
    scenario: slot.scenario,
    rule,
    kind,
    urgent,
    replyWithinDays,
    region,
    office: { code: `JCY-${region}`, name: procuratorateName(region) },
    procurator: demoProcurator(region),
    addressee,
    department: demoDepartmentActor(addressee.code),
    records: items.map(refOf),
    ...texts,
    issuedAt,
    steps: kept,
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function planConsultations(opts: SupervisionPlanOptions, count: number, today: number, cases: AnySyntheticItem[]): DemoConsultation[] {
  const out: DemoConsultation[] = [];
  const rng = new Rng(opts.seed, 0x636f6e73 /* 'cons' */);
  const open = count >= 3 ? Math.max(1, Math.round(count * 0.2)) : 0;
  const nowMs = opts.today.getTime();
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const isOpen = i < open;
    // the case was known before the consultation opened
    const latest = isOpen ? today - 5 : today - 30;
    const item = cases.find((c) => dayOf(c.deliveredAt.getTime()) < latest - 1 && !used.has(c.record.externalId));
    if (!item || item.domain !== 'ENFORCEMENT_CASE') break;
    used.add(item.record.externalId);
    const region = item.record.region;
    const unit = unitOf(item);
    // three in five opened by the department, two by the procuratorate
    const byDepartment = i % 5 !== 1 && i % 5 !== 3;
    const texts = consultationTexts(item, byDepartment, unit.name, rng);
    const earliest = Math.max(today - 365, dayOf(item.deliveredAt.getTime()) + 1);
    const openedDay = isOpen ? today - rng.int(5, 14) : earliest + Math.floor(rng.next() * Math.max(1, latest - earliest));
    const opener: 'PROCURATORATE' | 'DEPARTMENT' = byDepartment ? 'DEPARTMENT' : 'PROCURATORATE';
    const other = byDepartment ? 'PROCURATORATE' : 'DEPARTMENT';
    const openedAt = during(openedDay, rng);
    const messages: DemoConsultationMessage[] = [];
    let at = openedAt;
    for (let k = 0, n = rng.int(1, 4); k < n; k++) {
      at = Math.max(at + 10 * 60_000, during(dayOf(at) + (k === 0 ? rng.int(1, 3) : rng.int(1, 4)), rng));
      if (at >= nowMs) break;
      messages.push({ at, side: k % 2 === 0 ? other : opener, text: texts.thread[k] });
    }
    const closeAt = during(dayOf(at) + rng.int(1, 10), rng);
    const close = !isOpen && closeAt < nowMs ? { at: closeAt, side: rng.chance(0.7) ? opener : other, settlement: texts.settlement } : null;
    out.push({
      key: item.record.externalId,
      record: refOf(item),
      office: { code: `JCY-${region}`, name: procuratorateName(region) },
      procurator: demoProcurator(region),
      department: unit,
      departmentActor: demoDepartmentActor(unit.code),
      openedBy: opener,
      topic: byDepartment ? (rng.chance(0.75) ? 'CASE_TRANSFER' : 'LEGAL_APPLICATION') : rng.chance(0.5) ? 'CASE_TRANSFER' : 'EVIDENCE',
      subject: texts.subject,
      question: texts.question,
      openedAt,
      messages,
      close,
    });
  }
  return out;
}
