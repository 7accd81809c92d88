/** The names of the API's enum values, [中文, English] (the SDL's descriptions say the same). */
import type { Lang } from './i18n';

const LABELS: Record<string, Record<string, [string, string]>> = {
  Severity: { LOW: ['提示', 'Low'], MEDIUM: ['一般', 'Medium'], HIGH: ['严重', 'High'], CRITICAL: ['特别严重', 'Critical'] },
  LeadStatus: {
    NEW: ['新线索', 'New'],
    ACKNOWLEDGED: ['已受理', 'Acknowledged'],
    RESOLVED: ['已处理', 'Resolved'],
    DISMISSED: ['不予处理', 'Dismissed'],
  },
  Domain: {
    DETENTION: ['看守所羁押', 'Custody'],
    PRISON: ['监狱服刑', 'Prison'],
    COMMUNITY_CORRECTION: ['社区矫正', 'Community correction'],
    ENFORCEMENT_CASE: ['行政执法', 'Enforcement case'],
  },
  Gender: { MALE: ['男', 'Male'], FEMALE: ['女', 'Female'] },
  DetentionStage: {
    CRIMINAL_DETENTION: ['刑事拘留', 'Criminal detention'],
    ARREST_REVIEW: ['审查逮捕', 'Arrest review'],
    INVESTIGATION: ['侦查羁押', 'Investigation'],
    PROSECUTION_REVIEW: ['审查起诉', 'Prosecution review'],
    FIRST_INSTANCE: ['一审', 'First instance'],
    SECOND_INSTANCE: ['二审', 'Second instance'],
    AWAITING_TRANSFER: ['判决生效待交付执行', 'Awaiting transfer'],
    SERVING_IN_CENTRE: ['留所服刑', 'Serving in the centre'],
  },
  PrisonStatus: {
    SERVING: ['在押服刑', 'Serving'],
    PAROLED: ['假释', 'Paroled'],
    OUTSIDE_EXECUTION: ['暂予监外执行', 'Outside execution'],
    RELEASED: ['刑满释放', 'Released'],
    TRANSFERRED: ['调出', 'Transferred'],
    DECEASED: ['死亡', 'Deceased'],
  },
  CorrectionType: {
    PROBATION: ['缓刑', 'Probation'],
    PAROLE: ['假释', 'Parole'],
    CONTROL: ['管制', 'Control'],
    OUTSIDE_EXECUTION: ['暂予监外执行', 'Outside execution'],
  },
  CorrectionStatus: {
    ACTIVE: ['在矫', 'Active'],
    TERMINATED: ['解除矫正', 'Terminated'],
    REVOKED: ['撤销', 'Revoked'],
    ABSCONDED: ['脱管', 'Absconded'],
  },
  EnforcementCategory: {
    FOOD_DRUG: ['食品药品', 'Food and drugs'],
    COUNTERFEIT: ['生产销售伪劣商品', 'Counterfeit goods'],
    TRADEMARK: ['侵犯商标', 'Trademark'],
    ENVIRONMENT: ['生态环境', 'Environment'],
    TAX: ['税务', 'Tax'],
    LABOUR: ['劳动保障', 'Labour'],
    SAFETY: ['安全生产', 'Work safety'],
    OTHER: ['其他', 'Other'],
  },
  EnforcementStatus: {
    FILED: ['立案', 'Filed'],
    PENALIZED: ['已处罚', 'Penalized'],
    TRANSFERRED: ['已移送', 'Transferred'],
    CLOSED: ['结案', 'Closed'],
  },
  DocumentKind: { RECOMMENDATION: ['检察建议', 'Recommendation'], CORRECTION_NOTICE: ['纠正违法通知书', 'Correction notice'] },
  DocumentStatus: {
    ISSUED: ['待签收', 'Issued'],
    RECEIVED: ['待回复', 'Received'],
    OBJECTED: ['异议待复查', 'Objected'],
    ANSWERED: ['待审查', 'Answered'],
    CLOSED: ['已办结', 'Closed'],
    WITHDRAWN: ['已撤回', 'Withdrawn'],
  },
  Rectification: {
    RECTIFIED: ['已整改', 'Rectified'],
    PARTLY_RECTIFIED: ['部分整改', 'Partly rectified'],
    NOT_RECTIFIED: ['未整改', 'Not rectified'],
  },
  DocumentAction: {
    ISSUE: ['制发', 'Issued'],
    SIGN_RECEIPT: ['签收', 'Receipt signed'],
    REPORT_TO_SUPERIOR: ['报告上级', 'Reported to the superior'],
    ANSWER: ['书面回复', 'Answered'],
    OBJECT: ['提出异议', 'Objected'],
    REVISE: ['修改', 'Revised'],
    UPHOLD: ['维持', 'Upheld'],
    WITHDRAW: ['撤回', 'Withdrawn'],
    ACCEPT: ['采纳回复', 'Answer accepted'],
    ASK_AGAIN: ['要求重新回复', 'Asked again'],
    CLOSE: ['办结', 'Closed'],
  },
  ObjectionDecision: { REVISED: ['修改', 'Revised'], WITHDRAWN: ['撤回', 'Withdrawn'], UPHELD: ['维持', 'Upheld'] },
  ConsultationStatus: { OPEN: ['办理中', 'Open'], CLOSED: ['已办结', 'Closed'] },
  ConsultationSide: { PROCURATORATE: ['检察机关', 'Procuratorate'], DEPARTMENT: ['行政执法机关', 'Department'] },
  ConsultationTopic: {
    CASE_TRANSFER: ['案件移送', 'Case transfer'],
    EVIDENCE: ['证据收集与固定', 'Evidence'],
    LEGAL_APPLICATION: ['法律适用', 'Legal application'],
    PROCEDURE: ['程序衔接', 'Procedure'],
    OTHER: ['其他', 'Other'],
  },
  DocumentAlertKind: {
    DUE_SOON: ['即将到期', 'Due soon'],
    OVERDUE: ['逾期未回复', 'Overdue'],
    REPORT_OVERDUE: ['逾期未报告', 'Report overdue'],
    OBJECTION_PENDING: ['异议待复查', 'Objection pending'],
  },
};

export const DOCUMENT_STATUS_COLOR: Record<string, string> = {
  ISSUED: 'orange',
  RECEIVED: 'blue',
  OBJECTED: 'red',
  ANSWERED: 'purple',
  CLOSED: 'green',
  WITHDRAWN: 'default',
};

export function label(type: keyof typeof LABELS | string, value: string | null | undefined, lang: Lang): string {
  if (value == null) return '—';
  const l = LABELS[type]?.[value];
  return l ? l[lang === 'zh' ? 0 : 1] : value;
}

export const SEVERITY_COLOR: Record<string, string> = { LOW: 'default', MEDIUM: 'gold', HIGH: 'orange', CRITICAL: 'red' };
export const STATUS_COLOR: Record<string, string> = { NEW: 'red', ACKNOWLEDGED: 'blue', RESOLVED: 'green', DISMISSED: 'default' };

/** A date and time as people here read it: 2026-12-05 14:03 (Beijing time). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(d);
}

export function day(iso: string | null | undefined): string {
  if (!iso) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short' }).format(d);
}

/** The figures behind a lead (`SupervisionLead.numbers`), by key; a key not here shows as the API names it. */
const NUMBER_LABELS: Record<string, [string, string]> = {
  stage: ['诉讼阶段', 'Stage'],
  stageStartedOn: ['本阶段起算日', 'Stage started'],
  limit: ['法定期限', 'Legal limit'],
  deadline: ['期限届满日', 'Deadline'],
  lawfulDays: ['法定天数', 'Lawful days'],
  extensionMonths: ['延长月数', 'Months of extension'],
  daysInStage: ['本阶段已羁押天数', 'Days in this stage'],
  daysOver: ['超期天数', 'Days over'],
  daysLeft: ['剩余天数', 'Days left'],
  daysInCustody: ['羁押天数', 'Days in custody'],
  yearsInCustody: ['羁押年数', 'Years in custody'],
  daysWaiting: ['等待天数', 'Days waiting'],
  since: ['起算日', 'Since'],
  due: ['应报到日', 'Due'],
  reportedOn: ['报到日', 'Reported'],
  days: ['天数', 'Days'],
  daysWithoutCheckIn: ['未报到天数', 'Days without check-in'],
  daysPastEnd: ['期满后天数', 'Days past the end'],
  daysSince: ['已过天数', 'Days since'],
  correctionFrom: ['矫正起始日', 'Correction from'],
  correctionTo: ['矫正期满日', 'Correction to'],
  newCaseOn: ['新案件日期', 'New case on'],
  daysIntoCorrection: ['矫正第几天', 'Days into correction'],
  prisonAdmitted: ['入监日期', 'Admitted to prison'],
  eventOn: ['发生日期', 'Happened on'],
  recordedOn: ['录入日期', 'Recorded on'],
  lag: ['录入间隔', 'Lag'],
  unit: ['单位', 'Unit'],
  termMonths: ['刑期（月）', 'Term (months)'],
  paroledOn: ['假释日期', 'Paroled on'],
  servedDays: ['已服刑天数', 'Days served'],
  requiredDays: ['应服刑天数', 'Days required'],
  servedYears: ['已服刑年数', 'Years served'],
  amount: ['涉案金额（元）', 'Amount (yuan)'],
  gain: ['违法所得（元）', 'Illegal gain (yuan)'],
};

/**
 * The rows of a lead's figures in the reader's language: named where the name is known, a value that
 * exists in both languages (`limit` / `limitZh`) once, a stage by its name.
 */
export function numberRows(numbers: unknown, lang: Lang): { key: string; name: string; value: string }[] {
  if (!numbers || typeof numbers !== 'object') return [];
  const all = numbers as Record<string, unknown>;
  const rows: { key: string; name: string; value: string }[] = [];
  for (const [key, raw] of Object.entries(all)) {
    if (key.endsWith('Zh')) continue;
    const zh = all[`${key}Zh`];
    const value = lang === 'zh' && zh !== undefined ? zh : raw;
    const shown =
      key === 'stage' ? label('DetentionStage', String(value), lang) : typeof value === 'object' ? JSON.stringify(value) : String(value);
    const name = NUMBER_LABELS[key]?.[lang === 'zh' ? 0 : 1] ?? key;
    rows.push({ key, name, value: shown });
  }
  return rows;
}
