/**
 * The record shapes (one per domain, in record-domains/) and their validation.
 *
 * Every source, hosted or live, maps its records to these shapes; ingest, live connectors and the
 * synthetic data generator all pass records through `validateRecord`, so a record in the graph has
 * always been checked the same way. Pure: no I/O.
 */
import { ZodDefault, type z } from 'zod';
import { RECORD_DOMAINS, type Domain, type RecordInputByDomain } from './record-domains';
import { INVALID, recordFindings } from './quality';
import { echoPlain } from './text';

export { DOMAINS, RECORD_DOMAINS, type Domain, type RecordInputByDomain } from './record-domains';
export { CASE_FLAGS, DETENTION_STAGES, detentionRecordSchema } from './record-domains/detention';
export { PRISON_STATUSES, SENTENCE_KINDS, prisonRecordSchema } from './record-domains/prison';
export { CORRECTION_STATUSES, CORRECTION_TYPES, SUPERVISION_LEVELS, communityCorrectionSchema } from './record-domains/correction';
export { ENFORCEMENT_CATEGORIES, ENFORCEMENT_STATUSES, enforcementCaseSchema } from './record-domains/enforcement';

export type DetentionRecordInput = RecordInputByDomain['DETENTION'];
export type PrisonRecordInput = RecordInputByDomain['PRISON'];
export type CommunityCorrectionInput = RecordInputByDomain['COMMUNITY_CORRECTION'];
export type EnforcementCaseInput = RecordInputByDomain['ENFORCEMENT_CASE'];
export type AnyRecordInput = RecordInputByDomain[Domain];

export type ValidationResult<T> = { ok: true; record: T } | { ok: false; reasons: string[] };

/** How far ahead of the hub's clock a time may lie by default (a department's clock may run fast). */
export const DEFAULT_FUTURE_SKEW_MS = 86_400_000;

export interface ValidationOptions {
  /** the hub's clock (default: now) */
  now?: Date;
  /** how far ahead of `now` a time that records something done may lie (default 1 day) */
  futureSkewMs?: number;
}

/**
 * Checks one record against its domain's shape. Every problem is listed, each naming its field:
 * `idNumber: 500101199001011234: check character should be 5, got 4`. A record whose shape is
 * right must also be possible: its dates in the orders of ORDER_RULES (domain/quality.ts, listed in
 * docs/records.md), and nothing that records a past act (PAST_FIELDS, and `updatedAt`) more than
 * the skew ahead of the hub's clock.
 */
export function validateRecord<D extends Domain>(
  domain: D,
  input: unknown,
  options: ValidationOptions = {},
): ValidationResult<RecordInputByDomain[D]> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, reasons: ['record: must be a JSON object'] };
  }
  const parsed = (RECORD_DOMAINS[domain].shape as z.ZodType).safeParse(input) as z.ZodSafeParseResult<RecordInputByDomain[D]>;
  if (!parsed.success) return { ok: false, reasons: parsed.error.issues.map(describeIssue) };
  const record = parsed.data as RecordInputByDomain[D];
  const reasons = impossibleDates(domain, record, options);
  return reasons.length === 0 ? { ok: true, record } : { ok: false, reasons };
}

/**
 * The dates of a well-formed record that cannot be true. The same findings as the data-quality
 * accuracy check of stored records (domain/quality.ts), with the hub's clock plus the skew standing
 * in for the receipt time: what ingest refuses, the figures of older stored records count.
 */
function impossibleDates(domain: Domain, record: AnyRecordInput, options: ValidationOptions): string[] {
  const skew = options.futureSkewMs ?? DEFAULT_FUTURE_SKEW_MS;
  const latest = new Date((options.now ?? new Date()).getTime() + skew);
  const future = `is in the future: more than ${duration(skew)} ahead of the hub's clock`;
  const reasons: string[] = [];
  for (const f of recordFindings(domain, { ...record, recordedAt: latest })) {
    if (f.reason === INVALID.FUTURE) reasons.push(`${f.field}: ${future}`);
    else if (f.reason.startsWith('before ')) reasons.push(`${f.field}: must not be ${f.reason}`);
  }
  if (record.updatedAt > latest) reasons.push(`updatedAt: ${future}`);
  return reasons;
}

/** `86400000` → `1 day`, `3600000` → `1 h`, `60000` → `60 s`. */
function duration(ms: number): string {
  if (ms >= 86_400_000 && ms % 86_400_000 === 0) return ms === 86_400_000 ? '1 day' : `${ms / 86_400_000} days`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${Math.round(ms / 1000)} s`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.') || 'record';
  if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.map(echoPlain).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${path}: is required`;
  return `${path}: ${issue.message}`;
}

/** Each domain's fields that its shape gives a default (`caseFlags: []` …), with that default. */
const DEFAULTS = Object.fromEntries(
  Object.entries(RECORD_DOMAINS).map(([d, r]) => [
    d,
    Object.entries((r.shape as z.ZodObject).shape).flatMap(([k, f]) =>
      f instanceof ZodDefault ? [[k, (f.def as { defaultValue: unknown }).defaultValue] as const] : [],
    ),
  ]),
) as unknown as Record<Domain, readonly (readonly [string, unknown])[]>;

/** Fills, in place, the fields a stored record lacks that its shape would have given a default (records stored before a field existed). */
export function fillDefaults<T extends object>(domain: Domain, record: T): T {
  const r = record as Record<string, unknown>;
  for (const [k, v] of DEFAULTS[domain]) r[k] ??= structuredClone(v);
  return record;
}

/** The top-level field names of a domain's record shape (for registration mappings). */
export function recordFieldNames(domain: Domain): string[] {
  return Object.keys((RECORD_DOMAINS[domain].shape as z.ZodObject).shape);
}
