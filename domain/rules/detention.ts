/**
 * Custody rules (看守所): stage limits, warnings before them, long custody without verdict,
 * extractions on expired warrants, sentenced persons not delivered to prison.
 */
import { z } from 'zod';
import { addMonthsToDay, beijingDay, dayOfDate } from '../calendar';
import { day, type Span, spanEn, spanZh, STAGE_EN, STAGE_ZH, years } from './format';
import type { Numbers, Rendered, RuleDefinition, RuleRecord } from './types';
import { figures, wakeOnChanges } from './wake';

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

/** More than this many days over the stage limit is CRITICAL. */
const CRITICAL_DAYS_OVER = 30;

/** DET_OVERDUE_STAGE's wording; with `today`, the day counts of that day. */
function overdueWords(n: Numbers, today?: number): Rendered {
  const [stage, start, deadline] = [String(n.stage), String(n.stageStartedOn), String(n.deadline)];
  const [zh, en] = [STAGE_ZH[stage], STAGE_EN[stage]];
  if (today === undefined)
    return {
      numbers: n,
      explanation: `${zh}阶段自 ${start} 起在押，${zh}期限 ${n.limitZh}（至 ${deadline}），期满后仍在押`,
      explanationEn: `in custody at the ${en} stage since ${start}; limit ${n.limit} (until ${deadline}); still held after it`,
    };
  const over = today - dayOfDate(deadline);
  const inStage = Number(n.lawfulDays) + over;
  return {
    numbers: { ...n, daysInStage: inStage, daysOver: over },
    explanation: `${zh}阶段在押 ${inStage} 天（自 ${start} 起），${zh}期限 ${n.limitZh}（至 ${deadline}），已超期 ${over} 天`,
    explanationEn: `${inStage} days in custody at the ${en} stage (since ${start}); limit ${n.limit} (until ${deadline}); ${over} days over`,
  };
}

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
  evaluate(person, p, ctx) {
    const { today } = ctx;
    const out = [];
    for (const r of person.DETENTION) {
      if (r.releasedAt) continue;
      const lim = stageLimit(r, p);
      if (!lim) continue;
      const severity = (d: number) =>
        d <= lim.deadlineDay ? null : d - lim.deadlineDay > CRITICAL_DAYS_OVER ? ('CRITICAL' as const) : ('HIGH' as const);
      wakeOnChanges(ctx, [lim.deadlineDay + 1, lim.deadlineDay + CRITICAL_DAYS_OVER + 1], severity);
      const found = severity(today);
      if (!found) continue;
      out.push({
        severity: found,
        records: [{ domain: 'DETENTION' as const, key: r.key }],
        region: r.region,
        ...overdueWords({
          stage: r.stage,
          stageStartedOn: day(lim.startDay),
          limit: spanEn(lim.limit),
          limitZh: spanZh(lim.limit),
          deadline: day(lim.deadlineDay),
          // the days in the stage the limit allows: the days in the stage on a day are these plus the days over
          lawfulDays: elapsed(lim.startDay, lim.deadlineDay, p),
          extensionMonths: lim.extensionMonths,
        }),
        fingerprint: `${r.key}`,
      });
    }
    return out;
  },
  render(n, today) {
    return figures(n, 'stage', 'stageStartedOn', 'limitZh', 'deadline', 'lawfulDays') && overdueWords(n, today);
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
  evaluate(person, p, ctx) {
    const out = [];
    for (const r of person.DETENTION) {
      if (r.releasedAt) continue;
      let before: number;
      if (r.stage === 'CRIMINAL_DETENTION' && r.caseFlags.length > 0) before = p.criminalDetentionDaysBefore;
      else if (r.stage === 'INVESTIGATION') before = p.investigationDaysBefore;
      else continue;
      const lim = stageLimit(r, p)!;
      const warned = (d: number) => (lim.deadlineDay - d < 0 || lim.deadlineDay - d > before ? null : 'LOW');
      wakeOnChanges(ctx, [lim.deadlineDay - before, lim.deadlineDay + 1], warned);
      if (!warned(ctx.today)) continue;
      out.push({
        severity: 'LOW' as const,
        records: [{ domain: 'DETENTION' as const, key: r.key }],
        region: r.region,
        ...warningWords({ stage: r.stage, deadline: day(lim.deadlineDay), limit: spanEn(lim.limit), limitZh: spanZh(lim.limit) }),
        fingerprint: `${r.key}:${r.stage}:${day(lim.deadlineDay)}`,
      });
    }
    return out;
  },
  render(n, today) {
    return figures(n, 'stage', 'deadline', 'limitZh') && warningWords(n, today);
  },
};

/** DET_EXPIRY_WARNING's wording; with `today`, the days left on that day. */
function warningWords(n: Numbers, today?: number): Rendered {
  const [stage, deadline] = [String(n.stage), String(n.deadline)];
  const zh = `${STAGE_ZH[stage]}期限 ${n.limitZh} 将于 ${deadline} 届满`;
  const en = `the ${STAGE_EN[stage]} limit of ${n.limit} ends on ${deadline}`;
  if (today === undefined) return { numbers: n, explanation: zh, explanationEn: en };
  const left = dayOfDate(deadline) - today;
  return { numbers: { ...n, daysLeft: left }, explanation: `${zh}，尚余 ${left} 天`, explanationEn: `${en}, ${left} days left` };
}

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
  evaluate(person, p, ctx) {
    const out = [];
    for (const r of person.DETENTION) {
      if (r.releasedAt || !BEFORE_JUDGMENT.has(r.stage)) continue;
      const admitted = beijingDay(r.admittedAt);
      const [limit, critical] = [addMonthsToDay(admitted, 12 * p.years), addMonthsToDay(admitted, 12 * p.criticalYears)];
      const severity = (d: number) => (d <= limit ? null : d > critical ? ('CRITICAL' as const) : ('HIGH' as const));
      wakeOnChanges(ctx, [limit + 1, critical + 1], severity);
      const found = severity(ctx.today);
      if (!found) continue;
      out.push({
        severity: found,
        records: [{ domain: 'DETENTION' as const, key: r.key }],
        region: r.region,
        ...longWords({ admittedOn: day(admitted), stage: r.stage, limitYears: p.years }),
        fingerprint: r.key,
      });
    }
    return out;
  },
  render(n, today) {
    return figures(n, 'admittedOn', 'stage', 'limitYears') && longWords(n, today);
  },
};

/** DET_LONG_NO_VERDICT's wording; with `today`, the days in custody on that day. */
function longWords(n: Numbers, today?: number): Rendered {
  const [admitted, stage] = [String(n.admittedOn), String(n.stage)];
  const zh = `案件仍处于${STAGE_ZH[stage]}阶段，超过 ${n.limitYears} 年未决`;
  const en = `the case still at ${STAGE_EN[stage]}: over ${n.limitYears} years without a final verdict`;
  if (today === undefined)
    return { numbers: n, explanation: `自 ${admitted} 入所羁押，${zh}`, explanationEn: `in custody since ${admitted}, ${en}` };
  const days = today - dayOfDate(admitted);
  return {
    numbers: { ...n, daysInCustody: days, yearsInCustody: years(days) },
    explanation: `自 ${admitted} 入所羁押 ${days} 天（约 ${years(days)} 年），${zh}`,
    explanationEn: `${days} days in custody since ${admitted} (about ${years(days)} years), ${en}`,
  };
}

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
  evaluate(person, p, ctx) {
    const out = [];
    for (const r of person.DETENTION) {
      if (r.releasedAt || r.stage !== 'AWAITING_TRANSFER') continue;
      if (person.PRISON.some((x) => x.admittedAt.getTime() >= r.stageStartedAt.getTime())) continue;
      const start = beijingDay(r.stageStartedAt);
      const deadline = addMonthsToDay(start, p.months) - (p.countFirstDay ? 1 : 0);
      if (deadline + 1 > ctx.today) ctx.wake(deadline + 1);
      if (ctx.today <= deadline) continue;
      out.push({
        severity: 'MEDIUM' as const,
        records: [{ domain: 'DETENTION' as const, key: r.key }],
        region: r.region,
        ...deliveryWords({
          awaitingSince: day(start),
          limitMonths: p.months,
          deadline: day(deadline),
          lawfulDays: elapsed(start, deadline, p),
        }),
        fingerprint: r.key,
      });
    }
    return out;
  },
  render(n, today) {
    return figures(n, 'awaitingSince', 'limitMonths', 'deadline', 'lawfulDays') && deliveryWords(n, today);
  },
};

/** DET_NOT_DELIVERED's wording; with `today`, the days waiting on that day. */
function deliveryWords(n: Numbers, today?: number): Rendered {
  const since = String(n.awaitingSince);
  if (today === undefined)
    return {
      numbers: n,
      explanation: `判决生效后自 ${since} 起待交付执行，超过 ${n.limitMonths} 个月仍未送监`,
      explanationEn: `awaiting transfer to prison since ${since}, more than ${n.limitMonths} month(s)`,
    };
  const waited = Number(n.lawfulDays) + today - dayOfDate(String(n.deadline));
  return {
    numbers: { ...n, daysWaiting: waited },
    explanation: `判决生效后待交付执行 ${waited} 天（自 ${since} 起），超过 ${n.limitMonths} 个月仍未送监`,
    explanationEn: `awaiting transfer to prison for ${waited} days (since ${since}), more than ${n.limitMonths} month(s)`,
  };
}
