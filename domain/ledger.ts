/**
 * The ledger of supervision documents (台账) and the departments' assessment (考核): what each
 * document counts for, folded by department, unit, region, month, kind and issuing office.
 *
 * The figures are those the source report gives for a year: documents received, signed for,
 * answered, answered on time, overdue, objections (upheld, overturned), rectified. The assessment
 * follows its rule: a deduction of 0.1 point per document not handled as required, at most 0.6
 * points (inside the 5-point rule-of-law score); both numbers are document settings.
 *
 * "Not handled as required" (未按要求办理), per document, as of a day: answered after its due date,
 * or its answer owed past the due date, or a report to the superior that the department's rules
 * require filed late or not filed by its due date. A withdrawn document counts for none of these.
 */
import { beijingDay, dateOfDay } from './calendar';
import { regionName } from './regions';
import { KIND_LABELS, type DocumentKind, type DocumentStatus, type Rectification } from './documents';

export const LEDGER_DIMENSIONS = ['DEPARTMENT', 'UNIT', 'REGION', 'MONTH', 'KIND', 'OFFICE'] as const;
export type LedgerDimension = (typeof LEDGER_DIMENSIONS)[number];

/** The department systems by the letters a unit's code starts with (the demo data's codes: KSS500101, SCJG500101, …). */
export const DEPARTMENT_SYSTEMS: Readonly<Record<string, string>> = {
  KSS: '看守所（公安机关）',
  JY: '监狱（监狱管理局）',
  SQJZ: '社区矫正机构（司法行政机关）',
  SCJG: '市场监督管理部门',
  STHJ: '生态环境部门',
  SWJ: '税务部门',
  RSJ: '人力资源和社会保障部门',
  YJJ: '应急管理部门',
};

/** The department system of a unit code: its leading letters (`SCJG500101`, `SCJG-LIANGJIANG` → `SCJG`), else the code itself. */
export function departmentOf(unitCode: string): { value: string; label: string } {
  const letters = /^[A-Za-z]+/.exec(unitCode)?.[0]?.toUpperCase() ?? unitCode;
  return { value: letters, label: DEPARTMENT_SYSTEMS[letters] ?? letters };
}

/** What the ledger reads of a stored document. */
export interface LedgerDocument {
  kind: DocumentKind;
  status: DocumentStatus;
  office: string;
  region: string;
  addressee: { code: string; name: string };
  issuedAt: Date;
  receivedAt: Date | null;
  dueDay: number | null;
  answers: { late: boolean }[];
  objections: { decision: 'REVISED' | 'WITHDRAWN' | 'UPHELD' | null }[];
  report: { required: boolean; dueDay: number | null; reportedAt: Date | null; late: boolean | null };
  outcome: Rectification | null;
}

export interface LedgerFigures {
  /** issued in the period (下发) */
  documents: number;
  /** signed for (签收) */
  received: number;
  /** not yet signed for */
  awaitingReceipt: number;
  /** answered in writing at least once (书面回复) */
  answered: number;
  /** whose first answer came by its due date */
  answeredOnTime: number;
  /** whose first answer came after its due date */
  answeredLate: number;
  /** whose answer is owed and its due date has passed, as of the day asked */
  overdue: number;
  /** objections raised (异议), of which upheld by the procuratorate, overturned (text revised or document withdrawn), and not yet decided */
  objections: number;
  objectionsUpheld: number;
  objectionsOverturned: number;
  objectionsPending: number;
  /** closed as rectified, partly rectified, not rectified */
  rectified: number;
  partlyRectified: number;
  notRectified: number;
  withdrawn: number;
  /** reports to the superior the department's rules required; filed on time; late or missing past their due date */
  reportsRequired: number;
  reportsOnTime: number;
  reportsLate: number;
  /** documents not handled as required (the assessment counts these) */
  notHandledAsRequired: number;
}

export function emptyFigures(): LedgerFigures {
  return {
    documents: 0,
    received: 0,
    awaitingReceipt: 0,
    answered: 0,
    answeredOnTime: 0,
    answeredLate: 0,
    overdue: 0,
    objections: 0,
    objectionsUpheld: 0,
    objectionsOverturned: 0,
    objectionsPending: 0,
    rectified: 0,
    partlyRectified: 0,
    notRectified: 0,
    withdrawn: 0,
    reportsRequired: 0,
    reportsOnTime: 0,
    reportsLate: 0,
    notHandledAsRequired: 0,
  };
}

/** Whether a document's required report is late: filed late, or not filed and its due day has passed. */
function reportLate(d: LedgerDocument, today: number): boolean {
  if (!d.report.required) return false;
  if (d.report.reportedAt) return d.report.late === true;
  return d.report.dueDay != null && d.report.dueDay < today;
}

/** Whether the answer is owed past its due date on `today`. */
function answerOverdue(d: LedgerDocument, today: number): boolean {
  return d.status === 'RECEIVED' && d.dueDay != null && d.dueDay < today;
}

/** Whether a document was not handled as required, as of `today` (Beijing day number); see the file's comment. */
export function notHandledAsRequired(d: LedgerDocument, today: number): boolean {
  if (d.status === 'WITHDRAWN') return false;
  return d.answers[0]?.late === true || answerOverdue(d, today) || reportLate(d, today);
}

/** Adds one document to `f`. */
export function addDocument(f: LedgerFigures, d: LedgerDocument, today: number): void {
  f.documents++;
  if (d.receivedAt) f.received++;
  if (d.status === 'ISSUED') f.awaitingReceipt++;
  const first = d.answers[0];
  if (first) {
    f.answered++;
    if (first.late) f.answeredLate++;
    else f.answeredOnTime++;
  }
  if (answerOverdue(d, today)) f.overdue++;
  for (const o of d.objections) {
    f.objections++;
    if (o.decision === 'UPHELD') f.objectionsUpheld++;
    else if (o.decision) f.objectionsOverturned++;
    else f.objectionsPending++;
  }
  if (d.status === 'CLOSED') {
    if (d.outcome === 'RECTIFIED') f.rectified++;
    else if (d.outcome === 'PARTLY_RECTIFIED') f.partlyRectified++;
    else if (d.outcome === 'NOT_RECTIFIED') f.notRectified++;
  }
  if (d.status === 'WITHDRAWN') f.withdrawn++;
  if (d.report.required) {
    f.reportsRequired++;
    if (d.report.reportedAt && !d.report.late) f.reportsOnTime++;
    if (reportLate(d, today)) f.reportsLate++;
  }
  if (notHandledAsRequired(d, today)) f.notHandledAsRequired++;
}

export interface LedgerKey {
  dimension: LedgerDimension;
  value: string;
  label: string;
}

/** The key of a document under one dimension. */
export function keyOf(d: LedgerDocument, dimension: LedgerDimension, officeName: (code: string) => string): LedgerKey {
  switch (dimension) {
    case 'DEPARTMENT':
      return { dimension, ...departmentOf(d.addressee.code) };
    case 'UNIT':
      return { dimension, value: d.addressee.code, label: d.addressee.name };
    case 'REGION':
      return { dimension, value: d.region, label: regionName(d.region) };
    case 'MONTH': {
      const month = dateOfDay(beijingDay(d.issuedAt)).slice(0, 7);
      return { dimension, value: month, label: `${month.slice(0, 4)}年${Number(month.slice(5))}月` };
    }
    case 'KIND':
      return { dimension, value: d.kind, label: KIND_LABELS[d.kind] };
    case 'OFFICE':
      return { dimension, value: d.office, label: officeName(d.office) };
  }
}

export interface LedgerRow extends LedgerFigures {
  keys: LedgerKey[];
}

/** Folds documents into one row per distinct combination of the dimensions' keys (one row for none), sorted by the keys' values. */
export function foldLedger(
  docs: Iterable<LedgerDocument>,
  groupBy: readonly LedgerDimension[],
  today: number,
  officeName: (code: string) => string = (c) => c,
): LedgerRow[] {
  const rows = new Map<string, LedgerRow>();
  for (const d of docs) {
    const keys = groupBy.map((dim) => keyOf(d, dim, officeName));
    const id = keys.map((k) => k.value).join('\u0000');
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { keys, ...emptyFigures() }));
    addDocument(row, d, today);
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

export interface AssessmentRule {
  /** points deducted per document not handled as required */
  perDocument: number;
  /** most points deducted from one unit */
  cap: number;
}

export const DEFAULT_ASSESSMENT: AssessmentRule = { perDocument: 0.1, cap: 0.6 };

/** The deduction for `n` documents not handled as required, in points (two decimals). */
export function deduction(n: number, rule: AssessmentRule): number {
  return Math.round(Math.min(rule.cap, n * rule.perDocument) * 100) / 100;
}
