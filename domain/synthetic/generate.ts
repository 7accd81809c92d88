/**
 * Deterministic synthetic data: persons with consistent histories across the four domains, and planted
 * irregularities at known rates, for `npm run seed`, tests and benchmarks. Pure: no I/O, no clock other
 * than `opts.today`, no Math.random.
 *
 * Life-history model (per person, streamed person by person; each person has its own PRNG stream derived
 * from (seed, index), so persons do not influence each other):
 * - A clean person follows one course, drawn by `COURSE_WEIGHTS`: an enforcement case only (26 %);
 *   custody only — released on bail, not approved, not prosecuted, acquitted, or a short sentence served
 *   in the centre (18 %); probation or control only (8 %); prison only (5 %); prison → parole or outside
 *   execution → correction (3 %); enforcement case → transfer → custody (5 %); custody → probation (8 %);
 *   custody → prison (10 %); custody → prison → parole/outside execution → correction (7 %); enforcement →
 *   custody → probation (3 %); enforcement → custody → prison (2 %); all four (5 %). The course starts
 *   on a random day in the past and is cut at yesterday, so a person may still be in custody, serving or
 *   under correction today. Stage lengths, transfer steps, check-ins, commutations and paroles are drawn far
 *   inside every rule threshold (see model.ts, courses.ts), records are delivered 0–5 days after their
 *   last event, and a person whose "today" falls near a threshold is drawn again — so clean persons meet
 *   no rule's condition under docs/domain.md's default parameters.
 * - Planted persons: in every block of 200 consecutive persons, `PLANT_QUOTA` persons (39 in all) get one
 *   irregularity each, their positions shuffled by the PRNG (planted.ts describes each construction). One
 *   planted irregularity per person; each yields exactly one finding (see `PLANT_QUOTA` for the unit).
 * - Every record's `eventAt` is its latest event (admission, stage change, release, decision, check-in…);
 *   `updatedAt` lies between `eventAt` and `deliveredAt`; `deliveredAt` is never after `opts.today`.
 */
import { byDomain } from '../../domain/record-domains';
import { makeIdNumber } from '../id-number';
import { DOMAINS, type Domain } from '../records';
import { CURRENT_REGION_CODES, HISTORICAL_REGIONS } from '../regions';
import { cleanPerson } from './courses';
import { type Ctx, type Draft, type PersonBase, type SyntheticRecordByDomain } from './model';
import { personName } from './names';
import { PLANTED_DOMAIN, PLANTERS, SYNTHETIC_RULE_IDS, type SyntheticRuleId } from './planted';
import { Rng } from './random';
import { buildSources, type SourceSpec } from './sources';
import { dayFromYmd, dayOf, DAY_MS, isoDay, isoInstant, yearOf } from './time';

export interface SyntheticOptions {
  persons: number;
  seed: number;
  /** the "now" of the data set: nothing happens or is delivered after it */
  today: Date;
  /** false: no planted irregularities, every person clean (the rules must find nothing) */
  plant?: boolean;
}

export interface SyntheticItem<D extends Domain = Domain> {
  sourceKey: string;
  domain: D;
  /** the input shape accepted by `validateRecord(domain, record)` (ISO 8601 strings for dates) */
  record: SyntheticRecordByDomain[D];
  /** when the department delivered the record to the hub (the hub stamps it as `recordedAt`) */
  deliveredAt: Date;
}

/** A `SyntheticItem` narrowed by its domain: `if (item.domain === 'PRISON') item.record.prison`. */
export type AnySyntheticItem = { [D in Domain]: SyntheticItem<D> }[Domain];

export interface SyntheticReport {
  persons: number;
  records: Record<Domain, number>;
  /** persons with records in all four domains */
  crossDomainPersons: number;
  /** planted findings per rule id (every rule id present, possibly 0) */
  planted: Record<string, number>;
}

export const PLANT_BLOCK = 200;

/**
 * Planted persons per block of 200 (rate = quota / 200 of all persons) and the counting unit: each
 * planted person yields exactly one finding of that rule —
 * DET_*: one detention record; PRISON_*: one prison record; CORR_NOT_REPORTED / CORR_ABSCONDED /
 * CORR_NOT_TERMINATED: one correction record; CORR_MISSING_AFTER_PAROLE: one person (their PAROLED or
 * OUTSIDE_EXECUTION prison record, with no correction record at all); CROSS_REOFFENDING: one person (one
 * new enforcement case or custody inside one ACTIVE probation); CROSS_CONFLICT: one person (one SERVING
 * prison record and one ACTIVE correction); ENF_*: one enforcement case; DATA_LATE_ENTRY: one record
 * (delivered 30–90 days after its eventAt).
 */
export const PLANT_QUOTA: Readonly<Record<SyntheticRuleId, number>> = {
  DET_OVERDUE_STAGE: 2,
  DET_EXPIRY_WARNING: 2,
  DET_LONG_NO_VERDICT: 1,
  DET_EXTRACTION_AFTER_EXPIRY: 2,
  DET_NOT_DELIVERED: 2,
  PRISON_NOT_RELEASED: 2,
  PRISON_COMMUTATION_IRREGULAR: 2,
  PRISON_PAROLE_IRREGULAR: 2,
  CORR_NOT_REPORTED: 3,
  CORR_ABSCONDED: 3,
  CORR_NOT_TERMINATED: 2,
  CORR_MISSING_AFTER_PAROLE: 2,
  CROSS_REOFFENDING: 2,
  CROSS_CONFLICT: 1,
  ENF_NOT_TRANSFERRED: 4,
  ENF_TRANSFER_LATE: 3,
  DATA_LATE_ENTRY: 4,
};

const MAX_ATTEMPTS = 200;
const LATE_MIN_DAYS = 30;

/** Old address codes and the current district that succeeded each. */
const OLD_CODE_SUCCESSOR: Readonly<Record<string, string>> = {
  500222: '500110',
  500223: '500152',
  500224: '500151',
  500225: '500111',
  500226: '500153',
  500227: '500120',
  500228: '500155',
  500232: '500156',
  500234: '500154',
  500381: '500116',
  500382: '500117',
  500383: '500118',
  500384: '500119',
  510201: '500103',
  510202: '500104',
  510212: '500109',
  512201: '500101',
  512301: '500102',
};
const OLD_CODES_OF: Readonly<Record<string, string[]>> = (() => {
  const out: Record<string, string[]> = {};
  for (const [old, cur] of Object.entries(OLD_CODE_SUCCESSOR)) (out[cur] ??= []).push(old);
  return out;
})();
const ID_CODE_INDEX = new Map([...CURRENT_REGION_CODES, ...Object.keys(HISTORICAL_REGIONS)].map((c, i) => [c, i]));

/** The hosted sources of the data set (the same for every seed and size). */
export function syntheticSources(opts: SyntheticOptions): SourceSpec[] {
  checkOptions(opts);
  return buildSources();
}

/** Streams the records person by person; a person's records are ordered by delivery. */
export function* generateSynthetic(opts: SyntheticOptions): Generator<AnySyntheticItem> {
  for (const person of generatePersons(opts)) yield* person.items;
}

/** The counts `generateSynthetic` produces for the same options (computed by running it). */
export function syntheticReport(opts: SyntheticOptions): SyntheticReport {
  const records = byDomain<Record<Domain, number>>(() => 0);
  const planted: Record<string, number> = Object.fromEntries(SYNTHETIC_RULE_IDS.map((r) => [r, 0]));
  let persons = 0;
  let crossDomainPersons = 0;
  for (const person of generatePersons(opts)) {
    persons++;
    const domains = new Set<Domain>();
    for (const item of person.items) {
      records[item.domain]++;
      domains.add(item.domain);
    }
    if (domains.size === DOMAINS.length) crossDomainPersons++;
    if (person.planted) planted[person.planted]++;
  }
  return { persons, records, crossDomainPersons, planted };
}

export interface SyntheticPerson {
  index: number;
  idNumber: string;
  /** the rule planted in this person's records, if any (one finding) */
  planted: SyntheticRuleId | null;
  items: AnySyntheticItem[];
}

/**
 * The record of a person that carries its planted irregularity: the last record of the rule's domain
 * (`PLANTED_DOMAIN`), or for DATA_LATE_ENTRY the record delivered late; null for a clean person.
 */
export function plantedItem(person: SyntheticPerson): AnySyntheticItem | null {
  if (!person.planted) return null;
  if (person.planted === 'DATA_LATE_ENTRY')
    // the others are delivered within 5 days of their event, the late one 30 to 90 days after it
    return person.items.find((i) => i.deliveredAt.getTime() - Date.parse(i.record.eventAt as string) > 20 * DAY_MS) ?? null;
  const domain = PLANTED_DOMAIN[person.planted];
  return person.items.filter((i) => i.domain === domain).at(-1) ?? null;
}

/** Persons one at a time, with what was planted in each; the basis of the generator and the report. */
export function* generatePersons(opts: SyntheticOptions): Generator<SyntheticPerson> {
  checkOptions(opts);
  const nowMs = opts.today.getTime();
  const sources = buildSources();
  const ctx: Ctx = { nowMs, td: dayOf(nowMs), units: new Map(sources.map((s) => [s.key, s.department])) };
  const usedIds = new Set<number>();
  let block: (SyntheticRuleId | null)[] = [];
  for (let i = 0; i < opts.persons; i++) {
    if (i % PLANT_BLOCK === 0) block = opts.plant === false ? [] : plantBlock(opts.seed, i / PLANT_BLOCK);
    yield buildPerson(ctx, new Rng(opts.seed, i, 0x70657273), i, block[i % PLANT_BLOCK] ?? null, usedIds);
  }
}

function checkOptions(opts: SyntheticOptions): void {
  if (!Number.isInteger(opts.persons) || opts.persons < 0) throw new Error(`persons must be a whole number ≥ 0, got ${opts.persons}`);
  if (!Number.isFinite(opts.seed)) throw new Error(`seed must be a finite number, got ${opts.seed}`);
  if (!(opts.today instanceof Date) || Number.isNaN(opts.today.getTime())) throw new Error('today must be a valid Date');
  if (yearOf(dayOf(opts.today.getTime())) < 2000) throw new Error(`today must be in 2000 or later, got ${opts.today.toISOString()}`);
}

function plantBlock(seed: number, blockIndex: number): (SyntheticRuleId | null)[] {
  const slots: (SyntheticRuleId | null)[] = [];
  for (const rule of SYNTHETIC_RULE_IDS) for (let k = 0; k < PLANT_QUOTA[rule]; k++) slots.push(rule);
  while (slots.length < PLANT_BLOCK) slots.push(null);
  return new Rng(seed, blockIndex, 0x706c616e).shuffle(slots);
}

function buildPerson(ctx: Ctx, rng: Rng, index: number, planned: SyntheticRuleId | null, usedIds: Set<number>): SyntheticPerson {
  const gender = rng.chance(0.8) ? 'MALE' : 'FEMALE';
  const home = rng.pick(CURRENT_REGION_CODES);
  const p: PersonBase = { index, gender, residence: rng.chance(0.8) ? home : rng.pick(CURRENT_REGION_CODES) };
  let drafts: Draft[] | null = null;
  let planted: SyntheticRuleId | null = null;
  let late = -1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && !drafts; attempt++) {
    if (planned && planned !== 'DATA_LATE_ENTRY') {
      drafts = PLANTERS[planned](ctx, rng, p);
      if (drafts) planted = planned;
    } else {
      drafts = cleanPerson(ctx, rng, p);
      if (drafts && planned === 'DATA_LATE_ENTRY') {
        const eligible = drafts.map((d, k) => (dayOf(d.eventMs) <= ctx.td - LATE_MIN_DAYS - 5 ? k : -1)).filter((k) => k >= 0);
        if (eligible.length === 0) drafts = null;
        else {
          late = rng.pick(eligible);
          planted = planned;
        }
      }
    }
  }
  if (!drafts) {
    // Practically unreachable; keeps the person clean (and uncounted) rather than failing the stream.
    drafts = [];
    for (let attempt = 0; attempt < MAX_ATTEMPTS && drafts.length === 0; attempt++) drafts = cleanPerson(ctx, rng, p, 'E') ?? [];
  }

  // Identity: born 1950–2005, 18 or older at the first event; mostly the home district's current code.
  let first = Infinity;
  for (const d of drafts) first = Math.min(first, d.firstDay);
  const hi = Math.min(dayFromYmd(Math.min(2005, yearOf(ctx.td) - 18), 12, 31), first - 6576);
  const lo = Math.max(dayFromYmd(1950, 1, 1), first - 70 * 365);
  const ageDays = rng.weighted([
    [[6576, 30 * 365], 40],
    [[30 * 365, 50 * 365], 50],
    [[50 * 365, 68 * 365], 10],
  ] as const);
  const birthDay = Math.min(hi, Math.max(lo, first - rng.int(ageDays[0], ageDays[1])));
  const birth = isoDay(birthDay);
  let idCode = home;
  const olds = OLD_CODES_OF[home];
  if (olds && rng.chance(0.05 * (CURRENT_REGION_CODES.length / Object.keys(OLD_CODES_OF).length))) {
    const old = rng.pick(olds);
    if (!old.startsWith('51') || yearOf(birthDay) <= 1996) idCode = old;
  }
  let idNumber = '';
  for (;;) {
    const seq = p.gender === 'MALE' ? rng.int(0, 499) * 2 + 1 : rng.int(1, 499) * 2;
    const key = (ID_CODE_INDEX.get(idCode)! * 100_000 + (birthDay + 30_000)) * 1000 + seq;
    if (usedIds.has(key)) continue;
    usedIds.add(key);
    idNumber = makeIdNumber(idCode, birth, seq);
    break;
  }
  const name = personName(rng, p.gender);

  const items: AnySyntheticItem[] = drafts.map((d, k) => {
    let deliveredMs: number;
    if (k === late) {
      const maxLate = Math.min(90, ctx.td - dayOf(d.eventMs) - 2);
      deliveredMs = d.eventMs + rng.int(LATE_MIN_DAYS, maxLate) * DAY_MS + rng.int(0, 8 * 60) * 60_000;
    } else {
      deliveredMs = d.eventMs + rng.int(10, 5 * 24 * 60 - 10) * 60_000;
      if (deliveredMs > ctx.nowMs) deliveredMs = d.eventMs + Math.floor((ctx.nowMs - d.eventMs) * rng.next());
    }
    deliveredMs = Math.floor(deliveredMs / 1000) * 1000;
    const updatedMs = d.eventMs + Math.floor(((deliveredMs - d.eventMs) * rng.next()) / 2);
    const unit = d.fields[UNIT_FIELD[d.domain]] as { code: string };
    const { region, ...rest } = d.fields;
    const record = {
      externalId: `${unit.code}-${d.year}-${String(index).padStart(7, '0')}${k}`,
      idNumber,
      name,
      region,
      eventAt: isoInstant(d.eventMs),
      updatedAt: isoInstant(Math.max(d.eventMs, updatedMs)),
      ...rest,
    } as SyntheticRecordByDomain[Domain];
    return { sourceKey: d.sourceKey, domain: d.domain, record, deliveredAt: new Date(deliveredMs) } as AnySyntheticItem;
  });
  items.sort((a, b) => a.deliveredAt.getTime() - b.deliveredAt.getTime());
  return { index, idNumber, planted, items };
}

const UNIT_FIELD: Record<Domain, string> = {
  DETENTION: 'facility',
  PRISON: 'prison',
  COMMUNITY_CORRECTION: 'office',
  ENFORCEMENT_CASE: 'agency',
};
