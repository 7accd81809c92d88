/**
 * The rule engine against the synthetic data set, without the store: every planted irregularity is
 * found exactly once, by its rule, and nothing else is found — on clean persons or on the planted
 * persons' other records. The generator and the rules were written apart, so agreement is evidence.
 */
import { beijingDay } from '../domain/calendar';
import { DOMAINS, validateRecord } from '../domain/records';
import { evaluatePerson, type PersonRecords, RULE_IDS } from '../domain/rules';
import { generatePersons, plantedItem, type SyntheticOptions } from '../domain/synthetic';
import type { SyntheticPerson } from '../domain/synthetic/generate';

function personRecords(idNumber: string, items: SyntheticPerson['items']): PersonRecords {
  const person = { idNumber, DETENTION: [], PRISON: [], COMMUNITY_CORRECTION: [], ENFORCEMENT_CASE: [] } as unknown as PersonRecords;
  for (const item of items) {
    const v = validateRecord(item.domain, item.record);
    if (!v.ok) throw new Error(`generated record invalid: ${v.reasons.join('; ')}`);
    (person[item.domain] as unknown[]).push({ ...v.record, key: `${item.sourceKey}:${v.record.externalId}`, recordedAt: item.deliveredAt });
  }
  return person;
}

function run(opts: SyntheticOptions) {
  const today = beijingDay(opts.today);
  const found: Record<string, number> = Object.fromEntries(RULE_IDS.map((r) => [r, 0]));
  const planted: Record<string, number> = Object.fromEntries(RULE_IDS.map((r) => [r, 0]));
  const wrong: string[] = [];
  for (const p of generatePersons(opts)) {
    const { findings } = evaluatePerson(personRecords(p.idNumber, p.items), { today });
    for (const f of findings) found[f.rule]++;
    if (p.planted) planted[p.planted]++;
    const expected = p.planted ? [p.planted] : [];
    const got = findings.map((f) => f.rule);
    if (got.join() !== expected.join() && wrong.length < 10) {
      wrong.push(
        `person ${p.index} planted ${p.planted ?? 'nothing'}, found [${got.join(', ')}]: ${findings.map((f) => f.explanationEn).join(' | ')}`,
      );
    }
  }
  return { found, planted, wrong };
}

const today = new Date('2026-11-25T10:00:00+08:00');

describe('rules over the synthetic data set', () => {
  it('finds exactly the planted irregularities of 4,000 persons, one per planted person, for every rule', () => {
    const { found, planted, wrong } = run({ persons: 4000, seed: 11, today });
    expect(wrong).toEqual([]);
    expect(found).toEqual(planted);
    for (const id of RULE_IDS) expect(planted[id]).toBeGreaterThan(0);
  });

  it('finds the same on another seed and another day', () => {
    const { found, planted, wrong } = run({ persons: 2000, seed: 4242, today: new Date('2025-03-01T09:00:00+08:00') });
    expect(wrong).toEqual([]);
    expect(found).toEqual(planted);
  });

  it('finds nothing on a clean data set of 4,000 persons', () => {
    const { found, wrong } = run({ persons: 4000, seed: 11, today, plant: false });
    expect(wrong).toEqual([]);
    expect(Object.values(found).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("names, for every planted person, the record its rule's finding is about (the demo documents rest on it)", () => {
    const opts = { persons: 2000, seed: 11, today };
    const missed: string[] = [];
    let checked = 0;
    for (const p of generatePersons(opts)) {
      const item = plantedItem(p);
      if (!p.planted) {
        expect(item).toBeNull();
        continue;
      }
      const key = item && `${item.sourceKey}:${item.record.externalId}`;
      const { findings } = evaluatePerson(personRecords(p.idNumber, p.items), { today: beijingDay(today) });
      checked++;
      if (!findings.some((f) => f.records.some((r) => r.key === key))) missed.push(`person ${p.index} ${p.planted}: ${key}`);
    }
    expect(missed).toEqual([]);
    expect(checked).toBe(390);
  });

  it("names each person's next change exactly: the stored findings stay until that day and change on it", () => {
    const day = beijingDay(today);
    const stored = (p: PersonRecords, d: number) => {
      const e = evaluatePerson(p, { today: d });
      return {
        next: e.nextChange,
        kept: JSON.stringify(e.findings.map((f) => [f.fingerprint, f.severity, f.explanation, f.explanationEn, f.numbers])),
      };
    };
    let waking = 0;
    const wrong: string[] = [];
    for (const sp of generatePersons({ persons: 1500, seed: 7, today })) {
      const p = personRecords(sp.idNumber, sp.items);
      const first = stored(p, day);
      const horizon = Math.min(first.next ?? day + 120, day + 120);
      for (let d = day + 1; d < horizon; d++)
        if (stored(p, d).kept !== first.kept) {
          wrong.push(`person ${sp.index}: changed on day ${d}, next change named ${first.next}`);
          break;
        }
      if (first.next !== null && first.next < day + 120) {
        waking++;
        if (stored(p, first.next).kept === first.kept) wrong.push(`person ${sp.index}: nothing changed on its next change ${first.next}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(waking).toBeGreaterThan(10);
  });

  it('covers every record shape the generator makes', () => {
    const domains = new Set<string>();
    for (const p of generatePersons({ persons: 300, seed: 1, today })) for (const i of p.items) domains.add(i.domain);
    expect([...domains].sort()).toEqual([...DOMAINS].sort());
  });
});
