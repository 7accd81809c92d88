/**
 * The building blocks of the synthetic life histories: full timelines of one custody, one sentence,
 * one correction or one enforcement case; their snapshot as of "today" (events after yesterday have not
 * happened yet); and their formatting as record inputs accepted by `validateRecord`.
 *
 * Conventions kept throughout so that clean data stay far from every rule threshold (see generate.ts):
 * every event lies on a day before today (so never after `opts.today`); a snapshot reports `unsafe` when
 * "today" would fall into a window where a rule might be close to firing, and the caller then draws the
 * person again.
 */
import type { z } from 'zod';
import type { communityCorrectionSchema, detentionRecordSchema, Domain, enforcementCaseSchema, prisonRecordSchema } from '../records';
import type { Rng } from './random';
import { addMonths, addMonthsMs, dayOf, DAY_MS, HOUR_MS, isoDay, isoInstant, msAt, yearOf } from './time';
import {
  AGENCY_OF_CATEGORY,
  agencyKey,
  correctionKey,
  courtName,
  detentionKey,
  FUNCTIONAL_ZONE_OF,
  intermediateCourtName,
  policeName,
  PRISONS,
  prisonKey,
  procuratorateName,
  shortName,
  zoneCorrectionKey,
  zoneMarketKey,
} from './sources';
import { CURRENT_REGION_CODES } from '../regions';
import { company as makeCompany } from './names';

/** The input (wire) shape of each domain: what `validateRecord(domain, record)` accepts. */
export interface SyntheticRecordByDomain {
  DETENTION: z.input<typeof detentionRecordSchema>;
  PRISON: z.input<typeof prisonRecordSchema>;
  COMMUNITY_CORRECTION: z.input<typeof communityCorrectionSchema>;
  ENFORCEMENT_CASE: z.input<typeof enforcementCaseSchema>;
}

export interface Ctx {
  /** `opts.today` in epoch ms */
  nowMs: number;
  /** today's Beijing day */
  td: number;
  units: Map<string, { code: string; name: string }>;
}

export interface PersonBase {
  index: number;
  gender: 'MALE' | 'FEMALE';
  /** current district where the person lives (responsible for correction) */
  residence: string;
}

/** A record before identity (ID number, name) and delivery are known. */
export interface Draft {
  domain: Domain;
  sourceKey: string;
  /** record fields except externalId, idNumber, name, eventAt, updatedAt */
  fields: Record<string, unknown>;
  eventMs: number;
  /** first day of the record's history (for the person's age) */
  firstDay: number;
  /** for externalId: the department's year and a per-person serial */
  year: number;
}

export interface Snap<S> {
  state: S | null;
  unsafe: boolean;
}

export type Stage =
  | 'CRIMINAL_DETENTION'
  | 'ARREST_REVIEW'
  | 'INVESTIGATION'
  | 'PROSECUTION_REVIEW'
  | 'FIRST_INSTANCE'
  | 'SECOND_INSTANCE'
  | 'AWAITING_TRANSFER'
  | 'SERVING_IN_CENTRE';
export type CaseFlag = 'ROVING' | 'SERIAL' | 'GANG';

// ---------------------------------------------------------------------------------------------------
// helpers

export function caseRegion(rng: Rng, p: PersonBase): string {
  return rng.chance(0.85) ? p.residence : rng.pick(CURRENT_REGION_CODES);
}

/** A wall-clock instant on a day, within office hours by default. */
export function at(rng: Rng, day: number, from = 8, to = 17): number {
  return msAt(day, rng.int(from, to), rng.int(0, 59));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function maxOf(values: (number | null | undefined)[]): number {
  let m = -Infinity;
  for (const v of values) if (v != null && v > m) m = v;
  return m;
}

const dt = (ms: number | null | undefined): string | null => (ms == null ? null : isoInstant(ms));

// ---------------------------------------------------------------------------------------------------
// detention

export interface StagePlan {
  stage: Stage;
  days: number;
  extension?: { afterDays: number; months: number };
}

export interface DetStageFull {
  stage: Stage;
  startMs: number;
  /** end of the stage (next stage start or release), null while ongoing */
  endMs: number | null;
  baseDeadlineMs: number | null;
  extension: { grantMs: number; months: number; approvedBy: string; deadlineMs: number } | null;
  authority: string;
}

export interface DetFull {
  region: string;
  sourceKey: string;
  caseNumber: string;
  flags: CaseFlag[];
  admitMs: number;
  stages: DetStageFull[];
  releaseMs: number | null;
  releaseReason: string | null;
  extractions: { atMs: number; returnedMs: number; purpose: string; warrantNumber: string; by: string }[];
}

function authorityOf(stage: Stage, region: string): string {
  switch (stage) {
    case 'CRIMINAL_DETENTION':
    case 'INVESTIGATION':
      return policeName(region);
    case 'ARREST_REVIEW':
    case 'PROSECUTION_REVIEW':
      return procuratorateName(region);
    case 'SECOND_INSTANCE':
      return intermediateCourtName(region);
    default:
      return courtName(region);
  }
}

/** The legal limit of a stage as a deadline (docs/domain.md defaults); null for the stages after judgment. */
export function stageDeadlineMs(stage: Stage, startMs: number, flags: CaseFlag[]): number | null {
  switch (stage) {
    case 'CRIMINAL_DETENTION':
      return startMs + (flags.length > 0 ? 30 : 3) * DAY_MS;
    case 'ARREST_REVIEW':
      return startMs + 7 * DAY_MS;
    case 'INVESTIGATION':
      return addMonthsMs(startMs, 2);
    case 'PROSECUTION_REVIEW':
      return addMonthsMs(startMs, 1);
    case 'FIRST_INSTANCE':
      return addMonthsMs(startMs, 3);
    case 'SECOND_INSTANCE':
      return addMonthsMs(startMs, 2);
    default:
      return null;
  }
}

const EXTRACTION_PURPOSE: Partial<Record<Stage, readonly string[]>> = {
  INVESTIGATION: ['提讯', '辨认', '指认现场', '提讯'],
  PROSECUTION_REVIEW: ['提讯'],
  FIRST_INSTANCE: ['出庭受审', '提讯'],
  SECOND_INSTANCE: ['出庭受审'],
};

/**
 * Builds a custody from its stage plan. The last stage is ongoing when `release` is null. Extractions
 * are drawn only inside a stage and at least 3 days before its deadline, never after yesterday.
 */
export function buildDetention(
  ctx: Ctx,
  rng: Rng,
  p: PersonBase,
  plan: { region: string; admitDay: number; stages: StagePlan[]; release: string | null; flags?: CaseFlag[]; extractions?: boolean },
): DetFull {
  const flags = plan.flags ?? [];
  const admitMs = at(rng, plan.admitDay, 8, 22);
  const stages: DetStageFull[] = [];
  let day = plan.admitDay;
  let startMs = admitMs;
  for (let i = 0; i < plan.stages.length; i++) {
    const sp = plan.stages[i];
    const last = i === plan.stages.length - 1;
    const endDay = day + sp.days;
    const endMs = last && plan.release == null ? null : at(rng, endDay, 9, 17);
    const base = stageDeadlineMs(sp.stage, startMs, flags);
    let extension: DetStageFull['extension'] = null;
    if (sp.extension && base != null) {
      extension = {
        grantMs: at(rng, day + sp.extension.afterDays, 9, 17),
        months: sp.extension.months,
        approvedBy: sp.stage === 'INVESTIGATION' ? `重庆市人民检察院` : procuratorateName(plan.region),
        deadlineMs: addMonthsMs(base, sp.extension.months),
      };
    }
    stages.push({ stage: sp.stage, startMs, endMs, baseDeadlineMs: base, extension, authority: authorityOf(sp.stage, plan.region) });
    if (endMs != null) startMs = endMs;
    day = endDay;
  }
  const lastStage = stages[stages.length - 1];
  const releaseMs = plan.release == null ? null : lastStage.endMs;
  const extractions: DetFull['extractions'] = [];
  if (plan.extractions !== false) {
    const short = shortName(plan.region);
    for (const s of stages) {
      const purposes = EXTRACTION_PURPOSE[s.stage];
      if (!purposes || s.baseDeadlineMs == null) continue;
      const from = dayOf(s.startMs) + 1;
      let to = dayOf(s.baseDeadlineMs) - 3;
      if (s.endMs != null) to = Math.min(to, dayOf(s.endMs) - 1);
      to = Math.min(to, ctx.td - 1);
      const n = rng.weighted([
        [0, 4],
        [1, 4],
        [2, 2],
      ] as const);
      for (let k = 0; k < n && to >= from; k++) {
        const d = rng.int(from, to);
        const atMs = at(rng, d, 9, 14);
        extractions.push({
          atMs,
          returnedMs: atMs + rng.int(2, 5) * HOUR_MS,
          purpose: rng.pick(purposes),
          warrantNumber: `${short}公提〔${yearOf(d)}〕${rng.int(100, 9999)}号`,
          by: s.authority,
        });
      }
    }
    extractions.sort((a, b) => a.atMs - b.atMs);
  }
  return {
    region: plan.region,
    sourceKey: detentionKey(plan.region),
    caseNumber: `A${plan.region}${isoDay(plan.admitDay).slice(0, 7).replace('-', '')}${pad(p.index % 1_000_000, 6)}${rng.int(0, 9)}`,
    flags,
    admitMs,
    stages,
    releaseMs,
    releaseReason: plan.release,
    extractions,
  };
}

export interface DetState {
  full: DetFull;
  stage: DetStageFull;
  deadlineMs: number | null;
  extensions: { grantMs: number; months: number; approvedBy: string }[];
  releaseMs: number | null;
  extractions: DetFull['extractions'];
}

/** The custody as the centre knows it at the end of yesterday. */
export function snapshotDetention(ctx: Ctx, full: DetFull): Snap<DetState> {
  const cutoff = ctx.td - 1;
  const seen = (ms: number | null) => ms != null && dayOf(ms) <= cutoff;
  if (!seen(full.admitMs)) return { state: null, unsafe: false };
  let stage = full.stages[0];
  for (const s of full.stages) if (seen(s.startMs)) stage = s;
  const released = seen(full.releaseMs);
  const extensions = full.stages
    .filter((s) => s.extension && seen(s.extension.grantMs) && s.startMs <= stage.startMs)
    .map((s) => ({ grantMs: s.extension!.grantMs, months: s.extension!.months, approvedBy: s.extension!.approvedBy }));
  const ownExt = stage.extension && seen(stage.extension.grantMs) ? stage.extension.deadlineMs : null;
  // Clean custody is never left in the first two stages at "today": their limits are a few days long,
  // and the warning rule's reading for them is not settled.
  const unsafe = !released && (stage.stage === 'CRIMINAL_DETENTION' || stage.stage === 'ARREST_REVIEW');
  return {
    state: {
      full,
      stage,
      deadlineMs: ownExt ?? stage.baseDeadlineMs,
      extensions,
      releaseMs: released ? full.releaseMs : null,
      extractions: full.extractions.filter((e) => seen(e.atMs)),
    },
    unsafe,
  };
}

export function detentionDraft(ctx: Ctx, s: DetState): Draft {
  const f = s.full;
  const fields = {
    region: f.region,
    facility: ctx.units.get(f.sourceKey)!,
    caseNumber: f.caseNumber,
    handlingAuthority: s.stage.authority,
    stage: s.stage.stage,
    caseFlags: [...f.flags],
    admittedAt: isoInstant(f.admitMs),
    stageStartedAt: isoInstant(s.stage.startMs),
    stageDeadline: dt(s.deadlineMs),
    extensions: s.extensions.map((e) => ({ grantedAt: isoInstant(e.grantMs), months: e.months, approvedBy: e.approvedBy })),
    releasedAt: dt(s.releaseMs),
    releaseReason: s.releaseMs != null ? f.releaseReason : null,
    extractions: s.extractions.map((e) => ({
      at: isoInstant(e.atMs),
      returnedAt: isoInstant(e.returnedMs),
      purpose: e.purpose,
      warrantNumber: e.warrantNumber,
      by: e.by,
    })),
  };
  const eventMs = maxOf([
    f.admitMs,
    s.stage.startMs,
    s.releaseMs,
    ...s.extensions.map((e) => e.grantMs),
    ...s.extractions.map((e) => e.returnedMs),
  ]);
  return { domain: 'DETENTION', sourceKey: f.sourceKey, fields, eventMs, firstDay: dayOf(f.admitMs), year: yearOf(dayOf(f.admitMs)) };
}

// Clean stage durations (days), each far inside its limit: detention ≤ 3 d, arrest review ≤ 6 d (7),
// investigation ≤ 45 d (2 months; 7-day warning from day ~54), prosecution review ≤ 20 d (1 month),
// first instance ≤ 60 d (3 months), second instance ≤ 35 d (2 months), awaiting transfer ≤ 12 d (1 month).
export function cleanStage(rng: Rng, stage: Stage): StagePlan {
  switch (stage) {
    case 'CRIMINAL_DETENTION':
      return { stage, days: rng.int(1, 3) };
    case 'ARREST_REVIEW':
      return { stage, days: rng.int(3, 6) };
    case 'INVESTIGATION':
      // Some investigations get a recorded one-month extension, granted before the 7-day warning window.
      return rng.chance(0.15)
        ? { stage, days: rng.int(62, 75), extension: { afterDays: rng.int(45, 50), months: 1 } }
        : { stage, days: rng.int(20, 45) };
    case 'PROSECUTION_REVIEW':
      return { stage, days: rng.int(7, 20) };
    case 'FIRST_INSTANCE':
      return { stage, days: rng.int(20, 60) };
    case 'SECOND_INSTANCE':
      return { stage, days: rng.int(15, 35) };
    case 'AWAITING_TRANSFER':
      return { stage, days: rng.int(3, 12) };
    case 'SERVING_IN_CENTRE':
      return { stage, days: rng.int(10, 85) };
  }
}

export const PRE_TRIAL: readonly Stage[] = ['CRIMINAL_DETENTION', 'ARREST_REVIEW', 'INVESTIGATION', 'PROSECUTION_REVIEW', 'FIRST_INSTANCE'];

/** Clean plans for the stages listed, without extensions when `noExtension`. */
export function cleanStages(rng: Rng, stages: readonly Stage[], noExtension = false): StagePlan[] {
  return stages.map((s) => {
    const sp = cleanStage(rng, s);
    return noExtension && sp.extension ? { stage: s, days: rng.int(20, 45) } : sp;
  });
}

export function totalDays(stages: StagePlan[], count = stages.length): number {
  let n = 0;
  for (let i = 0; i < count; i++) n += stages[i].days;
  return n;
}

// ---------------------------------------------------------------------------------------------------
// prison

export type SentenceKind = 'FIXED_TERM' | 'LIFE' | 'DEATH_REPRIEVE';

export interface PrisonFull {
  region: string;
  sourceKey: string;
  crime: string;
  startDay: number;
  kind: SentenceKind;
  termMonths: number | null;
  pretrialDays: number;
  admitMs: number;
  commutations: { day: number; months: number }[];
  parole: { decidedDay: number; releaseMs: number } | null;
  outside: { decidedDay: number; kind: string; reviewDay: number | null; releaseMs: number } | null;
}

/** Sentence end as docs/domain.md computes it: start + term − pretrial custody − commutations. */
export function sentenceEnd(startDay: number, termMonths: number, pretrialDays: number, commutedMonths: number): number {
  return addMonths(startDay, termMonths - commutedMonths) - pretrialDays;
}

export function prisonFor(rng: Rng, p: PersonBase): { key: string; region: string } {
  const candidates = PRISONS.filter((x) => x[3] === (p.gender === 'FEMALE'));
  const [no, , region] = rng.pick(candidates);
  return { key: prisonKey(no), region };
}

export interface PrisonState {
  full: PrisonFull;
  commutations: { day: number; months: number }[];
  endDay: number | null;
  parole: { decidedDay: number; endDay: number } | null;
  outside: PrisonFull['outside'];
  releasedMs: number | null;
  status: 'SERVING' | 'PAROLED' | 'OUTSIDE_EXECUTION' | 'RELEASED';
}

/**
 * The sentence as the prison knows it at the end of yesterday. Unsafe: a SERVING sentence ending within
 * 90 days, a parole or outside-execution decision within the last 10 days, a correction end close to
 * today, life or death-with-reprieve sentences older than the ones we keep.
 */
export function snapshotPrison(ctx: Ctx, full: PrisonFull): Snap<PrisonState> {
  const cutoff = ctx.td - 1;
  const td = ctx.td;
  if (dayOf(full.admitMs) > cutoff) return { state: null, unsafe: false };
  const commutations = full.commutations.filter((c) => c.day <= cutoff);
  const commuted = commutations.reduce((a, c) => a + c.months, 0);
  const endDay = full.kind === 'FIXED_TERM' ? sentenceEnd(full.startDay, full.termMonths!, full.pretrialDays, commuted) : null;
  const base = { full, commutations, endDay, parole: null, outside: null, releasedMs: null };
  const exit = full.parole ?? full.outside;
  if (exit && exit.decidedDay <= cutoff) {
    const unsafe = exit.decidedDay > td - 11 || dayOf(exit.releaseMs) > cutoff || endDay == null || (endDay > td - 3 && endDay < td + 20);
    const active = endDay != null && endDay >= td + 20;
    return {
      state: {
        ...base,
        parole: full.parole ? { decidedDay: full.parole.decidedDay, endDay: endDay! } : null,
        outside: full.outside,
        releasedMs: exit.releaseMs,
        status: active ? (full.parole ? 'PAROLED' : 'OUTSIDE_EXECUTION') : 'RELEASED',
      },
      unsafe,
    };
  }
  if (endDay == null) {
    const limit = full.kind === 'LIFE' ? 3650 : 700;
    return { state: { ...base, status: 'SERVING' }, unsafe: full.startDay < td - limit };
  }
  if (endDay <= cutoff) return { state: { ...base, status: 'RELEASED', releasedMs: msAt(endDay, 9, 30) }, unsafe: false };
  return { state: { ...base, status: 'SERVING' }, unsafe: endDay < td + 90 };
}

export function prisonDraft(ctx: Ctx, s: PrisonState): Draft {
  const f = s.full;
  const fields = {
    region: f.region,
    prison: ctx.units.get(f.sourceKey)!,
    crime: f.crime,
    sentence: { startDate: isoDay(f.startDay), kind: f.kind, termMonths: f.termMonths },
    pretrialCustodyDays: f.pretrialDays,
    commutations: s.commutations.map((c) => ({ decidedAt: isoDay(c.day), months: c.months })),
    parole: s.parole ? { decidedAt: isoDay(s.parole.decidedDay), probationEnd: isoDay(s.parole.endDay) } : null,
    outsideExecution: s.outside
      ? {
          decidedAt: isoDay(s.outside.decidedDay),
          kind: s.outside.kind,
          reviewDueAt: s.outside.reviewDay == null ? null : isoDay(s.outside.reviewDay),
        }
      : null,
    admittedAt: isoInstant(f.admitMs),
    expectedReleaseDate: s.endDay == null ? null : isoDay(s.endDay),
    releasedAt: dt(s.releasedMs),
    status: s.status,
  };
  const eventMs = maxOf([
    f.admitMs,
    s.releasedMs,
    ...s.commutations.map((c) => msAt(c.day, 10)),
    s.parole ? msAt(s.parole.decidedDay, 10) : null,
    s.outside ? msAt(s.outside.decidedDay, 10) : null,
  ]);
  return { domain: 'PRISON', sourceKey: f.sourceKey, fields, eventMs, firstDay: dayOf(f.admitMs), year: yearOf(dayOf(f.admitMs)) };
}

// ---------------------------------------------------------------------------------------------------
// community correction

export type CorrectionType = 'PROBATION' | 'PAROLE' | 'CONTROL' | 'OUTSIDE_EXECUTION';

export interface CorrFull {
  region: string;
  sourceKey: string;
  type: CorrectionType;
  judgmentDay: number;
  reportedMs: number;
  startDay: number;
  endDay: number;
  level: 'STRICT' | 'NORMAL' | 'LENIENT';
  violations: { ms: number; kind: string; sanction: string | null }[];
}

export function correctionOffice(rng: Rng, p: PersonBase): string {
  const zone = FUNCTIONAL_ZONE_OF[p.residence];
  return zone && rng.chance(0.25) ? zoneCorrectionKey(zone) : correctionKey(p.residence);
}

export function buildCorrection(
  rng: Rng,
  p: PersonBase,
  c: { type: CorrectionType; judgmentDay: number; startDay: number; endDay: number; reportedDay: number; minorViolation?: boolean },
): CorrFull {
  const violations: CorrFull['violations'] = [];
  if (c.minorViolation ?? rng.chance(0.08)) {
    const lastDay = c.endDay - 10;
    const from = c.startDay + 20;
    if (lastDay > from) {
      violations.push({
        ms: at(rng, rng.int(from, lastDay)),
        kind: rng.pick(['未按规定报告', '未经批准离开所居住的市、县']),
        sanction: rng.pick(['训诫', '警告']),
      });
    }
  }
  return {
    region: p.residence,
    sourceKey: correctionOffice(rng, p),
    type: c.type,
    judgmentDay: c.judgmentDay,
    reportedMs: at(rng, c.reportedDay, 9, 16),
    startDay: c.startDay,
    endDay: c.endDay,
    level: rng.weighted([
      ['STRICT', 25],
      ['NORMAL', 55],
      ['LENIENT', 20],
    ] as const),
    violations,
  };
}

export interface CorrState {
  full: CorrFull;
  lastCheckInMs: number | null;
  violations: CorrFull['violations'];
  terminatedMs: number | null;
  status: 'ACTIVE' | 'TERMINATED' | 'REVOKED' | 'ABSCONDED';
  reportedMs: number | null;
}

/**
 * The correction as the office knows it at the end of yesterday: ACTIVE with a check-in in the last
 * 1–4 days when it ends 20 days or more from today, TERMINATED on its end date when that is 3 days or
 * more ago; in between, or when the judgment took effect in the last 12 days, it is unsafe.
 */
export function snapshotCorrection(ctx: Ctx, rng: Rng, full: CorrFull): Snap<CorrState> {
  const td = ctx.td;
  if (full.judgmentDay > td - 1) return { state: null, unsafe: false };
  const unsafeStart = full.judgmentDay > td - 13 || dayOf(full.reportedMs) > td - 1;
  const base = { full, reportedMs: full.reportedMs };
  if (full.endDay <= td - 3) {
    const last = Math.max(full.reportedMs, at(rng, full.endDay - rng.int(1, 6)));
    return {
      state: {
        ...base,
        lastCheckInMs: last,
        violations: full.violations.filter((v) => v.ms < last),
        terminatedMs: at(rng, full.endDay, 9, 17),
        status: 'TERMINATED',
      },
      unsafe: unsafeStart,
    };
  }
  const last = Math.max(full.reportedMs, at(rng, td - rng.int(1, 4), 8, 20));
  return {
    state: {
      ...base,
      lastCheckInMs: last,
      violations: full.violations.filter((v) => dayOf(v.ms) <= td - 1),
      terminatedMs: null,
      status: 'ACTIVE',
    },
    unsafe: unsafeStart || full.endDay < td + 20,
  };
}

export function correctionDraft(ctx: Ctx, s: CorrState): Draft {
  const f = s.full;
  const fields = {
    region: f.region,
    office: ctx.units.get(f.sourceKey)!,
    correctionType: f.type,
    judgmentEffectiveAt: isoDay(f.judgmentDay),
    reportedAt: dt(s.reportedMs),
    startDate: isoDay(f.startDay),
    endDate: isoDay(f.endDay),
    lastCheckInAt: dt(s.lastCheckInMs),
    supervisionLevel: f.level,
    violations: s.violations.map((v) => ({ at: isoInstant(v.ms), kind: v.kind, sanction: v.sanction })),
    terminatedAt: dt(s.terminatedMs),
    status: s.status,
  };
  const eventMs = maxOf([
    msAt(f.judgmentDay, 9),
    msAt(f.startDay, 9),
    s.reportedMs,
    s.lastCheckInMs,
    s.terminatedMs,
    ...s.violations.map((v) => v.ms),
  ]);
  return {
    domain: 'COMMUNITY_CORRECTION',
    sourceKey: f.sourceKey,
    fields,
    eventMs,
    firstDay: Math.min(f.judgmentDay, f.startDay),
    year: yearOf(f.judgmentDay),
  };
}

// ---------------------------------------------------------------------------------------------------
// enforcement cases

export type Category = 'FOOD_DRUG' | 'COUNTERFEIT' | 'TRADEMARK' | 'ENVIRONMENT' | 'TAX' | 'LABOUR' | 'SAFETY' | 'OTHER';

export const CATEGORY_WEIGHTS: readonly (readonly [Category, number])[] = [
  ['FOOD_DRUG', 10],
  ['COUNTERFEIT', 16],
  ['TRADEMARK', 12],
  ['ENVIRONMENT', 12],
  ['TAX', 12],
  ['LABOUR', 12],
  ['SAFETY', 10],
  ['OTHER', 16],
];

const VIOLATIONS: Record<Category, { minor: readonly string[]; serious: readonly string[] }> = {
  FOOD_DRUG: { minor: [], serious: ['销售假药', '生产、销售有毒、有害食品', '在食品中掺入有毒、有害的非食品原料'] },
  COUNTERFEIT: { minor: ['销售不合格产品', '生产不符合标准的产品'], serious: ['以假充真、以次充好销售商品', '生产、销售伪劣产品'] },
  TRADEMARK: { minor: ['销售侵犯注册商标专用权的商品（数量较小）'], serious: ['销售假冒注册商标的商品', '擅自制造他人注册商标标识'] },
  ENVIRONMENT: { minor: ['超标排放大气污染物', '未按规定设置排污口'], serious: ['非法处置危险废物', '通过暗管偷排有毒物质'] },
  TAX: { minor: ['未按期申报纳税', '未按规定保管发票'], serious: ['虚开增值税专用发票', '逃避缴纳税款'] },
  LABOUR: { minor: ['未按规定签订劳动合同', '拖欠劳动者工资（已支付）'], serious: ['拒不支付劳动报酬'] },
  SAFETY: { minor: ['未按规定开展安全培训', '安全设施未定期检测'], serious: ['无证经营危险化学品造成事故', '违章指挥造成重大事故'] },
  OTHER: { minor: ['无照经营', '价格违法行为', '虚假宣传'], serious: ['非法经营'] },
};

export const CRIME_OF_CATEGORY: Record<Category, readonly string[]> = {
  FOOD_DRUG: ['销售假药罪', '生产、销售有毒、有害食品罪'],
  COUNTERFEIT: ['生产、销售伪劣产品罪'],
  TRADEMARK: ['销售假冒注册商标的商品罪', '非法制造注册商标标识罪'],
  ENVIRONMENT: ['污染环境罪'],
  TAX: ['虚开增值税专用发票罪', '逃税罪'],
  LABOUR: ['拒不支付劳动报酬罪'],
  SAFETY: ['重大责任事故罪'],
  OTHER: ['非法经营罪'],
};

export interface EnfFull {
  region: string;
  sourceKey: string;
  caseNumber: string;
  category: Category;
  violation: string;
  company: { name: string; creditCode: string } | null;
  amount: number;
  gain: number | null;
  filedMs: number;
  penalty: { kind: string; amount: number; ms: number } | null;
  suspected: boolean;
  transfer: {
    reportedMs: number;
    decidedMs: number;
    transferredMs: number;
    authority: string;
    decision: 'FILED' | 'NOT_FILED';
    policeMs: number;
  } | null;
  closedMs: number | null;
}

const AGENCY_ABBR: Record<string, string> = { market: '市监', env: '环', tax: '税', labour: '人社', safety: '应急' };

function round100(x: number): number {
  return Math.max(100, Math.round(x / 100) * 100);
}

/**
 * Clean amounts stay far below every criminal threshold (≤ 20,000 yuan where docs/domain.md gives one of
 * 50,000 or more; ≤ 8,000 where the threshold is left to configuration); cases over a threshold are
 * transferred. FOOD_DRUG cases are always transferred: poison and fake drugs have no threshold.
 */
export function buildEnforcement(
  rng: Rng,
  p: PersonBase,
  e: {
    filedDay: number;
    category?: Category;
    serious?: boolean;
    policeDecision?: 'FILED' | 'NOT_FILED';
    region?: string;
    amount?: number;
    gain?: number | null;
    violation?: string;
    transferDelays?: { decideH: number; handOverH: number; policeH: number };
    penaltyOnly?: boolean;
  },
): EnfFull {
  const category = e.category ?? rng.weighted(CATEGORY_WEIGHTS);
  const serious = e.serious ?? (category === 'FOOD_DRUG' || rng.chance(0.2));
  const region = e.region ?? caseRegion(rng, p);
  const kind = AGENCY_OF_CATEGORY[category];
  const zone = FUNCTIONAL_ZONE_OF[region];
  const sourceKey = kind === 'market' && zone && rng.chance(0.2) ? zoneMarketKey(zone) : agencyKey(region, kind);
  const filedMs = at(rng, e.filedDay);
  let amount: number;
  let gain: number | null;
  if (e.amount != null) {
    amount = e.amount;
    gain = e.gain ?? null;
  } else if (serious) {
    amount =
      category === 'FOOD_DRUG'
        ? round100(rng.real(2_000, 120_000))
        : category === 'ENVIRONMENT'
          ? round100(rng.real(400_000, 2_000_000))
          : round100(rng.real(80_000, 900_000));
    gain =
      category === 'ENVIRONMENT' ? round100(amount * rng.real(0.8, 1)) : rng.chance(0.5) ? round100(amount * rng.real(0.1, 0.4)) : null;
  } else {
    const cap = category === 'COUNTERFEIT' || category === 'TRADEMARK' || category === 'ENVIRONMENT' ? 20_000 : 8_000;
    amount = round100(rng.real(300, cap));
    gain = rng.chance(0.6) ? round100(amount * rng.real(0.05, 0.3)) : null;
  }
  const violation =
    e.violation ?? rng.pick(serious || VIOLATIONS[category].minor.length === 0 ? VIOLATIONS[category].serious : VIOLATIONS[category].minor);
  const withCompany = rng.chance(category === 'ENVIRONMENT' || category === 'TAX' || category === 'SAFETY' ? 0.7 : 0.35);
  let penalty: EnfFull['penalty'] = null;
  let transfer: EnfFull['transfer'] = null;
  let closedMs: number | null = null;
  if (serious && !e.penaltyOnly) {
    const d = e.transferDelays ?? { decideH: rng.int(2, 48), handOverH: rng.int(1, 12), policeH: rng.int(4, 48) };
    const reportedMs = at(rng, e.filedDay + rng.int(2, 20));
    const decidedMs = reportedMs + d.decideH * HOUR_MS + rng.int(0, 59) * 60_000;
    const transferredMs = decidedMs + d.handOverH * HOUR_MS;
    const policeMs = transferredMs + d.policeH * HOUR_MS;
    transfer = {
      reportedMs,
      decidedMs,
      transferredMs,
      authority: policeName(region),
      decision: e.policeDecision ?? (rng.chance(0.7) ? 'FILED' : 'NOT_FILED'),
      policeMs,
    };
  } else {
    const pDay = e.filedDay + rng.int(15, 60);
    const pAmount = round100(Math.max(amount, 1000) * rng.real(0.5, 3));
    penalty = { kind: rng.pick(['罚款', '没收违法所得并处罚款', '警告并处罚款']), amount: pAmount, ms: at(rng, pDay) };
    closedMs = at(rng, pDay + rng.int(5, 40));
  }
  return {
    region,
    sourceKey,
    caseNumber: `${shortName(region)}${AGENCY_ABBR[kind]}立字〔${yearOf(e.filedDay)}〕${pad(p.index % 10_000_000, 7)}${rng.int(0, 9)}号`,
    category,
    violation,
    company: withCompany ? makeCompany(rng, category, region) : null,
    amount,
    gain,
    filedMs,
    penalty,
    suspected: serious && !e.penaltyOnly,
    transfer,
    closedMs,
  };
}

/** The last day anything happens in the case. */
export function enforcementLastDay(f: EnfFull): number {
  return dayOf(maxOf([f.filedMs, f.penalty?.ms, f.closedMs, f.transfer?.policeMs]));
}

export interface EnfState {
  full: EnfFull;
  penalty: EnfFull['penalty'];
  transfer: EnfFull['transfer'];
  closedMs: number | null;
  status: 'FILED' | 'PENALIZED' | 'TRANSFERRED' | 'CLOSED';
}

/** Unsafe: a transfer under way at today (a late-looking step could still be on time). */
export function snapshotEnforcement(ctx: Ctx, full: EnfFull): Snap<EnfState> {
  const cutoff = ctx.td - 1;
  const seen = (ms: number | null | undefined) => ms != null && dayOf(ms) <= cutoff;
  if (!seen(full.filedMs)) return { state: null, unsafe: false };
  if (full.transfer) {
    const done = seen(full.transfer.policeMs);
    return {
      state: { full, penalty: null, transfer: done ? full.transfer : null, closedMs: null, status: done ? 'TRANSFERRED' : 'FILED' },
      unsafe: !done,
    };
  }
  const penalty = seen(full.penalty?.ms) ? full.penalty : null;
  const closedMs = seen(full.closedMs) ? full.closedMs : null;
  return {
    state: { full, penalty, transfer: null, closedMs, status: closedMs ? 'CLOSED' : penalty ? 'PENALIZED' : 'FILED' },
    unsafe: false,
  };
}

export function enforcementDraft(ctx: Ctx, s: EnfState): Draft {
  const f = s.full;
  const t = s.transfer;
  const fields = {
    region: f.region,
    agency: ctx.units.get(f.sourceKey)!,
    caseNumber: f.caseNumber,
    category: f.category,
    violation: f.violation,
    company: f.company,
    amountInvolved: f.amount,
    illegalGain: f.gain,
    filedAt: isoInstant(f.filedMs),
    penalty: s.penalty ? { kind: s.penalty.kind, amount: s.penalty.amount, decidedAt: isoInstant(s.penalty.ms) } : null,
    suspectedCrime: f.suspected,
    transfer: t
      ? {
          reportedAt: isoInstant(t.reportedMs),
          decidedAt: isoInstant(t.decidedMs),
          transferredAt: isoInstant(t.transferredMs),
          receivingAuthority: t.authority,
          policeDecision: t.decision,
          policeDecidedAt: isoInstant(t.policeMs),
        }
      : null,
    closedAt: dt(s.closedMs),
    status: s.status,
  };
  const eventMs = maxOf([f.filedMs, s.penalty?.ms, s.closedMs, t?.reportedMs, t?.decidedMs, t?.transferredMs, t?.policeMs]);
  return {
    domain: 'ENFORCEMENT_CASE',
    sourceKey: f.sourceKey,
    fields,
    eventMs,
    firstDay: dayOf(f.filedMs),
    year: yearOf(dayOf(f.filedMs)),
  };
}
