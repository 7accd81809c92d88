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
  /**
   * the figures behind the explanation: dates, limits, amounts — never a count of days up to today,
   * so that a finding's stored figures and explanation stay the same from one day to the next (the
   * rule's `render` adds the counts for the day they are read)
   */
  numbers: Numbers;
  /** the finding in Chinese, dated (`…期限 3 日（至 2026-03-04），期满后仍在押`) */
  explanation: string;
  explanationEn: string;
  /** stable within the person: rule id + record keys (+ a variant where one record can fail twice) */
  fingerprint: string;
}

/** A finding's figures: dates, limits, amounts (stored), and the day counts a reading day adds (rendered). */
export type Numbers = Record<string, number | string>;

/** What a rule needs besides the records. */
export interface RuleContext {
  /** today's Beijing day (days since 1970-01-01) */
  today: number;
  /**
   * Called with each later day on which the rule's result for this person changes: a finding appears
   * or disappears, or its severity or stored explanation changes (the engine keeps the earliest).
   * Exact: on the day before, the result is still today's.
   */
  wake(day: number): void;
}

/** A finding's wording for a reading day: the stored figures with the day counts of that day. */
export interface Rendered {
  numbers: Numbers;
  explanation: string;
  explanationEn: string;
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
  /**
   * The finding as read on `today`: the stored figures with the day counts that age (days over the
   * limit, days left, days since…) and the explanation with them. Pure. Absent where nothing ages:
   * the stored explanation is read as it is. Null likewise for a finding of this rule whose figures do
   * not age, or whose figures were stored before they were dated.
   */
  render?(numbers: Numbers, today: number, severity: Severity): Rendered | null;
}

/** The parameter schema of a rule without parameters. */
export const NO_PARAMETERS: z.ZodType<Record<string, never>> = z.object({}).strict();
