/**
 * Planted irregularities: one constructor per rule id of docs/domain.md's rule table. Each builds one person
 * whose records meet exactly one rule's condition, clearly past its threshold, while every other record
 * of the person stays clean. A constructor returns null when its random draw does not fit "today"; the
 * caller draws again with the same person stream.
 */
import type { Domain } from '../records';
import { Rng } from './random';
import {
  at,
  buildCorrection,
  buildDetention,
  buildEnforcement,
  type CaseFlag,
  type Category,
  cleanStages,
  correctionDraft,
  type CorrFull,
  type CorrState,
  type Ctx,
  type DetFull,
  detentionDraft,
  type Draft,
  enforcementDraft,
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
  type StagePlan,
  totalDays,
  caseRegion,
} from './model';
import { detentionWithOutcome, GENERAL_CRIMES, probation } from './courses';
import { addMonths, dayOf, DAY_MS, HOUR_MS, yearOf } from './time';
import { shortName } from './sources';

export const SYNTHETIC_RULE_IDS = [
  'DET_OVERDUE_STAGE',
  'DET_EXPIRY_WARNING',
  'DET_LONG_NO_VERDICT',
  'DET_EXTRACTION_AFTER_EXPIRY',
  'DET_NOT_DELIVERED',
  'PRISON_NOT_RELEASED',
  'PRISON_COMMUTATION_IRREGULAR',
  'PRISON_PAROLE_IRREGULAR',
  'CORR_NOT_REPORTED',
  'CORR_ABSCONDED',
  'CORR_NOT_TERMINATED',
  'CORR_MISSING_AFTER_PAROLE',
  'CROSS_REOFFENDING',
  'CROSS_CONFLICT',
  'ENF_NOT_TRANSFERRED',
  'ENF_TRANSFER_LATE',
  'DATA_LATE_ENTRY',
] as const;
export type SyntheticRuleId = (typeof SYNTHETIC_RULE_IDS)[number];

/**
 * The domain of the record that carries each planted irregularity (the one the rule finds): the
 * custody, the sentence, the correction or the enforcement case. `DATA_LATE_ENTRY` is any domain: its
 * record is the one delivered late (`plantedItem` in generate.ts finds it).
 */
export const PLANTED_DOMAIN: Readonly<Record<Exclude<SyntheticRuleId, 'DATA_LATE_ENTRY'>, Domain>> = {
  DET_OVERDUE_STAGE: 'DETENTION',
  DET_EXPIRY_WARNING: 'DETENTION',
  DET_LONG_NO_VERDICT: 'DETENTION',
  DET_EXTRACTION_AFTER_EXPIRY: 'DETENTION',
  DET_NOT_DELIVERED: 'DETENTION',
  PRISON_NOT_RELEASED: 'PRISON',
  PRISON_COMMUTATION_IRREGULAR: 'PRISON',
  PRISON_PAROLE_IRREGULAR: 'PRISON',
  CORR_NOT_REPORTED: 'COMMUNITY_CORRECTION',
  CORR_ABSCONDED: 'COMMUNITY_CORRECTION',
  CORR_NOT_TERMINATED: 'COMMUNITY_CORRECTION',
  // the prison record of the parole or outside execution: there is no correction record at all
  CORR_MISSING_AFTER_PAROLE: 'PRISON',
  // the correction during which the new case began
  CROSS_REOFFENDING: 'COMMUNITY_CORRECTION',
  // the prison record still SERVING
  CROSS_CONFLICT: 'PRISON',
  ENF_NOT_TRANSFERRED: 'ENFORCEMENT_CASE',
  ENF_TRANSFER_LATE: 'ENFORCEMENT_CASE',
};

type Planter = (ctx: Ctx, rng: Rng, p: PersonBase) => Draft[] | null;

// ---------------------------------------------------------------------------------------------------
// helpers

/** Custody whose stage `key` (index in `stages`) starts on `keyStartDay`; ongoing when `release` is null. */
function placedDetention(
  ctx: Ctx,
  rng: Rng,
  p: PersonBase,
  stages: StagePlan[],
  key: number,
  keyStartDay: number,
  release: string | null,
  flags: CaseFlag[] = [],
): DetFull {
  const admitDay = keyStartDay - totalDays(stages, key);
  return buildDetention(ctx, rng, p, { region: caseRegion(rng, p), admitDay, stages, release, flags });
}

function detDraft(ctx: Ctx, full: DetFull, expectStage?: Stage): Draft | null {
  const s = snapshotDetention(ctx, full);
  if (!s.state) return null;
  if (expectStage && s.state.stage.stage !== expectStage) return null;
  return detentionDraft(ctx, s.state);
}

/** A clean released custody that ends in prison with the sentence starting on `startDay`. */
function custodyBeforePrison(ctx: Ctx, rng: Rng, p: PersonBase, startDay: number, maxPretrial = 400) {
  const stages = cleanStages(
    rng,
    rng.chance(0.2) ? [...PRE_TRIAL, 'SECOND_INSTANCE', 'AWAITING_TRANSFER'] : [...PRE_TRIAL, 'AWAITING_TRANSFER'],
  );
  const pretrial = totalDays(stages, stages.length - 1);
  if (pretrial > maxPretrial) return null;
  const det = buildDetention(ctx, rng, p, { region: caseRegion(rng, p), admitDay: startDay - pretrial, stages, release: '送监执行' });
  return { det, pretrial, admitMs: det.releaseMs! + rng.int(1, 4) * HOUR_MS };
}

/** Pre-trial custody length drawn first, so a sentence start can be placed before the custody is built. */
function prisonEntry(ctx: Ctx, rng: Rng, p: PersonBase, withCustody: boolean, maxPretrial = 300) {
  if (withCustody) {
    // A stream of its own, so the custody built later has the very stage lengths probed now.
    const fork = new Rng(rng.nextU32(), 0x50524953);
    const trial = custodyBeforePrison(ctx, fork.clone(), p, 0, maxPretrial);
    if (!trial) return null;
    return {
      pretrial: trial.pretrial,
      build: (startDay: number) => custodyBeforePrison(ctx, fork, p, startDay, maxPretrial)!,
    };
  }
  const pretrial = rng.int(30, Math.min(200, maxPretrial));
  return {
    pretrial,
    build: (startDay: number) => ({ det: null as DetFull | null, pretrial, admitMs: at(rng, startDay + rng.int(3, 15)) }),
  };
}

function newPrison(
  rng: Rng,
  p: PersonBase,
  o: Partial<PrisonFull> & Pick<PrisonFull, 'startDay' | 'termMonths' | 'pretrialDays' | 'admitMs'>,
): PrisonFull {
  const pr = prisonFor(rng, p);
  return {
    region: pr.region,
    sourceKey: pr.key,
    crime: rng.weighted(GENERAL_CRIMES),
    kind: 'FIXED_TERM',
    commutations: [],
    parole: null,
    outside: null,
    ...o,
  };
}

/** Clean drafts of a custody (if any), prison, correction (if any); null if any is unsafe or missing. */
function cleanDrafts(ctx: Ctx, rng: Rng, det: DetFull | null, prison: PrisonFull | null, corr: CorrFull | null): Draft[] | null {
  const out: Draft[] = [];
  if (det) {
    const s = snapshotDetention(ctx, det);
    if (!s.state || s.unsafe) return null;
    out.push(detentionDraft(ctx, s.state));
  }
  if (prison) {
    const s = snapshotPrison(ctx, prison);
    if (!s.state || s.unsafe) return null;
    out.push(prisonDraft(ctx, s.state));
  }
  if (corr) {
    const s = snapshotCorrection(ctx, rng, corr);
    if (!s.state || s.unsafe) return null;
    out.push(correctionDraft(ctx, s.state));
  }
  return out;
}

/** Optionally a clean custody released before a probation judgment taking effect on `judgmentDay`. */
function custodyBeforeProbation(ctx: Ctx, rng: Rng, p: PersonBase, judgmentDay: number): DetFull | null {
  if (!rng.chance(0.4)) return null;
  const region = caseRegion(rng, p);
  if (rng.chance(0.5)) {
    const fork = new Rng(rng.nextU32(), 0x50524f42);
    const probe = detentionWithOutcome(ctx, fork.clone(), p, region, 0, 'PROBATION');
    const length = dayOf(probe.releaseMs!) - dayOf(probe.admitMs);
    return detentionWithOutcome(ctx, fork, p, region, judgmentDay - rng.int(10, 15) - length, 'PROBATION');
  }
  return detentionWithOutcome(ctx, rng, p, region, judgmentDay - rng.int(60, 300), 'BAIL_EARLY');
}

function probationMonthsToReach(judgmentDay: number, day: number, extra: number): number {
  let m = 3;
  while (addMonths(judgmentDay, m) - 1 < day) m++;
  return m + extra;
}

// ---------------------------------------------------------------------------------------------------
// detention

/** In custody past the stage limit by months: investigation 240–320 d (limit 2 months, 7 with every
 * extension), prosecution review 90–150 d (1 month + 15 d), first instance 300–420 d (3 months, 6 with
 * extensions), criminal detention 45–70 d (3 d, at most 37 d for roving/serial/gang cases). No extension
 * recorded, no extraction after the deadline. */
const detOverdue: Planter = (ctx, rng, p) => {
  const v = rng.weighted([
    ['INVESTIGATION', 3],
    ['PROSECUTION_REVIEW', 2],
    ['FIRST_INSTANCE', 2],
    ['CRIMINAL_DETENTION', 1],
  ] as const);
  const order: Stage[] = ['CRIMINAL_DETENTION', 'ARREST_REVIEW', 'INVESTIGATION', 'PROSECUTION_REVIEW', 'FIRST_INSTANCE'];
  const key = order.indexOf(v);
  const stages = [...cleanStages(rng, order.slice(0, key), true), { stage: v, days: 0 }];
  const age = { INVESTIGATION: [240, 320], PROSECUTION_REVIEW: [90, 150], FIRST_INSTANCE: [300, 420], CRIMINAL_DETENTION: [45, 70] }[v];
  const det = placedDetention(ctx, rng, p, stages, key, ctx.td - rng.int(age[0], age[1]), null);
  const d = detDraft(ctx, det, v);
  return d ? [d] : null;
};

/** Investigation custody ending in 3–4 days (warning from 7 days before), or a 30-day criminal detention of
 * a roving/serial/gang case in its 29th day (warning from 3 days before). */
const detExpiryWarning: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  if (rng.chance(0.3)) {
    const flag = rng.pick(['ROVING', 'SERIAL', 'GANG'] as const);
    const det = placedDetention(ctx, rng, p, [{ stage: 'CRIMINAL_DETENTION', days: 0 }], 0, td - 28, null, [flag]);
    const d = detDraft(ctx, det, 'CRIMINAL_DETENTION');
    return d ? [d] : null;
  }
  for (const remaining of [...rng.shuffle([3, 4]), 5]) {
    for (let start = td + remaining - 63; start <= td + remaining - 58; start++) {
      if (addMonths(start, 2) !== td + remaining) continue;
      const stages = [...cleanStages(rng, ['CRIMINAL_DETENTION', 'ARREST_REVIEW'], true), { stage: 'INVESTIGATION' as const, days: 0 }];
      const det = placedDetention(ctx, rng, p, stages, 2, start, null);
      const d = detDraft(ctx, det, 'INVESTIGATION');
      return d ? [d] : null;
    }
  }
  return null;
};

/** In custody 5.5–9.5 years, the case back at first instance (retrial, stage begun 10–40 days ago) or
 * on appeal (10–30 days ago), so no stage limit is passed. */
const detLongNoVerdict: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  const admitDay = td - Math.round(rng.real(5.5, 9.5) * 365.25);
  const retrial = rng.chance(0.6);
  const currentStart = retrial ? td - rng.int(10, 40) : td - rng.int(10, 30);
  const head = cleanStages(rng, ['CRIMINAL_DETENTION', 'ARREST_REVIEW', 'INVESTIGATION', 'PROSECUTION_REVIEW'], true);
  const appeal = retrial ? [{ stage: 'SECOND_INSTANCE' as const, days: rng.int(40, 90) }] : [];
  const filler = currentStart - admitDay - totalDays(head) - totalDays(appeal);
  const stages: StagePlan[] = [
    ...head,
    { stage: 'FIRST_INSTANCE', days: filler },
    ...appeal,
    { stage: retrial ? 'FIRST_INSTANCE' : 'SECOND_INSTANCE', days: 0 },
  ];
  const det = buildDetention(ctx, rng, p, { region: caseRegion(rng, p), admitDay, stages, release: null });
  const d = detDraft(ctx, det, retrial ? 'FIRST_INSTANCE' : 'SECOND_INSTANCE');
  return d ? [d] : null;
};

/** A released custody with an extraction 4–15 days after the investigation deadline, no extension. */
const detExtractionAfterExpiry: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  const afterDeadline = rng.int(4, 15);
  const untilRelease = rng.int(3, 20);
  const releaseTarget = td - rng.int(30, 700);
  const invStart = releaseTarget - untilRelease - afterDeadline - 61;
  const extractionDay = addMonths(invStart, 2) + afterDeadline;
  const releaseDay = extractionDay + untilRelease;
  const head = cleanStages(rng, ['CRIMINAL_DETENTION', 'ARREST_REVIEW'], true);
  const stages: StagePlan[] = [...head, { stage: 'INVESTIGATION', days: releaseDay - invStart }];
  const det = placedDetention(ctx, rng, p, stages, 2, invStart, '变更强制措施为取保候审');
  const inv = det.stages[2];
  const atMs = at(rng, extractionDay, 9, 14);
  if (atMs <= inv.baseDeadlineMs! + 3 * DAY_MS) return null;
  det.extractions.push({
    atMs,
    returnedMs: atMs + rng.int(2, 5) * HOUR_MS,
    purpose: '提讯',
    warrantNumber: `${shortName(det.region)}公提〔${yearOf(extractionDay)}〕${rng.int(100, 9999)}号`,
    by: inv.authority,
  });
  det.extractions.sort((a, b) => a.atMs - b.atMs);
  const d = detDraft(ctx, det, 'INVESTIGATION');
  return d ? [d] : null;
};

/** Sentenced (2 years or more, no prison record yet) and awaiting transfer for 45–120 days (limit 1 month). */
const detNotDelivered: Planter = (ctx, rng, p) => {
  const names: Stage[] = rng.chance(0.2) ? [...PRE_TRIAL, 'SECOND_INSTANCE'] : [...PRE_TRIAL];
  const stages = [...cleanStages(rng, names, true), { stage: 'AWAITING_TRANSFER' as const, days: 0 }];
  const det = placedDetention(ctx, rng, p, stages, stages.length - 1, ctx.td - rng.int(45, 120), null);
  const d = detDraft(ctx, det, 'AWAITING_TRANSFER');
  return d ? [d] : null;
};

// ---------------------------------------------------------------------------------------------------
// prison

/** Still SERVING 30–250 days after the computed end of a 1–10 year term (no commutations). */
const prisonNotReleased: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  const months = rng.int(12, 120);
  const entry = prisonEntry(ctx, rng, p, rng.chance(0.6), 200);
  if (!entry) return null;
  const target = td - rng.int(30, 250);
  const startDay = addMonths(target + entry.pretrial, -months);
  const e = entry.build(startDay);
  const prison = newPrison(rng, p, { startDay, termMonths: months, pretrialDays: e.pretrial, admitMs: e.admitMs });
  const end = sentenceEnd(startDay, months, e.pretrial, 0);
  if (end > td - 25 || end < dayOf(e.admitMs) + 60) return null;
  const snap = snapshotPrison(ctx, prison);
  if (!snap.state || snap.state.status !== 'RELEASED') return null;
  const drafts = e.det ? cleanDrafts(ctx, rng, e.det, null, null) : [];
  if (!drafts) return null;
  drafts.push(prisonDraft(ctx, { ...snap.state, status: 'SERVING', releasedMs: null }));
  return drafts;
};

/** One of: first commutation 4+ months before the minimum time served (1 / 1.5 / 2 years by term,
 * counting pre-trial custody); a second commutation 4–7 months after the first (minimum 1 / 1.5 years);
 * a commutation leaving less than half the term minus 3 months served. */
const prisonCommutationIrregular: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  const v = rng.weighted([
    ['EARLY', 2],
    ['GAP', 2],
    ['TOO_MUCH', 1],
  ] as const);
  const months = v === 'EARLY' ? rng.int(36, 180) : v === 'GAP' ? rng.int(72, 200) : rng.int(84, 119);
  const entry = prisonEntry(ctx, rng, p, rng.chance(0.5), 200);
  if (!entry) return null;
  const P = entry.pretrial;
  const startDay = td - rng.int(v === 'GAP' ? 1350 : 850, 3800);
  const commutations: { day: number; months: number }[] = [];
  if (v === 'EARLY') {
    const minServed = months < 60 ? 12 : months < 120 ? 18 : 24;
    const day = Math.max(startDay + 30, addMonths(startDay, minServed - rng.int(5, 8)) - P);
    if (day - startDay + P > addMonths(startDay, minServed - 4) - startDay) return null;
    commutations.push({ day, months: Math.min(rng.int(6, 12), Math.floor(months / 4)) });
  } else if (v === 'GAP') {
    const first = addMonths(startDay, rng.int(30, 36)) + rng.int(0, 20);
    commutations.push({ day: first, months: rng.int(6, 10) }, { day: first + rng.int(120, 210), months: rng.int(6, 10) });
  } else {
    commutations.push({ day: addMonths(startDay, rng.int(22, 26)), months: Math.ceil(months / 2) + rng.int(3, 6) });
  }
  const total = commutations.reduce((a, c) => a + c.months, 0);
  const end = sentenceEnd(startDay, months, P, total);
  const last = commutations[commutations.length - 1].day;
  if (last > td - 20 || last > end - 60) return null;
  const e = entry.build(startDay);
  if (commutations[0].day < dayOf(e.admitMs) + 20) return null;
  const prison = newPrison(rng, p, { startDay, termMonths: months, pretrialDays: P, admitMs: e.admitMs, commutations });
  return cleanDrafts(ctx, rng, e.det, prison, null);
};

/** Paroled after serving at most 40 % of the term (pre-trial custody counted); the correction is clean. */
const prisonParoleIrregular: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  const months = rng.int(36, 180);
  const entry = prisonEntry(ctx, rng, p, rng.chance(0.5), 200);
  if (!entry) return null;
  const served = Math.floor(0.4 * months * 30.4) - entry.pretrial - rng.int(0, 60);
  if (served < 90) return null;
  const decided = td - rng.int(15, 1500);
  const startDay = decided - served;
  const e = entry.build(startDay);
  const end = sentenceEnd(startDay, months, entry.pretrial, 0);
  if (decided > end - 60 || decided < dayOf(e.admitMs) + 30) return null;
  const prison = newPrison(rng, p, {
    startDay,
    termMonths: months,
    pretrialDays: entry.pretrial,
    admitMs: e.admitMs,
    parole: { decidedDay: decided, releaseMs: at(rng, decided + rng.int(1, 2), 9, 11) },
  });
  const releaseDay = dayOf(prison.parole!.releaseMs);
  const corr = buildCorrection(rng, p, {
    type: 'PAROLE',
    judgmentDay: decided,
    startDay: releaseDay + 1,
    endDay: end,
    reportedDay: releaseDay + rng.int(1, 3),
  });
  return cleanDrafts(ctx, rng, e.det, prison, corr);
};

// ---------------------------------------------------------------------------------------------------
// community correction

/** Probation or control reported 16–45 days after the judgment took effect (limit 10 days). */
const corrNotReported: Planter = (ctx, rng, p) => {
  const judgment = ctx.td - rng.int(60, 1500);
  const type = rng.chance(0.8) ? 'PROBATION' : 'CONTROL';
  const months = type === 'PROBATION' ? rng.int(6, 60) : rng.int(3, 24);
  const det = custodyBeforeProbation(ctx, rng, p, judgment);
  const corr = buildCorrection(rng, p, {
    type,
    judgmentDay: judgment,
    startDay: judgment,
    endDay: addMonths(judgment, months) - 1,
    reportedDay: judgment + rng.int(16, 45),
    minorViolation: false,
  });
  return cleanDrafts(ctx, rng, det, null, corr);
};

/** Probation or control still running, last check-in 45–110 days ago; half of them marked ABSCONDED
 * with a recorded violation. */
const corrAbsconded: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  const judgment = td - rng.int(120, 900);
  const type = rng.chance(0.8) ? 'PROBATION' : 'CONTROL';
  const months = probationMonthsToReach(judgment, td + 60, rng.int(0, 12));
  if (months > (type === 'PROBATION' ? 60 : 24)) return null;
  const det = custodyBeforeProbation(ctx, rng, p, judgment);
  const corr = probation(rng, p, judgment, type, months);
  const before = cleanDrafts(ctx, rng, det, null, null);
  if (!before) return null;
  const lastDay = td - rng.int(45, 110);
  const last = Math.max(corr.reportedMs, at(rng, lastDay));
  const absconded = rng.chance(0.5);
  const violations = corr.violations.filter((v) => v.ms < last);
  if (absconded) {
    violations.push({ ms: at(rng, lastDay + rng.int(15, 30)), kind: '脱离监管', sanction: rng.pick(['警告', '提请撤销缓刑']) });
  }
  const state: CorrState = {
    full: corr,
    reportedMs: corr.reportedMs,
    lastCheckInMs: last,
    violations,
    terminatedMs: null,
    status: absconded ? 'ABSCONDED' : 'ACTIVE',
  };
  return [...before, correctionDraft(ctx, state)];
};

/** Probation or control that ended 20–200 days ago but is still ACTIVE (check-ins continue). */
const corrNotTerminated: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  const end = td - rng.int(20, 200);
  const type = rng.chance(0.8) ? 'PROBATION' : 'CONTROL';
  const months = type === 'PROBATION' ? rng.int(6, 60) : rng.int(3, 24);
  const judgment = addMonths(end + 1, -months);
  const det = custodyBeforeProbation(ctx, rng, p, judgment);
  const corr = buildCorrection(rng, p, {
    type,
    judgmentDay: judgment,
    startDay: judgment,
    endDay: end,
    reportedDay: judgment + rng.int(1, 5),
  });
  const before = cleanDrafts(ctx, rng, det, null, null);
  if (!before) return null;
  const state: CorrState = {
    full: corr,
    reportedMs: corr.reportedMs,
    lastCheckInMs: at(rng, td - rng.int(1, 4), 8, 20),
    violations: corr.violations.filter((v) => dayOf(v.ms) <= end),
    terminatedMs: null,
    status: 'ACTIVE',
  };
  return [...before, correctionDraft(ctx, state)];
};

/** Paroled (or released for outside execution) 40–600 days ago, sentence still running, and no
 * correction record at all. */
const corrMissingAfterParole: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  const months = rng.int(24, 180);
  const entry = prisonEntry(ctx, rng, p, rng.chance(0.6), 300);
  if (!entry) return null;
  const decided = td - rng.int(40, 600);
  const parole = rng.chance(0.8);
  const servedMonths = parole ? Math.ceil(months * rng.real(0.65, 0.85)) : rng.int(8, Math.max(8, Math.floor(months / 2)));
  const startDay = addMonths(decided - rng.int(0, 20), -servedMonths);
  const e = entry.build(startDay);
  const end = sentenceEnd(startDay, months, entry.pretrial, 0);
  if (decided > end - 60 || end < td + 25 || decided < dayOf(e.admitMs) + 30) return null;
  const releaseMs = at(rng, decided + rng.int(1, 2), 9, 11);
  const prison = newPrison(rng, p, {
    startDay,
    termMonths: months,
    pretrialDays: entry.pretrial,
    admitMs: e.admitMs,
    parole: parole ? { decidedDay: decided, releaseMs } : null,
    outside: parole ? null : { decidedDay: decided, kind: '保外就医', reviewDay: decided + 365, releaseMs },
  });
  const drafts = cleanDrafts(ctx, rng, e.det, prison, null);
  if (!drafts) return null;
  const status = drafts[drafts.length - 1].fields.status;
  return status === 'PAROLED' || status === 'OUTSIDE_EXECUTION' ? drafts : null;
};

// ---------------------------------------------------------------------------------------------------
// cross-domain

/** Probation running (ends 60+ days from today); inside it, 30+ days after it began, a new enforcement
 * case (closed, small) or a new criminal detention (released on bail within 3 days). */
const crossReoffending: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  const judgment = td - rng.int(150, 800);
  const months = probationMonthsToReach(judgment, td + 60, rng.int(0, 18));
  if (months > 60) return null;
  const det = custodyBeforeProbation(ctx, rng, p, judgment);
  const corr = probation(rng, p, judgment, 'PROBATION', months);
  const drafts = cleanDrafts(ctx, rng, det, null, corr);
  if (!drafts) return null;
  if (rng.chance(0.6)) {
    const category = rng.pick(['COUNTERFEIT', 'TRADEMARK', 'TAX', 'LABOUR', 'SAFETY', 'OTHER'] as const);
    const f = buildEnforcement(rng, p, { filedDay: rng.int(judgment + 30, td - 110), category, serious: false });
    const s = snapshotEnforcement(ctx, f);
    if (!s.state || s.state.status !== 'CLOSED') return null;
    drafts.push(enforcementDraft(ctx, s.state));
  } else {
    const again = buildDetention(ctx, rng, p, {
      region: caseRegion(rng, p),
      admitDay: rng.int(judgment + 30, td - 10),
      stages: [{ stage: 'CRIMINAL_DETENTION', days: rng.int(1, 3) }],
      release: '变更强制措施为取保候审',
    });
    const d = snapshotDetention(ctx, again);
    if (!d.state || d.state.releaseMs == null || dayOf(d.state.releaseMs) > td - 3) return null;
    drafts.push(detentionDraft(ctx, d.state));
  }
  return drafts;
};

/** SERVING in prison and ACTIVE in correction at once: an outside execution the prison never recorded
 * (70 %), or a probationer later imprisoned while the office keeps the correction active (30 %). */
const crossConflict: Planter = (ctx, rng, p) => {
  const td = ctx.td;
  if (rng.chance(0.7)) {
    const months = rng.int(48, 180);
    const entry = prisonEntry(ctx, rng, p, rng.chance(0.5), 300);
    if (!entry) return null;
    const decided = td - rng.int(40, 400);
    const startDay = decided - rng.int(200, 1200);
    const e = entry.build(startDay);
    const end = sentenceEnd(startDay, months, entry.pretrial, 0);
    if (end < td + 200 || decided < dayOf(e.admitMs) + 60) return null;
    const prison = newPrison(rng, p, { startDay, termMonths: months, pretrialDays: entry.pretrial, admitMs: e.admitMs });
    const startCorr = decided + rng.int(1, 3);
    const corr = buildCorrection(rng, p, {
      type: 'OUTSIDE_EXECUTION',
      judgmentDay: decided,
      startDay: startCorr,
      endDay: end,
      reportedDay: startCorr + rng.int(0, 2),
    });
    return cleanDrafts(ctx, rng, e.det, prison, corr);
  }
  const judgment = td - rng.int(200, 700);
  const months = probationMonthsToReach(judgment, td + 200, rng.int(0, 12));
  if (months > 60) return null;
  const corr = probation(rng, p, judgment, 'PROBATION', months);
  const admitDay = td - rng.int(20, 150);
  if (admitDay < judgment + 60) return null;
  const termMonths = rng.int(36, 120);
  const prison = newPrison(rng, p, {
    startDay: admitDay - rng.int(3, 15),
    termMonths,
    pretrialDays: rng.int(20, 120),
    admitMs: at(rng, admitDay),
  });
  return cleanDrafts(ctx, rng, null, prison, corr);
};

// ---------------------------------------------------------------------------------------------------
// enforcement

/** Penalty only, no transfer, clearly over the criminal threshold: counterfeit sales 80,000–600,000 yuan
 * (threshold 50,000), trademark turnover 80,000–400,000 (50,000), fake drugs / poisonous food of any
 * amount, environment illegal gain 320,000+ (300,000). */
const enfNotTransferred: Planter = (ctx, rng, p) => {
  const category = rng.weighted([
    ['COUNTERFEIT', 3],
    ['TRADEMARK', 2],
    ['FOOD_DRUG', 2],
    ['ENVIRONMENT', 2],
  ] as const) as Category;
  let amount: number;
  let gain: number | null = null;
  if (category === 'FOOD_DRUG') amount = Math.round(rng.real(2_000, 60_000) / 100) * 100;
  else if (category === 'ENVIRONMENT') {
    amount = Math.round(rng.real(400_000, 1_500_000) / 100) * 100;
    gain = Math.round((amount * rng.real(0.8, 1)) / 100) * 100;
  } else amount = Math.round(rng.real(80_000, category === 'TRADEMARK' ? 400_000 : 600_000) / 100) * 100;
  const f = buildEnforcement(rng, p, { filedDay: ctx.td - rng.int(150, 1200), category, serious: true, penaltyOnly: true, amount, gain });
  const s = snapshotEnforcement(ctx, f);
  if (!s.state || !s.state.penalty) return null;
  return [enforcementDraft(ctx, s.state)];
};

/** A transfer with one late step: decision 6–15 days after the report (limit 3 d), hand-over 3–10 days
 * after the decision (limit 24 h), or the police decision 8–30 days after receipt (limit 3 d). */
const enfTransferLate: Planter = (ctx, rng, p) => {
  const v = rng.pick(['DECISION', 'HANDOVER', 'POLICE'] as const);
  const transferDelays = {
    decideH: v === 'DECISION' ? rng.int(6 * 24, 15 * 24) : rng.int(2, 48),
    handOverH: v === 'HANDOVER' ? rng.int(3 * 24, 10 * 24) : rng.int(1, 12),
    policeH: v === 'POLICE' ? rng.int(8 * 24, 30 * 24) : rng.int(4, 48),
  };
  const f = buildEnforcement(rng, p, { filedDay: ctx.td - rng.int(80, 1200), serious: true, transferDelays });
  const s = snapshotEnforcement(ctx, f);
  if (!s.state || !s.state.transfer) return null;
  return [enforcementDraft(ctx, s.state)];
};

export const PLANTERS: Record<Exclude<SyntheticRuleId, 'DATA_LATE_ENTRY'>, Planter> = {
  DET_OVERDUE_STAGE: detOverdue,
  DET_EXPIRY_WARNING: detExpiryWarning,
  DET_LONG_NO_VERDICT: detLongNoVerdict,
  DET_EXTRACTION_AFTER_EXPIRY: detExtractionAfterExpiry,
  DET_NOT_DELIVERED: detNotDelivered,
  PRISON_NOT_RELEASED: prisonNotReleased,
  PRISON_COMMUTATION_IRREGULAR: prisonCommutationIrregular,
  PRISON_PAROLE_IRREGULAR: prisonParoleIrregular,
  CORR_NOT_REPORTED: corrNotReported,
  CORR_ABSCONDED: corrAbsconded,
  CORR_NOT_TERMINATED: corrNotTerminated,
  CORR_MISSING_AFTER_PAROLE: corrMissingAfterParole,
  CROSS_REOFFENDING: crossReoffending,
  CROSS_CONFLICT: crossConflict,
  ENF_NOT_TRANSFERRED: enfNotTransferred,
  ENF_TRANSFER_LATE: enfTransferLate,
};
