/**
 * Two-way consultation (双向咨询) between a procuratorate office and an administrative department, as
 * the two-law linkage platform (两法衔接) carries it: either side asks the other about a case (typically
 * an enforcement case that may have to be transferred to the police), the two answer each other in a
 * thread, and either closes it with a settlement note (办结意见). Pure: the shapes, the statuses, the
 * topics and the checks of what a caller sends; the store is datasources/services/consultations.ts.
 *
 *   OPEN ──(close, either party, with a settlement note)──▶ CLOSED   (a closed one takes no message)
 */
import { z } from 'zod';
import { CITY_CODE, CURRENT_REGIONS, isRegionCode, regionName } from './regions';
import { DOMAINS, type Domain } from './records';
import { controlCharacterProblem } from './text';

export const CONSULTATION_STATUSES = ['OPEN', 'CLOSED'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

/** Chinese terms of the statuses (labels of `consultationCounts`). */
export const STATUS_TERMS: Readonly<Record<ConsultationStatus, string>> = { OPEN: '办理中', CLOSED: '已办结' };

/** What a consultation is about, with its Chinese term. */
export const CONSULTATION_TOPICS = {
  CASE_TRANSFER: '案件移送',
  EVIDENCE: '证据收集与固定',
  LEGAL_APPLICATION: '法律适用',
  PROCEDURE: '程序衔接',
  OTHER: '其他',
} as const;
export type ConsultationTopic = keyof typeof CONSULTATION_TOPICS;
const TOPICS = Object.keys(CONSULTATION_TOPICS) as [ConsultationTopic, ...ConsultationTopic[]];

/** Which side a party is on: the procuratorate office or the administrative department. */
export type ConsultationSide = 'PROCURATORATE' | 'DEPARTMENT';

/** What `consultationCounts` groups by. */
export const CONSULTATION_DIMENSIONS = ['DEPARTMENT', 'OFFICE', 'MONTH', 'STATUS'] as const;
export type ConsultationDimension = (typeof CONSULTATION_DIMENSIONS)[number];

/** Longest subject, message, question or settlement note (characters, i.e. code points). */
export const SUBJECT_MAX = 200;
export const TEXT_MAX = 5000;
/** Most attachments one question or message refers to. */
export const ATTACHMENTS_MAX = 20;
/** Most messages one thread holds: a consultation is an exchange, not a chat channel. */
export const THREAD_MAX = 500;

/** Text of `min` to `max` characters after trimming; one line unless `multiline`. */
function text(max: number, multiline: boolean) {
  return z
    .string()
    .transform((v) => v.trim())
    .superRefine((v, ctx) => {
      const length = [...v].length;
      if (length === 0) ctx.addIssue({ code: 'custom', message: 'is required (not blank)' });
      else if (length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters, got ${length}` });
      const problem = controlCharacterProblem(v, multiline);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** A unit by its code and name: a department, or a procuratorate office. */
export const unitSchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[\w.-]{1,32}$/, 'use letters, digits, _ . - (1 to 32)'),
  name: text(100, false),
});

/** What a consultation is about: a record in the hub (its domain and id) or a case number, or both. */
export const caseReferenceSchema = z
  .object({
    domain: z.enum(DOMAINS as unknown as [Domain, ...Domain[]]).nullish(),
    recordId: z
      .string()
      .regex(/^[0-9a-f]{24}$/i, 'is not a record id of the hub (24 hex digits)')
      .nullish(),
    caseNumber: text(64, false).nullish(),
  })
  .superRefine((v, ctx) => {
    if (!v.recordId && !v.caseNumber)
      ctx.addIssue({ code: 'custom', path: ['recordId'], message: 'give recordId (with domain) or caseNumber' });
  });

const attachmentsSchema = z.array(z.string()).max(ATTACHMENTS_MAX, `at most ${ATTACHMENTS_MAX} attachments`).nullish();

/** Opening a consultation: the other party (department for a procurator, office for a department) and the question. */
export const openConsultationSchema = z.object({
  department: unitSchema.nullish(),
  office: unitSchema.nullish(),
  topic: z.enum(TOPICS),
  subject: text(SUBJECT_MAX, false),
  question: text(TEXT_MAX, true),
  case: caseReferenceSchema.nullish(),
  attachments: attachmentsSchema,
});
export type OpenConsultationInput = z.output<typeof openConsultationSchema>;

export const messageSchema = z.object({ text: text(TEXT_MAX, true), attachments: attachmentsSchema });
export const settlementSchema = text(TEXT_MAX, true);

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

/**
 * Checks a caller's input against a schema; the first problem names its field as an argument path
 * under `prefix` (`input.subject`, `input.case.recordId`, `text`).
 */
export function check<S extends z.ZodType>(schema: S, value: unknown, prefix: string): Checked<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue.path.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), prefix);
  return { ok: false, field: path || prefix, message: issue.message };
}

/**
 * The name of a procuratorate office from its code, where the code says it: `JCY-500101` →
 * 重庆市万州区人民检察院, `JCY-50` → 重庆市人民检察院; otherwise the code itself.
 */
export function officeName(code: string): string {
  const m = /^JCY-(\d{2}|\d{6})$/.exec(code);
  if (!m) return code;
  if (m[1] === CITY_CODE) return '重庆市人民检察院';
  return m[1] in CURRENT_REGIONS ? `重庆市${regionName(m[1])}人民检察院` : code;
}

/** The region a unit's code names (`JCY-500101`, `SCJG-500101` → `500101`), or null. */
export function regionOfUnitCode(code: string): string | null {
  const m = /-(\d{6})(?:-|$)/.exec(code);
  if (m && isRegionCode(m[1])) return m[1];
  return /^JCY-50$/.test(code) ? CITY_CODE : null;
}

/** `YYYY-MM` of a Beijing day's month, and its label (`2026年3月`). */
export function monthLabel(month: string): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}
