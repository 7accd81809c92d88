/**
 * Supervision documents (监督文书) the procuratorate issues to a department, and the department's
 * answer: kinds, workflow, deadlines and numbers. Pure: the store and the hub's clock are the callers'.
 *
 * Deadlines, each with its source (docs/domain.md "Supervision documents"):
 * - 检察建议 (RECOMMENDATION): answered in writing within two months of receipt — 最高人民检察院
 *   《人民检察院检察建议工作规定》(2019) 第十九条. Calendar months, clamped to the month's end
 *   (received 12-31 → due 02-28/29), the day of receipt not counted.
 * - 纠正违法通知书 (CORRECTION_NOTICE): within the period the notice sets — 《人民检察院刑事诉讼规则》(2019)
 *   第五百五十三条 (the procuratorate urges an organ that has not replied within it). The law names no
 *   number of days; 15 days from receipt is the hub's default and a setting. An objection (申请复查) is
 *   re-examined within 7 days of the organ's written opinion (第五百五十四条): the OBJECTION_PENDING alert.
 * - Urgent documents (急件): a shorter deadline in working days (default 5), the calendar of rule
 *   DATA_LATE_ENTRY (holidays and make-up working days).
 * - The report to the superior (向上级报告): within N working days of receipt where the department's
 *   own rules require it (a per-department setting; e.g. the land bureau's 5 working days).
 */
import { z } from 'zod';
import { addMonthsToDay, isWorkingDay, type WorkCalendar, WEEKDAYS_ONLY } from './calendar';

export const DOCUMENT_KINDS = ['RECOMMENDATION', 'CORRECTION_NOTICE'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const KIND_LABELS: Readonly<Record<DocumentKind, string>> = {
  RECOMMENDATION: '检察建议',
  CORRECTION_NOTICE: '纠正违法通知书',
};

/**
 * Where a document is: ISSUED (待签收) → RECEIVED (待回复) → ANSWERED (待审查) → CLOSED (已办结);
 * RECEIVED → OBJECTED (异议待复查) → RECEIVED (revised or upheld) | WITHDRAWN (已撤回).
 */
export const DOCUMENT_STATUSES = ['ISSUED', 'RECEIVED', 'OBJECTED', 'ANSWERED', 'CLOSED', 'WITHDRAWN'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const RECTIFICATIONS = ['RECTIFIED', 'PARTLY_RECTIFIED', 'NOT_RECTIFIED'] as const;
export type Rectification = (typeof RECTIFICATIONS)[number];
/** 整改情况 as the history's notes write it. */
export const RECTIFICATION_NAMES: Record<Rectification, string> = {
  RECTIFIED: '已整改',
  PARTLY_RECTIFIED: '部分整改',
  NOT_RECTIFIED: '未整改',
};

export type DocumentSide = 'PROCURATOR' | 'DEPARTMENT';

export const DOCUMENT_ACTIONS = [
  'ISSUE',
  'SIGN_RECEIPT',
  'REPORT_TO_SUPERIOR',
  'ANSWER',
  'OBJECT',
  'REVISE',
  'UPHOLD',
  'WITHDRAW',
  'ACCEPT',
  'ASK_AGAIN',
  'CLOSE',
] as const;
export type DocumentAction = (typeof DOCUMENT_ACTIONS)[number];

interface Step {
  side: DocumentSide;
  from: readonly DocumentStatus[];
  /** the status after the step; null: unchanged */
  to: DocumentStatus | null;
}

/** The workflow: who may take which step in which status (docs/domain.md's diagram). */
export const DOCUMENT_STEPS: Readonly<Record<Exclude<DocumentAction, 'ISSUE'>, Step>> = {
  SIGN_RECEIPT: { side: 'DEPARTMENT', from: ['ISSUED'], to: 'RECEIVED' },
  REPORT_TO_SUPERIOR: { side: 'DEPARTMENT', from: ['RECEIVED', 'OBJECTED', 'ANSWERED', 'CLOSED'], to: null },
  ANSWER: { side: 'DEPARTMENT', from: ['RECEIVED'], to: 'ANSWERED' },
  OBJECT: { side: 'DEPARTMENT', from: ['RECEIVED'], to: 'OBJECTED' },
  REVISE: { side: 'PROCURATOR', from: ['OBJECTED'], to: 'RECEIVED' },
  UPHOLD: { side: 'PROCURATOR', from: ['OBJECTED'], to: 'RECEIVED' },
  WITHDRAW: { side: 'PROCURATOR', from: ['ISSUED', 'RECEIVED', 'OBJECTED', 'ANSWERED'], to: 'WITHDRAWN' },
  ACCEPT: { side: 'PROCURATOR', from: ['ANSWERED'], to: 'CLOSED' },
  ASK_AGAIN: { side: 'PROCURATOR', from: ['ANSWERED'], to: 'RECEIVED' },
  CLOSE: { side: 'PROCURATOR', from: ['ISSUED', 'RECEIVED', 'ANSWERED'], to: 'CLOSED' },
};

/** Why a step is not allowed now (null: allowed). */
export function stepProblem(action: Exclude<DocumentAction, 'ISSUE'>, side: DocumentSide, status: DocumentStatus): string | null {
  const step = DOCUMENT_STEPS[action];
  if (step.side !== side) return `${action} is the ${step.side === 'PROCURATOR' ? "procuratorate's" : "department's"} step`;
  if (!step.from.includes(status)) return `a ${status} document does not allow ${action} (only ${step.from.join(', ')})`;
  return null;
}

/** The statuses in which the department owes an answer (the reply clock runs). */
export const AWAITING_ANSWER: readonly DocumentStatus[] = ['RECEIVED'];
/** Final statuses. */
export const FINAL: readonly DocumentStatus[] = ['CLOSED', 'WITHDRAWN'];

// -------------------------------------------------------------------------------------------------
// settings

const prefix = z
  .string()
  .min(1)
  .max(16)
  .regex(/^[^\s〔〕]+$/, 'one word without spaces or 〔〕');

/** The document settings administrators change (updateDocumentSettings), with their defaults. */
export const documentSettingsSchema = z
  .object({
    /** 检察建议: months from receipt (2019 SPP rules art. 19: two months) */
    recommendationMonths: z.number().int().min(1).max(12),
    /** 纠正违法通知书: calendar days from receipt */
    correctionNoticeDays: z.number().int().min(1).max(180),
    /** 急件: working days from receipt */
    urgentWorkingDays: z.number().int().min(1).max(60),
    /** documents due within this many days are flagged DUE_SOON */
    dueSoonDays: z.number().int().min(0).max(60),
    /** the number's prefix per kind: 渝检建〔2026〕12号 */
    numberPrefixes: z.object({ RECOMMENDATION: prefix, CORRECTION_NOTICE: prefix }).strict(),
    /** the assessment (考核): points deducted per document not handled as required, and at most (domain/ledger.ts) */
    assessment: z.object({ perDocument: z.number().min(0).max(5), cap: z.number().min(0).max(5) }).strict(),
  })
  .strict();
export type DocumentSettings = z.infer<typeof documentSettingsSchema>;

export const DEFAULT_DOCUMENT_SETTINGS: DocumentSettings = {
  recommendationMonths: 2,
  correctionNoticeDays: 15,
  urgentWorkingDays: 5,
  dueSoonDays: 7,
  numberPrefixes: { RECOMMENDATION: '渝检建', CORRECTION_NOTICE: '渝检纠' },
  assessment: { perDocument: 0.1, cap: 0.6 },
};

/** A department's own workflow rule: report each document received to its superior within N working days. */
export const departmentWorkflowSchema = z
  .object({
    superior: z
      .object({
        code: z.string().regex(/^[\w.-]{1,32}$/, 'use letters, digits, _ . - (at most 32)'),
        name: z.string().min(1).max(100),
      })
      .strict(),
    reportWithinWorkingDays: z.number().int().min(1).max(60),
  })
  .strict();
export type DepartmentWorkflow = z.infer<typeof departmentWorkflowSchema>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(change)) out[k] = isObject(v) && isObject(base[k]) ? merge(base[k], v) : v;
  return out;
}

/** A change merged into the settings in force and checked whole; problems name the path (`settings.dueSoonDays`). */
export function changeDocumentSettings(
  current: DocumentSettings,
  change: unknown,
): { ok: true; settings: DocumentSettings } | { ok: false; problems: string[] } {
  if (!isObject(change)) return { ok: false, problems: ['settings: must be a JSON object of the settings to change'] };
  const parsed = documentSettingsSchema.safeParse(merge(current as unknown as Record<string, unknown>, change));
  if (parsed.success) return { ok: true, settings: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => {
      const path = ['settings', ...i.path].join('.');
      return i.code === 'unrecognized_keys' ? `${path}: not a setting: ${i.keys.join(', ')}` : `${path}: ${i.message}`;
    }),
  };
}

// -------------------------------------------------------------------------------------------------
// deadlines (days are Beijing calendar days, domain/calendar.ts)

/** The day on which `n` working days after `day` have passed (the first day not counted). */
export function addWorkingDays(day: number, n: number, cal: WorkCalendar = WEEKDAYS_ONLY): number {
  let d = day;
  for (let left = n; left > 0;) {
    d++;
    if (isWorkingDay(d, cal)) left--;
  }
  return d;
}

/** The default reply deadline of a document received on `receivedDay`. */
export function defaultDueDay(
  kind: DocumentKind,
  urgent: boolean,
  receivedDay: number,
  settings: DocumentSettings,
  cal: WorkCalendar = WEEKDAYS_ONLY,
): number {
  if (urgent) return addWorkingDays(receivedDay, settings.urgentWorkingDays, cal);
  return kind === 'RECOMMENDATION'
    ? addMonthsToDay(receivedDay, settings.recommendationMonths)
    : receivedDay + settings.correctionNoticeDays;
}

/**
 * The reply deadline: the default, or the issuer's shorter one (`replyWithinDays` calendar days from
 * receipt) where that comes first.
 */
export function dueDay(
  kind: DocumentKind,
  urgent: boolean,
  replyWithinDays: number | null | undefined,
  receivedDay: number,
  settings: DocumentSettings,
  cal: WorkCalendar = WEEKDAYS_ONLY,
): number {
  const byDefault = defaultDueDay(kind, urgent, receivedDay, settings, cal);
  return replyWithinDays ? Math.min(byDefault, receivedDay + replyWithinDays) : byDefault;
}

/** Why an issuer's own deadline is refused (it may only shorten the default), or null. */
export function overrideProblem(
  kind: DocumentKind,
  urgent: boolean,
  replyWithinDays: number,
  issuedDay: number,
  settings: DocumentSettings,
  cal: WorkCalendar = WEEKDAYS_ONLY,
): string | null {
  if (!Number.isInteger(replyWithinDays) || replyWithinDays < 1)
    return `must be a whole number of days, at least 1, got ${replyWithinDays}`;
  const byDefault = defaultDueDay(kind, urgent, issuedDay, settings, cal) - issuedDay;
  if (replyWithinDays >= byDefault)
    return `may only shorten the deadline: a ${urgent ? 'urgent ' : ''}${kind} is due ${byDefault} days after receipt by default, got ${replyWithinDays}`;
  return null;
}

/** What can fall due about a document (documentAlerts' kinds that begin on a day, not on a step). */
export type DueAlertKind = 'DUE_SOON' | 'OVERDUE' | 'REPORT_OVERDUE';

/**
 * What fell due about a document on a day after `afterDay` through `today`: its reply entering the
 * due-soon window (`dueSoonDays` before the due day), its reply overdue (the day after the due day),
 * its report to the superior overdue. A reply both entering the window and overdue in that span is
 * only overdue. As `documentAlerts` judges them on `today`: only a document still awaiting its reply
 * (RECEIVED) falls due, and a report is overdue unless the document was withdrawn. A document
 * received already within the window is not announced as due soon: its receipt's event gave its due date.
 */
export function fallingDue(
  doc: {
    status: DocumentStatus;
    dueDay: number | null;
    report?: { required: boolean; reportedAt: Date | null; dueDay: number | null } | null;
  },
  afterDay: number,
  today: number,
  dueSoonDays: number,
): DueAlertKind[] {
  const within = (day: number) => day > afterDay && day <= today;
  const out: DueAlertKind[] = [];
  if (doc.status === 'RECEIVED' && doc.dueDay != null) {
    if (doc.dueDay < today) {
      if (within(doc.dueDay + 1)) out.push('OVERDUE');
    } else if (within(doc.dueDay - dueSoonDays)) out.push('DUE_SOON');
  }
  const r = doc.report;
  if (r?.required && !r.reportedAt && r.dueDay != null && doc.status !== 'WITHDRAWN' && r.dueDay < today && within(r.dueDay + 1))
    out.push('REPORT_OVERDUE');
  return out;
}

/** Days left until the deadline (0 on the due day itself, negative once overdue). */
export function daysLeft(due: number, today: number): number {
  return due - today;
}

// -------------------------------------------------------------------------------------------------
// numbers

/** 渝检建〔2026〕12号 */
export function formatDocumentNumber(prefixText: string, year: number, seq: number): string {
  return `${prefixText}〔${year}〕${seq}号`;
}

/** The parts of a document number, or null when it is not one. */
export function parseDocumentNumber(number: string): { prefix: string; year: number; seq: number } | null {
  const m = /^([^\s〔〕]+)〔(\d{4})〕(\d+)号$/.exec(number);
  return m ? { prefix: m[1], year: Number(m[2]), seq: Number(m[3]) } : null;
}

/** The Beijing calendar year of a day. */
export function yearOfDay(day: number): number {
  return new Date(day * 86_400_000).getUTCFullYear();
}

// -------------------------------------------------------------------------------------------------
// who sees what

/** Whether a department (its `org`) is a document's addressee: the department itself or one of its units. */
export function addresses(addresseeCode: string, org: string): boolean {
  return addresseeCode === org || addresseeCode.startsWith(`${org}-`);
}

/** The codes a department code is addressed as: `KSS-500101-2` → KSS, KSS-500101, KSS-500101-2 (for one equality query). */
export function addresseePath(code: string): string[] {
  const parts = code.split('-');
  return parts.map((_, i) => parts.slice(0, i + 1).join('-'));
}
