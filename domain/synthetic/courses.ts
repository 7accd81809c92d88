/**
 * Clean life histories: a course of episodes (enforcement case → custody → prison → correction, or a
 * part of it) simulated forward from a random start and then cut at yesterday. Whatever has happened by
 * then becomes records; a course still under way leaves the person where it stands (in custody, serving,
 * under correction). When "today" falls into a window where a rule might be near its threshold, the
 * snapshot is unsafe and the person is drawn again.
 */
import type { Rng } from './random';
import {
  at,
  buildCorrection,
  buildDetention,
  buildEnforcement,
  type Category,
  cleanStages,
  correctionDraft,
  CRIME_OF_CATEGORY,
  type CorrFull,
  type Ctx,
  type DetFull,
  detentionDraft,
  type Draft,
  enforcementDraft,
  enforcementLastDay,
  type EnfFull,
  type PersonBase,
  PRE_TRIAL,
  prisonDraft,
  prisonFor,
  type PrisonFull,
  sentenceEnd,
  snapshotCorrection,
  snapshotDetention,
  snapshotEnforcement,
  snapshotPrison,
  type Stage,
  caseRegion,
} from './model';
import { addMonths, dayOf, HOUR_MS } from './time';

export type Course = 'E' | 'D' | 'C' | 'P' | 'PC' | 'ED' | 'DC' | 'DP' | 'DPC' | 'EDC' | 'EDP' | 'EDPC';

/** Share of clean persons per course (E enforcement, D detention, P prison, C community correction). */
export const COURSE_WEIGHTS: readonly (readonly [Course, number])[] = [
  ['E', 26],
  ['D', 18],
  ['C', 8],
  ['P', 5],
  ['PC', 3],
  ['ED', 5],
  ['DC', 8],
  ['DP', 10],
  ['DPC', 7],
  ['EDC', 3],
  ['EDP', 2],
  ['EDPC', 5],
];

/** How far back a course may start (days before today). */
const START_BACK: Record<Course, readonly [number, number]> = {
  E: [1, 1400],
  D: [1, 1000],
  C: [20, 1800],
  P: [60, 4000],
  PC: [200, 4000],
  ED: [30, 2000],
  DC: [30, 2500],
  DP: [30, 3500],
  DPC: [300, 4500],
  EDC: [60, 2500],
  EDP: [60, 3500],
  EDPC: [300, 4500],
};

export interface Episodes {
  enf: EnfFull[];
  det: DetFull | null;
  prison: PrisonFull | null;
  corr: CorrFull | null;
}

export const GENERAL_CRIMES: readonly (readonly [string, number])[] = [
  ['盗窃罪', 20],
  ['诈骗罪', 14],
  ['故意伤害罪', 10],
  ['贩卖毒品罪', 8],
  ['抢劫罪', 5],
  ['寻衅滋事罪', 6],
  ['交通肇事罪', 5],
  ['开设赌场罪', 5],
  ['帮助信息网络犯罪活动罪', 8],
  ['非法吸收公众存款罪', 4],
  ['掩饰、隐瞒犯罪所得罪', 4],
  ['强奸罪', 3],
  ['故意杀人罪', 1],
  ['组织、领导、参加黑社会性质组织罪', 1],
];

type Outcome = 'BAIL_EARLY' | 'BAIL_INV' | 'NOT_APPROVED' | 'NOT_PROSECUTED' | 'ACQUITTED' | 'CENTRE' | 'PROBATION' | 'PRISON';

const RELEASE_REASON: Record<Outcome, string> = {
  BAIL_EARLY: '变更强制措施为取保候审',
  BAIL_INV: '变更强制措施为取保候审',
  NOT_APPROVED: '不批准逮捕，释放',
  NOT_PROSECUTED: '不起诉，释放',
  ACQUITTED: '宣告无罪，释放',
  CENTRE: '刑满释放',
  PROBATION: '判处缓刑，释放',
  PRISON: '送监执行',
};

export function outcomeStages(rng: Rng, outcome: Outcome): Stage[] {
  switch (outcome) {
    case 'BAIL_EARLY':
      return ['CRIMINAL_DETENTION'];
    case 'BAIL_INV':
      return ['CRIMINAL_DETENTION', 'ARREST_REVIEW', 'INVESTIGATION'];
    case 'NOT_APPROVED':
      return ['CRIMINAL_DETENTION', 'ARREST_REVIEW'];
    case 'NOT_PROSECUTED':
      return ['CRIMINAL_DETENTION', 'ARREST_REVIEW', 'INVESTIGATION', 'PROSECUTION_REVIEW'];
    case 'ACQUITTED':
      return [...PRE_TRIAL];
    case 'CENTRE':
      return [...PRE_TRIAL, 'SERVING_IN_CENTRE'];
    case 'PROBATION':
      return rng.chance(0.15) ? [...PRE_TRIAL, 'SECOND_INSTANCE'] : [...PRE_TRIAL];
    case 'PRISON':
      return rng.chance(0.2) ? [...PRE_TRIAL, 'SECOND_INSTANCE', 'AWAITING_TRANSFER'] : [...PRE_TRIAL, 'AWAITING_TRANSFER'];
  }
}

/** A custody with the given outcome, admitted on `admitDay`. */
export function detentionWithOutcome(ctx: Ctx, rng: Rng, p: PersonBase, region: string, admitDay: number, outcome: Outcome): DetFull {
  const stages = cleanStages(rng, outcomeStages(rng, outcome), outcome === 'BAIL_INV');
  return buildDetention(ctx, rng, p, { region, admitDay, stages, release: RELEASE_REASON[outcome] });
}

/** Fixed terms in months, with a few life and death-with-reprieve sentences when `allowLife`. */
export function drawSentence(
  rng: Rng,
  minMonths: number,
  allowLife: boolean,
): { kind: 'FIXED_TERM' | 'LIFE' | 'DEATH_REPRIEVE'; months: number | null } {
  if (allowLife) {
    const x = rng.next();
    if (x < 0.002) return { kind: 'DEATH_REPRIEVE', months: null };
    if (x < 0.01) return { kind: 'LIFE', months: null };
  }
  const bucket = rng.weighted([
    [[6, 24], 40],
    [[25, 60], 35],
    [[61, 120], 18],
    [[121, 240], 7],
  ] as const);
  return { kind: 'FIXED_TERM', months: Math.max(minMonths, rng.int(bucket[0], bucket[1])) };
}

/**
 * Commutations far inside the rules: only for terms of 5 years or more, the first after 30–36 months,
 * then every 21–26 months, 6–12 months each, at most a third of the term in all, never within 90 days
 * of the (new) end.
 */
export function cleanCommutations(rng: Rng, startDay: number, months: number, pretrialDays: number): { day: number; months: number }[] {
  const out: { day: number; months: number }[] = [];
  if (months < 60 || !rng.chance(0.6)) return out;
  let day = addMonths(startDay, rng.int(30, 36)) + rng.int(0, 20);
  let total = 0;
  for (;;) {
    const m = rng.int(6, 12);
    if (total + m > months / 3) break;
    if (day > sentenceEnd(startDay, months, pretrialDays, total + m) - 90) break;
    out.push({ day, months: m });
    total += m;
    day = addMonths(day, rng.int(21, 26)) + rng.int(0, 15);
  }
  return out;
}

/** Prison after a custody (or, without one, starting on `startDay`). Null when the draw does not fit. */
export function cleanPrison(
  rng: Rng,
  p: PersonBase,
  o: { det: DetFull | null; startDay: number; exit: 'PAROLE' | 'OUTSIDE' | null; crime: string },
): PrisonFull | null {
  let startDay = o.startDay;
  let pretrial: number;
  let admitMs: number;
  if (o.det) {
    const transfer = o.det.stages.find((s) => s.stage === 'AWAITING_TRANSFER')!;
    startDay = dayOf(transfer.startMs);
    pretrial = startDay - dayOf(o.det.admitMs);
    admitMs = o.det.releaseMs! + rng.int(1, 4) * HOUR_MS;
  } else {
    pretrial = rng.int(20, 300);
    admitMs = at(rng, startDay + rng.int(3, 15));
  }
  const admitDay = dayOf(admitMs);
  const sentence = drawSentence(rng, o.exit === 'PAROLE' ? 24 : 12, o.exit == null);
  let months = sentence.months;
  if (months != null) {
    // Less than 3 months left would be served in the detention centre, not in prison.
    while (sentenceEnd(startDay, months, pretrial, 0) < admitDay + 150) months += 3;
  }
  const prison = prisonFor(rng, p);
  const full: PrisonFull = {
    region: prison.region,
    sourceKey: prison.key,
    crime: o.crime,
    startDay,
    kind: sentence.kind,
    termMonths: months,
    pretrialDays: pretrial,
    admitMs,
    commutations: months == null ? [] : cleanCommutations(rng, startDay, months, pretrial),
    parole: null,
    outside: null,
  };
  if (o.exit == null || months == null) return full;
  const decided =
    o.exit === 'PAROLE' ? addMonths(startDay, Math.ceil(months * rng.real(0.65, 0.85))) + rng.int(0, 20) : admitDay + rng.int(180, 900);
  full.commutations = full.commutations.filter((c) => c.day < decided - 30);
  const end = sentenceEnd(
    startDay,
    months,
    pretrial,
    full.commutations.reduce((a, c) => a + c.months, 0),
  );
  if (decided > end - (o.exit === 'PAROLE' ? 60 : 120)) return null;
  const releaseMs = at(rng, decided + rng.int(1, 2), 9, 11);
  if (o.exit === 'PAROLE') full.parole = { decidedDay: decided, releaseMs };
  else {
    full.outside = {
      decidedDay: decided,
      kind: p.gender === 'FEMALE' && rng.chance(0.3) ? '怀孕或者正在哺乳自己婴儿' : '保外就医',
      reviewDay: decided + 365,
      releaseMs,
    };
  }
  return full;
}

/** The correction that follows a parole or an outside execution. */
export function correctionAfterPrison(rng: Rng, p: PersonBase, prison: PrisonFull): CorrFull {
  const exit = (prison.parole ?? prison.outside)!;
  const releaseDay = dayOf(exit.releaseMs);
  const commuted = prison.commutations.filter((c) => c.day < exit.decidedDay).reduce((a, c) => a + c.months, 0);
  const end = sentenceEnd(prison.startDay, prison.termMonths!, prison.pretrialDays, commuted);
  return buildCorrection(rng, p, {
    type: prison.parole ? 'PAROLE' : 'OUTSIDE_EXECUTION',
    judgmentDay: exit.decidedDay,
    startDay: releaseDay + 1,
    endDay: end,
    reportedDay: releaseDay + rng.int(1, 3),
  });
}

/** Probation (缓刑) or control (管制) taking effect on `judgmentDay`, reported within 1–5 days. */
export function probation(rng: Rng, p: PersonBase, judgmentDay: number, type?: 'PROBATION' | 'CONTROL', months?: number): CorrFull {
  const t = type ?? (rng.chance(0.88) ? 'PROBATION' : 'CONTROL');
  const m = months ?? (t === 'PROBATION' ? rng.int(6, 60) : rng.int(3, 24));
  return buildCorrection(rng, p, {
    type: t,
    judgmentDay,
    startDay: judgmentDay,
    endDay: addMonths(judgmentDay, m) - 1,
    reportedDay: judgmentDay + rng.int(1, 5),
  });
}

export function simulateCourse(ctx: Ctx, rng: Rng, p: PersonBase, course: Course): Episodes | null {
  const has = (c: string) => course.includes(c);
  const [lo, hi] = START_BACK[course];
  let t = ctx.td - rng.int(lo, hi);
  const eps: Episodes = { enf: [], det: null, prison: null, corr: null };
  let category: Category | null = null;
  const region = caseRegion(rng, p);
  if (has('E')) {
    if (has('D')) {
      const f = buildEnforcement(rng, p, { filedDay: t, serious: true, policeDecision: 'FILED', region });
      eps.enf.push(f);
      category = f.category;
      t = dayOf(f.transfer!.policeMs) + rng.int(1, 20);
    } else {
      const n = rng.chance(0.2) ? 2 : 1;
      for (let k = 0; k < n; k++) {
        const f = buildEnforcement(rng, p, { filedDay: t });
        eps.enf.push(f);
        t = enforcementLastDay(f) + rng.int(30, 400);
      }
    }
  }
  if (has('D')) {
    const outcome: Outcome = has('P')
      ? 'PRISON'
      : has('C')
        ? rng.weighted([
            ['PROBATION', 60],
            ['BAIL_EARLY', 25],
            ['BAIL_INV', 15],
          ] as const)
        : rng.weighted([
            ['BAIL_EARLY', 18],
            ['BAIL_INV', 10],
            ['NOT_APPROVED', 10],
            ['NOT_PROSECUTED', 12],
            ['ACQUITTED', 3],
            ['CENTRE', 30],
          ] as const);
    eps.det = detentionWithOutcome(ctx, rng, p, region, t, outcome);
    const releaseDay = dayOf(eps.det.releaseMs!);
    t = releaseDay;
    if (has('C') && !has('P')) {
      const judgment = outcome === 'PROBATION' ? releaseDay + rng.int(10, 15) : releaseDay + rng.int(60, 300);
      eps.corr = probation(rng, p, judgment);
    }
  }
  if (has('P')) {
    const crime = category ? rng.pick(CRIME_OF_CATEGORY[category]) : rng.weighted(GENERAL_CRIMES);
    const exit = has('C') ? (rng.chance(0.85) ? 'PAROLE' : 'OUTSIDE') : null;
    eps.prison = cleanPrison(rng, p, { det: eps.det, startDay: t, exit, crime });
    if (!eps.prison) return null;
    if (exit) eps.corr = correctionAfterPrison(rng, p, eps.prison);
  }
  if (course === 'C') eps.corr = probation(rng, p, t);
  return eps;
}

/** Records of the episodes as of yesterday; null when unsafe. */
export function draftsOf(ctx: Ctx, rng: Rng, eps: Episodes): Draft[] | null {
  const drafts: Draft[] = [];
  for (const f of eps.enf) {
    const s = snapshotEnforcement(ctx, f);
    if (s.unsafe) return null;
    if (s.state) drafts.push(enforcementDraft(ctx, s.state));
  }
  if (eps.det) {
    const s = snapshotDetention(ctx, eps.det);
    if (s.unsafe) return null;
    if (s.state) drafts.push(detentionDraft(ctx, s.state));
  }
  if (eps.prison) {
    const s = snapshotPrison(ctx, eps.prison);
    if (s.unsafe) return null;
    if (s.state) drafts.push(prisonDraft(ctx, s.state));
  }
  if (eps.corr) {
    const s = snapshotCorrection(ctx, rng, eps.corr);
    if (s.unsafe) return null;
    if (s.state) drafts.push(correctionDraft(ctx, s.state));
  }
  return drafts;
}

export function cleanPerson(ctx: Ctx, rng: Rng, p: PersonBase, course?: Course): Draft[] | null {
  const eps = simulateCourse(ctx, rng, p, course ?? rng.weighted(COURSE_WEIGHTS));
  if (!eps) return null;
  const drafts = draftsOf(ctx, rng, eps);
  return drafts && drafts.length > 0 ? drafts : null;
}
