/**
 * Custody rules (看守所): stage limits, warnings before them, long custody without verdict,
 * extractions on expired warrants, sentenced persons not delivered to prison.
 */
import { z } from 'zod';
import { addMonthsToDay, beijingDay } from '../calendar';
import { day, type Span, spanEn, spanZh, STAGE_EN, STAGE_ZH, years } from './format';
import type { RuleDefinition, RuleRecord } from './types';

type Det = RuleRecord<'DETENTION'>;
const nat = z.number().int().min(0).max(3650);

export const stageLimitParams = z
  .object({
    criminalDetentionDays: nat,
    /** roving, serial or gang cases (流窜作案、多次作案、结伙作案) */
    criminalDetentionGangDays: nat,
    /** further days a department may record as approved for criminal detention in special cases */
    criminalDetentionMaxExtraDays: nat,
    arrestReviewDays: nat,
    investigationMonths: nat,
    investigationMaxExtensionMonths: nat,
    prosecutionReviewMonths: nat,
    prosecutionReviewExtraDays: nat,
    firstInstanceMonths: nat,
    firstInstanceMaxExtensionMonths: nat,
    secondInstanceMonths: nat,
    secondInstanceMaxExtensionMonths: nat,
    /** 刑诉法 105: the first day is not counted; set true where local practice counts it */
    countFirstDay: z.boolean(),
  })
  .strict();
export type StageLimitParams = z.infer<typeof stageLimitParams>;

export const STAGE_LIMIT_DEFAULTS: StageLimitParams = {
  criminalDetentionDays: 3,
  criminalDetentionGangDays: 30,
  criminalDetentionMaxExtraDays: 4,
  arrestReviewDays: 7,
  investigationMonths: 2,
  investigationMaxExtensionMonths: 5,
  prosecutionReviewMonths: 1,
  prosecutionReviewExtraDays: 15,
  firstInstanceMonths: 3,
  firstInstanceMaxExtensionMonths: 3,
  secondInstanceMonths: 2,
  secondInstanceMaxExtensionMonths: 2,
  countFirstDay: false,
};

export interface StageLimit {
  startDay: number;
  /** the last day custody in this stage is lawful */
  deadlineDay: number;
  limit: Span;
  /** months of recorded extensions counted */
  extensionMonths: number;
}

/** Months of extensions granted during the current stage (granted on or after it began). */
function extensionMonthsInStage(r: Det): number {
  let n = 0;
  for (const e of r.extensions) if (e.grantedAt.getTime() >= r.stageStartedAt.getTime()) n += e.months;
  return n;
}

/** The legal limit of the record's current stage; null for stages after judgment. */
export function stageLimit(r: Det, p: StageLimitParams): StageLimit | null {
  const startDay = beijingDay(r.stageStartedAt);
  const ext = extensionMonthsInStage(r);
  let limit: Span;
  let counted = 0;
  switch (r.stage) {
    case 'CRIMINAL_DETENTION': {
      let days = r.caseFlags.length > 0 ? p.criminalDetentionGangDays : p.criminalDetentionDays;
      if (r.caseFlags.length === 0 && r.stageDeadline) {
        // The department recorded an approved extension of 1–4 days: its deadline is the limit.
        const recorded = beijingDay(r.stageDeadline) - startDay;
        if (recorded > days && recorded <= days + p.criminalDetentionMaxExtraDays) days = recorded;
      }
      limit = { months: 0, days };
      break;
    }
    case 'ARREST_REVIEW':
      limit = { months: 0, days: p.arrestReviewDays };
      break;
    case 'INVESTIGATION':
      counted = Math.min(ext, p.investigationMaxExtensionMonths);
      limit = { months: p.investigationMonths + counted, days: 0 };
      break;
    case 'PROSECUTION_REVIEW':
      limit = { months: p.prosecutionReviewMonths, days: p.prosecutionReviewExtraDays };
      break;
    case 'FIRST_INSTANCE':
      counted = Math.min(ext, p.firstInstanceMaxExtensionMonths);
      limit = { months: p.firstInstanceMonths + counted, days: 0 };
      break;
    case 'SECOND_INSTANCE':
      counted = Math.min(ext, p.secondInstanceMaxExtensionMonths);
      limit = { months: p.secondInstanceMonths + counted, days: 0 };
      break;
    default:
      return null;
  }
  const deadlineDay = addMonthsToDay(startDay, limit.months) + limit.days - (p.countFirstDay ? 1 : 0);
  return { startDay, deadlineDay, limit, extensionMonths: counted };
}

const elapsed = (from: number, to: number, p: { countFirstDay: boolean }) => to - from + (p.countFirstDay ? 1 : 0);

export const detOverdueStage: RuleDefinition<StageLimitParams> = {
  id: 'DET_OVERDUE_STAGE',
  title: '超期羁押',
  titleEn: 'Custody past its stage limit',
  legalBasis: '刑事诉讼法 第91条、第156条、第158条、第159条、第172条、第208条、第243条',
  domains: ['DETENTION'],
  severity: 'HIGH',
  description:
    '仍在押且当前诉讼阶段的羁押时间超过法定期限：刑事拘留 3 日（经批准最多再延 4 日；流窜、多次、结伙作案 30 日），提请批准逮捕审查 7 日，侦查羁押 2 个月（记录的延长最多 5 个月），审查起诉 1 个月零 15 日，一审 3 个月（记录的延长最多 3 个月），二审 2 个月（延长最多 2 个月）。第一日不计入。超期超过 30 日为严重。',
  descriptionEn:
    'Still in custody and the current stage has lasted longer than the law allows: criminal detention 3 days (up to 4 more when approved; 30 days for roving, serial or gang cases), arrest review 7 days, investigation 2 months (plus recorded extensions, at most 5 months), prosecution review 1 month 15 days, first instance 3 months (plus recorded extensions, at most 3), second instance 2 months (plus at most 2). The first day is not counted. Critical when more than 30 days over.',
  defaults: STAGE_LIMIT_DEFAULTS,
  schema: stageLimitParams,
  evaluate(person, p, { today }) {
    const out = [];
    for (const r of person.DETENTION) {
      if (r.releasedAt) continue;
      const lim = stageLimit(r, p);
      if (!lim || today <= lim.deadlineDay) continue;
      const inStage = elapsed(lim.startDay, today, p);
      const over = today - lim.deadlineDay;
      out.push({
        severity: over > 30 ? ('CRITICAL' as const) : ('HIGH' as const),
        records: [{ domain: 'DETENTION' as const, key: r.key }],
        region: r.region,
        numbers: {
          stage: r.stage,
          daysInStage: inStage,
          stageStartedOn: day(lim.startDay),
          limit: spanEn(lim.limit),
          deadline: day(lim.deadlineDay),
          daysOver: over,
          extensionMonths: lim.extensionMonths,
        },
        explanation: `${STAGE_ZH[r.stage]}阶段在押 ${inStage} 天（自 ${day(lim.startDay)} 起），${STAGE_ZH[r.stage]}期限 ${spanZh(lim.limit)}（至 ${day(lim.deadlineDay)}），已超期 ${over} 天`,
        explanationEn: `${inStage} days in custody at the ${STAGE_EN[r.stage]} stage (since ${day(lim.startDay)}); limit ${spanEn(lim.limit)} (until ${day(lim.deadlineDay)}); ${over} days over`,
        fingerprint: `${r.key}`,
      });
    }
    return out;
  },
};

export const expiryWarningParams = stageLimitParams
  .extend({
    /** warn this many days before a 30-day criminal detention ends */
    criminalDetentionDaysBefore: nat,
    /** warn this many days before investigation custody ends */
    investigationDaysBefore: nat,
  })
  .strict();
export type ExpiryWarningParams = z.infer<typeof expiryWarningParams>;

export const detExpiryWarning: RuleDefinition<ExpiryWarningParams> = {
  id: 'DET_EXPIRY_WARNING',
  title: '羁押期限届满提示',
  titleEn: 'Custody deadline approaching',
  legalBasis: '公安机关适用刑事羁押期限规定 第27条',
  domains: ['DETENTION'],
  severity: 'LOW',
  description: '仍在押，30 日刑事拘留届满前 3 日内，或侦查羁押期限（含记录的延长）届满前 7 日内，期限尚未届满。',
  descriptionEn:
    'Still in custody, within 3 days before a 30-day criminal detention ends or within 7 days before investigation custody (with recorded extensions) ends, the deadline not yet passed.',
  defaults: { criminalDetentionDaysBefore: 3, investigationDaysBefore: 7, ...STAGE_LIMIT_DEFAULTS },
  schema: expiryWarningParams,
  evaluate(person, p, { today }) {
    const out = [];
    for (const r of person.DETENTION) {
      if (r.releasedAt) continue;
      let before: number;
      if (r.stage === 'CRIMINAL_DETENTION' && r.caseFlags.length > 0) before = p.criminalDetentionDaysBefore;
      else if (r.stage === 'INVESTIGATION') before = p.investigationDaysBefore;
      else continue;
      const lim = stageLimit(r, p)!;
      const left = lim.deadlineDay - today;
      if (left < 0 || left > before) continue;
      out.push({
        severity: 'LOW' as const,
        records: [{ domain: 'DETENTION' as const, key: r.key }],
        region: r.region,
        numbers: { stage: r.stage, deadline: day(lim.deadlineDay), daysLeft: left, limit: spanEn(lim.limit) },
        explanation: `${STAGE_ZH[r.stage]}期限 ${spanZh(lim.limit)} 将于 ${day(lim.deadlineDay)} 届满，尚余 ${left} 天`,
        explanationEn: `the ${STAGE_EN[r.stage]} limit of ${spanEn(lim.limit)} ends on ${day(lim.deadlineDay)}, ${left} days left`,
        fingerprint: `${r.key}:${r.stage}:${day(lim.deadlineDay)}`,
      });
    }
    return out;
  },
};

const BEFORE_JUDGMENT = new Set([
  'CRIMINAL_DETENTION',
  'ARREST_REVIEW',
  'INVESTIGATION',
  'PROSECUTION_REVIEW',
  'FIRST_INSTANCE',
  'SECOND_INSTANCE',
]);

export const longNoVerdictParams = z.object({ years: nat, criticalYears: nat }).strict();

export const detLongNoVerdict: RuleDefinition<z.infer<typeof longNoVerdictParams>> = {
  id: 'DET_LONG_NO_VERDICT',
  title: '久押不决',
  titleEn: 'Long custody without a final verdict',
  legalBasis: '最高人民检察院《关于对羁押期限超过五年的久押不决案件进行清理的规定》(2015) 第2条',
  domains: ['DETENTION'],
  severity: 'HIGH',
  description: '仍在押、案件尚在终审判决前的阶段，自入所起羁押超过 5 年；超过 8 年为严重。',
  descriptionEn: 'Still in custody, the case still before final judgment, and more than 5 years since admission; critical beyond 8 years.',
  defaults: { years: 5, criticalYears: 8 },
  schema: longNoVerdictParams,
  evaluate(person, p, { today }) {
    const out = [];
    for (const r of person.DETENTION) {
      if (r.releasedAt || !BEFORE_JUDGMENT.has(r.stage)) continue;
      const admitted = beijingDay(r.admittedAt);
      if (today <= addMonthsToDay(admitted, 12 * p.years)) continue;
      const critical = today > addMonthsToDay(admitted, 12 * p.criticalYears);
      const days = today - admitted;
      out.push({
        severity: critical ? ('CRITICAL' as const) : ('HIGH' as const),
        records: [{ domain: 'DETENTION' as const, key: r.key }],
        region: r.region,
        numbers: { admittedOn: day(admitted), daysInCustody: days, yearsInCustody: years(days), stage: r.stage },
        explanation: `自 ${day(admitted)} 入所羁押 ${days} 天（约 ${years(days)} 年），案件仍处于${STAGE_ZH[r.stage]}阶段，超过 ${p.years} 年未决`,
        explanationEn: `${days} days in custody since ${day(admitted)} (about ${years(days)} years), the case still at ${STAGE_EN[r.stage]}: over ${p.years} years without a final verdict`,
        fingerprint: r.key,
      });
    }
    return out;
  },
};

export const detExtractionAfterExpiry: RuleDefinition<StageLimitParams> = {
  id: 'DET_EXTRACTION_AFTER_EXPIRY',
  title: '超期提讯提解',
  titleEn: 'Extraction after the custody deadline',
  legalBasis: '公安机关适用刑事羁押期限规定 第28条',
  domains: ['DETENTION'],
  severity: 'HIGH',
  description: '在当前阶段的法定期限（含记录的延长）届满后仍有提讯、提解记录（提讯证已失效）。',
  descriptionEn:
    "An extraction (interrogation or removal) dated after the current stage's legal deadline, with no recorded extension covering it: the warrant slip had expired.",
  defaults: STAGE_LIMIT_DEFAULTS,
  schema: stageLimitParams,
  evaluate(person, p) {
    const out = [];
    for (const r of person.DETENTION) {
      if (r.extractions.length === 0) continue;
      const lim = stageLimit(r, p);
      if (!lim) continue;
      const late = r.extractions.filter((e) => e.at.getTime() >= r.stageStartedAt.getTime() && beijingDay(e.at) > lim.deadlineDay);
      if (late.length === 0) continue;
      const first = beijingDay(late[0].at);
      out.push({
        severity: 'HIGH' as const,
        records: [{ domain: 'DETENTION' as const, key: r.key }],
        region: r.region,
        numbers: {
          deadline: day(lim.deadlineDay),
          extractions: late.length,
          firstOn: day(first),
          daysAfterDeadline: first - lim.deadlineDay,
        },
        explanation: `${STAGE_ZH[r.stage]}期限于 ${day(lim.deadlineDay)} 届满，其后仍有 ${late.length} 次提讯提解（首次 ${day(first)}，超过 ${first - lim.deadlineDay} 天），无延长记录`,
        explanationEn: `the ${STAGE_EN[r.stage]} limit ended on ${day(lim.deadlineDay)}; ${late.length} extraction(s) after it (first on ${day(first)}, ${first - lim.deadlineDay} days after) with no recorded extension`,
        fingerprint: r.key,
      });
    }
    return out;
  },
};

export const notDeliveredParams = z.object({ months: nat, remainingTermMonths: nat, countFirstDay: z.boolean() }).strict();

export const detNotDelivered: RuleDefinition<z.infer<typeof notDeliveredParams>> = {
  id: 'DET_NOT_DELIVERED',
  title: '判决生效后未交付执行',
  titleEn: 'Sentenced but not delivered to prison',
  legalBasis: '刑事诉讼法 第264条；监狱法 第15条',
  domains: ['DETENTION', 'PRISON'],
  severity: 'MEDIUM',
  description:
    '处于待交付执行阶段超过 1 个月，且没有此后入监的服刑记录（剩余刑期超过 3 个月；看守所记录不含剩余刑期时按超过 3 个月对待）。',
  descriptionEn:
    'Awaiting transfer for more than 1 month and no prison record admitting the person since (the remaining term must exceed 3 months; a custody record does not carry it, so it is taken as more than 3 months).',
  defaults: { months: 1, remainingTermMonths: 3, countFirstDay: false },
  schema: notDeliveredParams,
  evaluate(person, p, { today }) {
    const out = [];
    for (const r of person.DETENTION) {
      if (r.releasedAt || r.stage !== 'AWAITING_TRANSFER') continue;
      const start = beijingDay(r.stageStartedAt);
      const deadline = addMonthsToDay(start, p.months) - (p.countFirstDay ? 1 : 0);
      if (today <= deadline) continue;
      if (person.PRISON.some((x) => x.admittedAt.getTime() >= r.stageStartedAt.getTime())) continue;
      const waited = elapsed(start, today, p);
      out.push({
        severity: 'MEDIUM' as const,
        records: [{ domain: 'DETENTION' as const, key: r.key }],
        region: r.region,
        numbers: { awaitingSince: day(start), daysWaiting: waited, limitMonths: p.months },
        explanation: `判决生效后待交付执行 ${waited} 天（自 ${day(start)} 起），超过 ${p.months} 个月仍未送监`,
        explanationEn: `awaiting transfer to prison for ${waited} days (since ${day(start)}), more than ${p.months} month(s)`,
        fingerprint: r.key,
      });
    }
    return out;
  },
};
