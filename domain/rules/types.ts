/**
 * The rule engine's vocabulary: the records a rule sees, what it returns, and how a rule describes
 * itself. Pure: no I/O, no clock (today is passed in).
 */
import type { Domain, RecordInputByDomain } from '../records';
import { z } from 'zod';

export type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** A record as the rules see it: the canonical shape plus its stable key and when the hub received it. */
export type RuleRecord<D extends Domain = Domain> = RecordInputByDomain[D] & {
  /** stable identity across versions: `${sourceId}:${externalId}` */
  key: string;
  recordedAt: Date;
  /** when the hub first received the record, whatever version (absent on versions stored before it was kept) */
  firstSeenAt?: Date;
  /** read live from a department system: its entry time is the department's, not the hub's */
  live?: boolean;
};

/** Every record of one person, from every source, by domain. */
export type PersonRecords = { idNumber: string } & { [D in Domain]: RuleRecord<D>[] };

export interface FindingRecord {
  domain: Domain;
  key: string;
}

/** One irregularity: the same records and rule on a later run give the same `fingerprint`. */
export interface Finding {
  rule: string;
  severity: Severity;
  idNumber: string;
  /** the records involved; the first is the one the finding is about (its region is the lead's) */
  records: FindingRecord[];
  /** region code of the first record: whose jurisdiction the lead belongs to */
  region: string;
  /** the computed numbers behind the explanation (days, limits, amounts) */
  numbers: Record<string, number | string>;
  explanation: string;
  explanationEn: string;
  /** stable within the person: rule id + record keys (+ a variant where one record can fail twice) */
  fingerprint: string;
}

/** What a rule needs besides the records. */
export interface RuleContext {
  /** today's Beijing day (days since 1970-01-01) */
  today: number;
}

export interface RuleDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  title: string;
  titleEn: string;
  legalBasis: string;
  domains: Domain[];
  severity: Severity;
  /** what the rule checks, with its default numbers, in plain words (Chinese / English) */
  description: string;
  descriptionEn: string;
  defaults: P;
  /** validates a full parameter set (defaults merged with an administrator's change) */
  schema: z.ZodType<P>;
  evaluate(person: PersonRecords, params: P, ctx: RuleContext): Omit<Finding, 'rule' | 'idNumber'>[];
}

/** The parameter schema of a rule without parameters. */
export const NO_PARAMETERS: z.ZodType<Record<string, never>> = z.object({}).strict();
