import { createHash } from 'node:crypto';
import { parseIdNumber } from '../domain/id-number';
import { DOMAINS, validateRecord } from '../domain/records';
import { CURRENT_REGIONS } from '../domain/regions';
import {
  generatePersons,
  generateSynthetic,
  SYNTHETIC_RULE_IDS,
  syntheticReport,
  syntheticSources,
  type SyntheticItem,
  type SyntheticOptions,
} from '../domain/synthetic';

const TODAY = new Date('2025-06-30T12:00:00+08:00');
const opts = (persons: number, seed = 42, today = TODAY): SyntheticOptions => ({ persons, seed, today });

function take<T>(it: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  for (const x of it) {
    if (out.length >= n) break;
    out.push(x);
  }
  return out;
}

function hashOf(items: SyntheticItem[]): string {
  return createHash('sha256').update(JSON.stringify(items)).digest('hex');
}

const UNIT_FIELD = { DETENTION: 'facility', PRISON: 'prison', COMMUNITY_CORRECTION: 'office', ENFORCEMENT_CASE: 'agency' } as const;

describe('synthetic data generator', () => {
  it('gives identical output for the same seed and different output for another seed', () => {
    const a = hashOf(take(generateSynthetic(opts(3000, 7)), 2000));
    const b = hashOf(take(generateSynthetic(opts(3000, 7)), 2000));
    const c = hashOf(take(generateSynthetic(opts(3000, 8)), 2000));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('produces only records that pass validateRecord, with valid and unique ID numbers', () => {
    const ids = new Set<string>();
    let count = 0;
    const problems: string[] = [];
    for (const person of generatePersons(opts(1000))) {
      expect(ids.has(person.idNumber)).toBe(false);
      ids.add(person.idNumber);
      for (const item of person.items) {
        count++;
        const r = validateRecord(item.domain, item.record);
        if (!r.ok) problems.push(`${item.domain} ${item.record.externalId}: ${r.reasons.join('; ')}`);
        const id = parseIdNumber(item.record.idNumber, TODAY);
        if (!id.ok) problems.push(`${item.record.idNumber}: ${id.reason}`);
        else {
          const year = Number(id.value.birthDate.slice(0, 4));
          if (year < 1950 || year > 2005) problems.push(`${item.record.idNumber}: born ${year}`);
        }
        expect(item.record.idNumber).toBe(person.idNumber);
      }
    }
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(1000);
  });

  it('keeps updatedAt between eventAt and deliveredAt, delivers within 5 days unless late entry is planted, and never after today', () => {
    for (const person of generatePersons(opts(1000, 3))) {
      let late = 0;
      for (const item of person.items) {
        const event = Date.parse(item.record.eventAt as string);
        const updated = Date.parse(item.record.updatedAt as string);
        const delivered = item.deliveredAt.getTime();
        expect(updated).toBeGreaterThanOrEqual(event);
        expect(updated).toBeLessThanOrEqual(delivered);
        expect(delivered).toBeLessThanOrEqual(TODAY.getTime());
        if (delivered - event > 5 * 86_400_000) {
          late++;
          expect(delivered - event).toBeGreaterThan(20 * 86_400_000);
        }
      }
      expect(late).toBe(person.planted === 'DATA_LATE_ENTRY' ? 1 : 0);
    }
  });

  it('reports the counts that the stream produces, and plants every rule at 2,000 persons', () => {
    const o = opts(2000, 11);
    const report = syntheticReport(o);
    const records = Object.fromEntries(DOMAINS.map((d) => [d, 0]));
    const persons = new Set<string>();
    for (const item of generateSynthetic(o)) {
      records[item.domain]++;
      persons.add(item.record.idNumber);
    }
    expect(report.records).toEqual(records);
    expect(report.persons).toBe(2000);
    expect(persons.size).toBe(2000);
    expect(Object.keys(report.planted).sort()).toEqual([...SYNTHETIC_RULE_IDS].sort());
    for (const rule of SYNTHETIC_RULE_IDS) expect(report.planted[rule]).toBeGreaterThan(0);
  });

  it('has persons in all four domains, and counts them in the report', () => {
    const o = opts(2000, 5);
    let all = 0;
    let several = 0;
    for (const person of generatePersons(o)) {
      const domains = new Set(person.items.map((i) => i.domain));
      if (domains.size === 4) all++;
      if (domains.size >= 2) several++;
    }
    expect(all).toBeGreaterThan(10);
    expect(several).toBeGreaterThan(400);
    expect(syntheticReport(o).crossDomainPersons).toBe(all);
  });

  it('puts each record in a region of its source, with the source department as its unit', () => {
    const sources = new Map(syntheticSources(opts(0)).map((s) => [s.key, s]));
    for (const item of generateSynthetic(opts(1000, 9))) {
      const source = sources.get(item.sourceKey);
      expect(source).toBeDefined();
      expect(source!.domain).toBe(item.domain);
      expect(CURRENT_REGIONS[item.record.region]).toBeDefined();
      expect(source!.regions).toContain(item.record.region);
      expect((item.record as Record<string, unknown>)[UNIT_FIELD[item.domain]]).toEqual(source!.department);
    }
  });

  it('lists hosted sources for every district, 15 prisons and the functional zones, with unique keys', () => {
    const sources = syntheticSources(opts(0));
    const by = (d: string) => sources.filter((s) => s.domain === d);
    expect(by('DETENTION')).toHaveLength(38);
    expect(by('PRISON')).toHaveLength(15);
    expect(by('COMMUNITY_CORRECTION')).toHaveLength(40);
    expect(by('ENFORCEMENT_CASE').length).toBeGreaterThanOrEqual(38 * 3);
    expect(new Set(sources.map((s) => s.key)).size).toBe(sources.length);
    expect(sources.find((s) => s.key === 'corr-LIANGJIANG')?.regions).toEqual(['500112', '500105']);
  });

  it('plants exactly the counted irregularities under both a strict and a lenient reading of the rule table', () => {
    for (const today of [TODAY, new Date('2024-02-29T23:30:00+08:00'), new Date('2023-01-01T00:10:00+08:00')]) {
      const persons = [...generatePersons(opts(2000, 17, today))];
      const planted: Record<string, number[]> = {};
      for (const p of persons) if (p.planted) (planted[p.planted] ??= []).push(p.index);
      for (const strict of [true, false]) {
        const found = findings(persons, today, strict);
        for (const rule of SYNTHETIC_RULE_IDS) {
          expect({ rule, strict, persons: found[rule] ?? [] }).toEqual({ rule, strict, persons: planted[rule] ?? [] });
        }
      }
    }
  });

  it('generates 10,000 persons in well under 5 seconds', () => {
    const started = process.hrtime.bigint();
    let n = 0;
    for (const item of generateSynthetic(opts(10_000, 1))) if (item) n++;
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(n).toBeGreaterThan(10_000);
    expect(elapsedMs).toBeLessThan(5000);
  });
});

// ---------------------------------------------------------------------------------------------------
// A reference reading of docs/domain.md's rule table with its default parameters, in two variants: STRICT
// (the most sensitive plausible reading: first day counted, periods widened, thresholds 20 % lower,
// served time counted from admission) and LENIENT (the least sensitive one). Both must find exactly the
// planted persons: planted cases are clearly over, clean ones clearly under, whatever the reading.
// It returns, per rule, the index of the person of every finding.
const DAY = 86_400_000;
const TZ = 8 * 3_600_000;
type Rec = Record<string, any>;
interface PersonRecords {
  index: number;
  items: { domain: string; record: Rec; deliveredAt: Date }[];
}
const ms = (s: string | null | undefined) => (s == null ? null : Date.parse(s));
const dayOfStr = (s: string) => Math.floor(Date.parse(`${s}T00:00:00Z`) / DAY);
const dayOfMs = (m: number) => Math.floor((m + TZ) / DAY);
function addMonthsDay(day: number, months: number): number {
  const d = new Date(day * DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Math.floor(Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / DAY);
}
const addMonthsMs = (t: number, months: number) => {
  const day = dayOfMs(t);
  return (addMonthsDay(day, months) - day) * DAY + t;
};
const PRE = ['CRIMINAL_DETENTION', 'ARREST_REVIEW', 'INVESTIGATION', 'PROSECUTION_REVIEW', 'FIRST_INSTANCE', 'SECOND_INSTANCE'];

function findings(persons: PersonRecords[], today: Date, strict: boolean): Record<string, number[]> {
  const T = today.getTime();
  const td = dayOfMs(T);
  const out: Record<string, number[]> = {};
  const hit = (rule: string, person: number) => {
    (out[rule] ??= []).push(person);
  };
  const m = strict ? 1 : -1; // widen (strict) or narrow (lenient) thresholds by a margin
  for (const p of persons) {
    const det = p.items.filter((i) => i.domain === 'DETENTION').map((i) => i.record);
    const pri = p.items.filter((i) => i.domain === 'PRISON').map((i) => i.record);
    const cor = p.items.filter((i) => i.domain === 'COMMUNITY_CORRECTION').map((i) => i.record);
    const enf = p.items.filter((i) => i.domain === 'ENFORCEMENT_CASE').map((i) => i.record);
    for (const r of det) {
      const inCustody = r.releasedAt == null;
      const start = ms(r.stageStartedAt)!;
      const extM = (r.extensions as Rec[]).reduce((a, e) => a + e.months, 0);
      const flagged = (r.caseFlags as string[]).length > 0;
      const age = (T - start) / DAY + m; // strict counts the first day
      if (inCustody && PRE.includes(r.stage)) {
        let limitEnd: number;
        switch (r.stage) {
          case 'CRIMINAL_DETENTION':
            limitEnd = start + (flagged ? (strict ? 30 : 37) : strict ? 3 : 7) * DAY;
            break;
          case 'ARREST_REVIEW':
            limitEnd = strict ? start + 7 * DAY : ms(r.admittedAt)! + 14 * DAY;
            break;
          case 'INVESTIGATION':
            limitEnd = addMonthsMs(start, strict ? 2 + extM : 7);
            break;
          case 'PROSECUTION_REVIEW':
            limitEnd = strict ? addMonthsMs(start, 1) : addMonthsMs(start, 1) + 15 * DAY;
            break;
          case 'FIRST_INSTANCE':
            limitEnd = addMonthsMs(start, strict ? 3 : 6);
            break;
          default:
            limitEnd = addMonthsMs(start, strict ? 2 : 4);
        }
        if (start + age * DAY > limitEnd) hit('DET_OVERDUE_STAGE', p.index);
        // warning
        let deadline: number | null = null;
        let window = 0;
        if (r.stage === 'INVESTIGATION') {
          deadline = addMonthsMs(start, 2 + extM);
          window = 7;
        }
        if (r.stage === 'CRIMINAL_DETENTION') {
          if (flagged) {
            deadline = start + 30 * DAY;
            window = 3;
          } else if (strict) {
            deadline = start + 3 * DAY;
            window = 3;
          }
        }
        if (deadline != null) {
          const rem = (deadline - T) / DAY;
          if (strict ? rem > -1 && rem <= window + 1 : rem > 0 && rem <= window) hit('DET_EXPIRY_WARNING', p.index);
        }
        const years = (T - ms(r.admittedAt)!) / DAY / 365.25;
        if (years > (strict ? 4.9 : 5.1)) hit('DET_LONG_NO_VERDICT', p.index);
      }
      if (inCustody && r.stage === 'AWAITING_TRANSFER' && (T - start) / DAY > (strict ? 25 : 35)) hit('DET_NOT_DELIVERED', p.index);
      if (r.stageDeadline && (strict || extM === 0)) {
        const dl = ms(r.stageDeadline)!;
        if ((r.extractions as Rec[]).some((e) => ms(e.at)! > dl - m * DAY)) hit('DET_EXTRACTION_AFTER_EXPIRY', p.index);
      }
    }
    for (const r of pri) {
      const start = dayOfStr(r.sentence.startDate);
      const term = r.sentence.termMonths as number | null;
      const comms = (r.commutations as Rec[])
        .map((c) => ({ day: dayOfStr(c.decidedAt), months: c.months as number }))
        .sort((a, b) => a.day - b.day);
      const total = comms.reduce((a, c) => a + c.months, 0);
      const admitDay = dayOfMs(ms(r.admittedAt)!);
      const pre = r.pretrialCustodyDays as number;
      if (term != null && r.status === 'SERVING') {
        const end = addMonthsDay(start, term - total) - pre;
        if (end < td + (strict ? 30 : -10)) hit('PRISON_NOT_RELEASED', p.index);
      }
      if (term != null && comms.length > 0) {
        const served = (day: number) => (strict ? day - Math.max(start, admitDay) : day - start + pre); // days
        const t1 = term < 60 ? 12 : term < 120 ? 18 : 24;
        const gapMin = term < 120 ? 12 : 18;
        let bad = served(comms[0].day) < addMonthsDay(start, t1 + m) - start;
        for (let k = 1; k < comms.length; k++)
          if (comms[k].day - comms[k - 1].day < addMonthsDay(comms[k - 1].day, gapMin + m) - comms[k - 1].day) bad = true;
        if (term - total < term / 2 + 2 * m) bad = true;
        if (bad) hit('PRISON_COMMUTATION_IRREGULAR', p.index);
      }
      if (r.parole) {
        const d = dayOfStr(r.parole.decidedAt);
        const served = strict ? d - Math.max(start, admitDay) : d - start + pre;
        const need = term != null ? addMonthsDay(start, term / 2 + m) - start : 13 * 365;
        if (served < need) hit('PRISON_PAROLE_IRREGULAR', p.index);
      }
    }
    const exits = pri.filter((r) => (strict ? r.parole || r.outsideExecution : r.status === 'PAROLED' || r.status === 'OUTSIDE_EXECUTION'));
    for (const r of cor) {
      const j = dayOfStr(r.judgmentEffectiveAt);
      let due = j + 10;
      if (r.correctionType === 'PAROLE' || r.correctionType === 'OUTSIDE_EXECUTION') {
        for (const x of pri) {
          const ex = x.parole ?? x.outsideExecution;
          if (!ex) continue;
          const cands = [dayOfStr(ex.decidedAt), ...(x.releasedAt ? [dayOfMs(ms(x.releasedAt)!)] : [])].map((d) => d + 10);
          due = strict ? Math.min(due, ...cands) : Math.max(due, ...cands);
        }
      }
      const rep = r.reportedAt ? dayOfMs(ms(r.reportedAt)!) : null;
      if (rep == null ? td > due - m : rep > due - m) hit('CORR_NOT_REPORTED', p.index);
      const last = ms(r.lastCheckInAt) ?? ms(r.reportedAt) ?? Date.parse(`${r.startDate}T00:00:00+08:00`);
      if (r.status === 'ABSCONDED' || (r.status === 'ACTIVE' && (T - last) / DAY > (strict ? 7 : 31))) hit('CORR_ABSCONDED', p.index);
      if (r.status === 'ACTIVE' && dayOfStr(r.endDate) < td + 5 * m) hit('CORR_NOT_TERMINATED', p.index);
    }
    for (const x of exits) {
      const ex = x.parole ?? x.outsideExecution;
      const d = dayOfStr(ex.decidedAt);
      const ok = cor.some(
        (c) =>
          !strict ||
          (['PAROLE', 'OUTSIDE_EXECUTION'].includes(c.correctionType) && dayOfStr(c.startDate) <= d + 10 && dayOfStr(c.startDate) >= d - 1),
      );
      if (!ok) hit('CORR_MISSING_AFTER_PAROLE', p.index);
    }
    // cross-domain, one finding per person
    const periods = cor
      .filter((c) => strict || c.status === 'ACTIVE')
      .map((c) => [
        dayOfStr(c.startDate) - (strict ? 1 : 0),
        Math.max(dayOfStr(c.endDate), c.terminatedAt ? dayOfMs(ms(c.terminatedAt)!) : -Infinity) + (strict ? 1 : 0),
      ]);
    const eventDays = [...enf, ...det].flatMap((r) =>
      strict
        ? [r.eventAt, r.filedAt, r.admittedAt, r.closedAt, r.releasedAt].filter(Boolean).map((s: string) => dayOfMs(ms(s)!))
        : [dayOfMs(ms(r.eventAt)!)],
    );
    if (eventDays.some((d) => periods.some(([a, b]) => d >= a && d <= b))) hit('CROSS_REOFFENDING', p.index);
    let conflict = false;
    for (const x of pri) {
      if (!strict && x.status !== 'SERVING') continue;
      const a = dayOfMs(ms(x.admittedAt)!);
      const b = x.releasedAt ? dayOfMs(ms(x.releasedAt)!) : td;
      for (const c of cor) {
        if (!strict && c.status !== 'ACTIVE') continue;
        const s = dayOfStr(c.startDate);
        const e = c.terminatedAt ? dayOfMs(ms(c.terminatedAt)!) : dayOfStr(c.endDate);
        if (s <= b && e >= a) conflict = true;
      }
    }
    if (conflict) hit('CROSS_CONFLICT', p.index);
    for (const r of enf) {
      const k = strict ? 0.8 : 1;
      const amt = r.amountInvolved as number;
      const gain = (r.illegalGain ?? 0) as number;
      const over =
        r.category === 'FOOD_DRUG' ||
        (r.category === 'COUNTERFEIT' && amt >= 50_000 * k) ||
        (r.category === 'TRADEMARK' && (amt >= 50_000 * k || gain >= 30_000 * k)) ||
        (r.category === 'ENVIRONMENT' && (gain >= 300_000 * k || (strict && amt >= 300_000 * k))) ||
        (strict && ['TAX', 'LABOUR', 'SAFETY', 'OTHER'].includes(r.category) && amt >= 10_000);
      if (r.penalty && !r.transfer?.transferredAt && over) hit('ENF_NOT_TRANSFERRED', p.index);
      const t = r.transfer;
      if (t) {
        const late = (a: string | null, b: string | null, limitH: number) => a && b && (ms(b)! - ms(a)!) / 3_600_000 > limitH;
        if (
          late(t.reportedAt, t.decidedAt, strict ? 60 : 96) ||
          late(t.decidedAt, t.transferredAt, strict ? 20 : 36) ||
          late(t.transferredAt, t.policeDecidedAt, strict ? 60 : 96)
        )
          hit('ENF_TRANSFER_LATE', p.index);
      }
    }
    for (const it of p.items) {
      const lag = (it.deliveredAt.getTime() - ms(it.record.eventAt)!) / DAY;
      if (lag > (strict ? 7 : 25)) hit('DATA_LATE_ENTRY', p.index);
    }
  }
  return out;
}
