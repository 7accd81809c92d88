/** Persons as the rules see them: every record of one ID number, by domain, from every source. */
import { byDomain } from '../../../domain/record-domains';
import { DOMAINS, fillDefaults, type Domain } from '../../../domain/records';
import type { PersonRecords, RuleRecord } from '../../../domain/rules';
import type { AnyRecordDoc } from '../../store/models';

/** A record as read from the store, the spill files or a live source. */
export type RawDoc = AnyRecordDoc & Record<string, unknown>;

/** The record as the rules see it; tolerant of fields a store document may lack. */
export function ruleRecord(domain: Domain, doc: RawDoc): RuleRecord {
  const r = doc as unknown as RuleRecord & Record<string, unknown>;
  r.key = `${doc.sourceId.toString()}:${doc.externalId}`;
  return fillDefaults(domain, r);
}

export function emptyPerson(idNumber: string): PersonRecords {
  return { idNumber, ...byDomain<Omit<PersonRecords, 'idNumber'>>(() => []) };
}

/** The person of this ID number in `persons`, added when not there yet. */
export function personOf(persons: Map<string, PersonRecords>, idNumber: string): PersonRecords {
  let p = persons.get(idNumber);
  if (!p) persons.set(idNumber, (p = emptyPerson(idNumber)));
  return p;
}

/** The name on the person's most recently updated record. */
export function newestName(p: PersonRecords): string {
  let best: RuleRecord | undefined;
  for (const d of DOMAINS) for (const r of p[d] as RuleRecord[]) if (!best || r.updatedAt > best.updatedAt) best = r;
  return best?.name ?? '';
}
