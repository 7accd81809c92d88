/**
 * The canonical shapes of the four record types (DOMAIN.md) and their validation.
 *
 * Every source, hosted or live, maps its records to these shapes; ingest, live connectors and the
 * synthetic data generator all pass records through `validateRecord`, so a record in the graph has
 * always been checked the same way. Pure: no I/O.
 */
import { z } from 'zod';
import { parseIdNumber } from './id-number';
import { INVALID, recordFindings } from './quality';
import { isRegionCode } from './regions';
import { controlCharacterProblem, echoPlain } from './text';

export const DOMAINS = ['DETENTION', 'PRISON', 'COMMUNITY_CORRECTION', 'ENFORCEMENT_CASE'] as const;
export type Domain = (typeof DOMAINS)[number];

export const DETENTION_STAGES = [
  'CRIMINAL_DETENTION', 'ARREST_REVIEW', 'INVESTIGATION', 'PROSECUTION_REVIEW', 'FIRST_INSTANCE',
  'SECOND_INSTANCE', 'AWAITING_TRANSFER', 'SERVING_IN_CENTRE',
] as const;
export const CASE_FLAGS = ['ROVING', 'SERIAL', 'GANG'] as const;
export const PRISON_STATUSES = ['SERVING', 'PAROLED', 'OUTSIDE_EXECUTION', 'RELEASED', 'TRANSFERRED', 'DECEASED'] as const;
export const SENTENCE_KINDS = ['FIXED_TERM', 'LIFE', 'DEATH_REPRIEVE'] as const;
export const CORRECTION_TYPES = ['PROBATION', 'PAROLE', 'CONTROL', 'OUTSIDE_EXECUTION'] as const;
export const SUPERVISION_LEVELS = ['STRICT', 'NORMAL', 'LENIENT'] as const;
export const CORRECTION_STATUSES = ['ACTIVE', 'TERMINATED', 'REVOKED', 'ABSCONDED'] as const;
export const ENFORCEMENT_CATEGORIES = ['FOOD_DRUG', 'COUNTERFEIT', 'TRADEMARK', 'ENVIRONMENT', 'TAX', 'LABOUR', 'SAFETY', 'OTHER'] as const;
export const ENFORCEMENT_STATUSES = ['FILED', 'PENALIZED', 'TRANSFERRED', 'CLOSED'] as const;

const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset, e.g. 2024-03-01T08:00:00+08:00' });
const dateTime = z.union([z.date(), isoDateTime]).transform((v) => (v instanceof Date ? v : new Date(v)))
  .refine((d) => !Number.isNaN(d.getTime()), 'is not a valid date-time');
const isoDate = z.union([z.date().transform((d) => d.toISOString().slice(0, 10)), z.iso.date({ message: 'must be a date YYYY-MM-DD' })]);
/**
 * A string field: trimmed, not empty, bounded, and without control characters; `multiline` free
 * text (a reason, a description) may hold tab and line breaks.
 */
const text = (max = 200, multiline = false) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
  .superRefine((v, ctx) => {
    const problem = controlCharacterProblem(v, multiline);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const unit = z.object({ code: text(32), name: text(100) }).strict();
const months = z.number().int('must be a whole number').min(0).max(1200);

const idNumber = z.string().transform((v, ctx) => {
  const r = parseIdNumber(v);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: `${echoPlain(v)}: ${r.reason}` });
    return z.NEVER;
  }
  return r.value.idNumber;
});

const common = {
  externalId: text(128),
  idNumber,
  name: text(64),
  region: z.string().refine(isRegionCode, 'must be a 6-digit region code (GB/T 2260)'),
  eventAt: dateTime,
  updatedAt: dateTime,
};

export const detentionRecordSchema = z.object({
  ...common,
  facility: unit,
  caseNumber: text(64),
  handlingAuthority: text(100),
  stage: z.enum(DETENTION_STAGES),
  caseFlags: z.array(z.enum(CASE_FLAGS)).default([]),
  admittedAt: dateTime,
  stageStartedAt: dateTime,
  stageDeadline: dateTime.nullish(),
  extensions: z.array(z.object({ grantedAt: dateTime, months: months.min(1), approvedBy: text(100) }).strict()).default([]),
  releasedAt: dateTime.nullish(),
  releaseReason: text(200, true).nullish(),
  extractions: z.array(z.object({
    at: dateTime, returnedAt: dateTime.nullish(), purpose: text(200, true), warrantNumber: text(64).nullish(), by: text(100),
  }).strict()).default([]),
}).strict();

export const prisonRecordSchema = z.object({
  ...common,
  prison: unit,
  crime: text(200),
  sentence: z.object({ startDate: isoDate, kind: z.enum(SENTENCE_KINDS), termMonths: months.min(1).nullish() }).strict()
    .refine((s) => s.kind !== 'FIXED_TERM' || s.termMonths != null, { path: ['termMonths'], message: 'is required for a FIXED_TERM sentence' }),
  pretrialCustodyDays: z.number().int().min(0).max(36500).default(0),
  commutations: z.array(z.object({ decidedAt: isoDate, months: months.min(1) }).strict()).default([]),
  parole: z.object({ decidedAt: isoDate, probationEnd: isoDate }).strict().nullish(),
  outsideExecution: z.object({ decidedAt: isoDate, kind: text(64), reviewDueAt: isoDate.nullish() }).strict().nullish(),
  admittedAt: dateTime,
  expectedReleaseDate: isoDate.nullish(),
  releasedAt: dateTime.nullish(),
  status: z.enum(PRISON_STATUSES),
}).strict();

export const communityCorrectionSchema = z.object({
  ...common,
  office: unit,
  correctionType: z.enum(CORRECTION_TYPES),
  judgmentEffectiveAt: isoDate,
  reportedAt: dateTime.nullish(),
  startDate: isoDate,
  endDate: isoDate,
  lastCheckInAt: dateTime.nullish(),
  supervisionLevel: z.enum(SUPERVISION_LEVELS),
  violations: z.array(z.object({ at: dateTime, kind: text(100), sanction: text(100).nullish() }).strict()).default([]),
  terminatedAt: dateTime.nullish(),
  status: z.enum(CORRECTION_STATUSES),
}).strict();

export const enforcementCaseSchema = z.object({
  ...common,
  agency: unit,
  caseNumber: text(64),
  category: z.enum(ENFORCEMENT_CATEGORIES),
  violation: text(500, true),
  company: z.object({ name: text(200), creditCode: text(18).nullish() }).strict().nullish(),
  amountInvolved: z.number().min(0).max(1e13),
  illegalGain: z.number().min(0).max(1e13).nullish(),
  filedAt: dateTime,
  penalty: z.object({ kind: text(64), amount: z.number().min(0).max(1e13), decidedAt: dateTime }).strict().nullish(),
  suspectedCrime: z.boolean().default(false),
  transfer: z.object({
    reportedAt: dateTime.nullish(), decidedAt: dateTime.nullish(), transferredAt: dateTime.nullish(),
    receivingAuthority: text(100).nullish(), policeDecision: z.enum(['FILED', 'NOT_FILED', 'PENDING']).nullish(),
    policeDecidedAt: dateTime.nullish(),
  }).strict().nullish(),
  closedAt: dateTime.nullish(),
  status: z.enum(ENFORCEMENT_STATUSES),
}).strict();

export type DetentionRecordInput = z.output<typeof detentionRecordSchema>;
export type PrisonRecordInput = z.output<typeof prisonRecordSchema>;
export type CommunityCorrectionInput = z.output<typeof communityCorrectionSchema>;
export type EnforcementCaseInput = z.output<typeof enforcementCaseSchema>;

export interface RecordInputByDomain {
  DETENTION: DetentionRecordInput;
  PRISON: PrisonRecordInput;
  COMMUNITY_CORRECTION: CommunityCorrectionInput;
  ENFORCEMENT_CASE: EnforcementCaseInput;
}
export type AnyRecordInput = RecordInputByDomain[Domain];

const SCHEMAS: { [D in Domain]: z.ZodType<RecordInputByDomain[D]> } = {
  DETENTION: detentionRecordSchema,
  PRISON: prisonRecordSchema,
  COMMUNITY_CORRECTION: communityCorrectionSchema,
  ENFORCEMENT_CASE: enforcementCaseSchema,
};

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
export function validateRecord<D extends Domain>(domain: D, input: unknown, options: ValidationOptions = {}): ValidationResult<RecordInputByDomain[D]> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, reasons: ['record: must be a JSON object'] };
  }
  const parsed = SCHEMAS[domain].safeParse(input);
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

const SHAPES: Record<Domain, Record<string, unknown>> = {
  DETENTION: detentionRecordSchema.shape,
  PRISON: prisonRecordSchema.shape,
  COMMUNITY_CORRECTION: communityCorrectionSchema.shape,
  ENFORCEMENT_CASE: enforcementCaseSchema.shape,
};

/** The top-level field names of a domain's record shape (for registration mappings). */
export function recordFieldNames(domain: Domain): string[] {
  return Object.keys(SHAPES[domain]);
}
