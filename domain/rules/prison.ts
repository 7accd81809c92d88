/** Prison rules (监狱): held past the sentence, commutations and paroles against the law's minimums. */
import { z } from 'zod';
import { addMonthsToDay, dayOfDate } from '../calendar';
import { day, years } from './format';
import { NO_PARAMETERS, type Numbers, type Rendered, type RuleDefinition, type RuleRecord } from './types';
import { figures } from './wake';

type Prison = RuleRecord<'PRISON'>;
const nat = z.number().int().min(0).max(1200);

function commutedMonths(r: Prison, beforeDay = Infinity): number {
  let n = 0;
  for (const c of r.commutations) if (dayOfDate(c.decidedAt) < beforeDay) n += c.months;
  return n;
}

/** docs/domain.md: start + term − pretrial custody − commutations; null for life and death with reprieve. */
export function sentenceEndDay(r: Prison): number | null {
  if (r.sentence.kind !== 'FIXED_TERM' || r.sentence.termMonths == null) return null;
  return addMonthsToDay(dayOfDate(r.sentence.startDate), r.sentence.termMonths - commutedMonths(r)) - r.pretrialCustodyDays;
}

export const prisonNotReleased: RuleDefinition<Record<string, never>> = {
  id: 'PRISON_NOT_RELEASED',
  title: '刑满未释放',
  titleEn: 'Held past the end of the sentence',
  legalBasis: '监狱法 第35条；刑法 第47条',
  domains: ['PRISON'],
  severity: 'CRITICAL',
  description: '按 刑期起算日 + 原判刑期 − 判决前羁押日数 − 减刑 计算的刑满日期已过，状态仍为服刑中。',
  descriptionEn:
    'The computed end of the sentence (start + term − pre-trial custody − commutations) is before today and the status is still SERVING.',
  defaults: {},
  schema: NO_PARAMETERS,
  evaluate(person, _p, { today, wake }) {
    const out = [];
    for (const r of person.PRISON) {
      if (r.status !== 'SERVING') continue;
      const end = sentenceEndDay(r);
      if (end == null) continue;
      if (end >= today) {
        wake(end + 1);
        continue;
      }
      out.push({
        severity: 'CRITICAL' as const,
        records: [{ domain: 'PRISON' as const, key: r.key }],
        region: r.region,
        ...notReleasedWords({
          sentenceEnd: day(end),
          termMonths: r.sentence.termMonths!,
          pretrialCustodyDays: r.pretrialCustodyDays,
          commutedMonths: commutedMonths(r),
        }),
        fingerprint: r.key,
      });
    }
    return out;
  },
  render(n, today) {
    return figures(n, 'sentenceEnd', 'termMonths', 'pretrialCustodyDays', 'commutedMonths') && notReleasedWords(n, today);
  },
};

/** PRISON_NOT_RELEASED's wording; with `today`, the days past the end on that day. */
function notReleasedWords(n: Numbers, today?: number): Rendered {
  const zh = `原判 ${n.termMonths} 个月，折抵羁押 ${n.pretrialCustodyDays} 天，减刑 ${n.commutedMonths} 个月，应于 ${n.sentenceEnd} 刑满释放`;
  const en = `sentence of ${n.termMonths} months, ${n.pretrialCustodyDays} days of pre-trial custody credited, ${n.commutedMonths} months commuted: due for release on ${n.sentenceEnd}`;
  if (today === undefined) return { numbers: n, explanation: `${zh}，至今仍在服刑`, explanationEn: `${en}, still serving` };
  const past = today - dayOfDate(String(n.sentenceEnd));
  return {
    numbers: { ...n, daysPastEnd: past },
    explanation: `${zh}，已超过 ${past} 天仍在服刑`,
    explanationEn: `${en}, still serving ${past} days later`,
  };
}

export const commutationParams = z
  .object({
    /** minimum served before the first commutation, by original term: < 5 y, 5–10 y, ≥ 10 y (months) */
    firstAfterMonthsUnder5y: nat,
    firstAfterMonths5to10y: nat,
    firstAfterMonths10yPlus: nat,
    /** minimum gap between commutations (months), term under 10 years / 10 years or more */
    gapMonthsUnder10y: nat,
    gapMonths10yPlus: nat,
    /** the actually served term must stay at least this share of the original term */
    minServedShare: z.number().min(0).max(1),
  })
  .strict();
type CommutationParams = z.infer<typeof commutationParams>;

export const prisonCommutationIrregular: RuleDefinition<CommutationParams> = {
  id: 'PRISON_COMMUTATION_IRREGULAR',
  title: '减刑不当',
  titleEn: 'Commutation too early, too often or too much',
  legalBasis: '刑法 第78条；最高人民法院《关于办理减刑、假释案件具体应用法律的规定》(2016) 第6条',
  domains: ['PRISON'],
  severity: 'HIGH',
  description:
    '有期徒刑：首次减刑前已执行（含判决前羁押）不足 1 年 / 1 年 6 个月 / 2 年（原判不满 5 年 / 5 至 10 年 / 10 年以上）；两次减刑间隔不足 1 年（原判不满 10 年）或 1 年 6 个月；或减刑后实际执行的刑期少于原判刑期的二分之一。',
  descriptionEn:
    'Fixed-term sentences: first commutation before 1 / 1.5 / 2 years served, pre-trial custody counted (term under 5 / 5–10 / 10 years or more); a gap under 1 year between commutations (1.5 years for terms of 10 years or more); or commutations leaving less than half the original term to be served.',
  defaults: {
    firstAfterMonthsUnder5y: 12,
    firstAfterMonths5to10y: 18,
    firstAfterMonths10yPlus: 24,
    gapMonthsUnder10y: 12,
    gapMonths10yPlus: 18,
    minServedShare: 0.5,
  },
  schema: commutationParams,
  evaluate(person, p) {
    const out = [];
    for (const r of person.PRISON) {
      const term = r.sentence.termMonths;
      if (r.sentence.kind !== 'FIXED_TERM' || term == null || r.commutations.length === 0) continue;
      const start = dayOfDate(r.sentence.startDate);
      const list = [...r.commutations].sort((a, b) => a.decidedAt.localeCompare(b.decidedAt));
      const zh: string[] = [];
      const en: string[] = [];
      const numbers: Record<string, number | string> = { termMonths: term };
      const minMonths = term < 60 ? p.firstAfterMonthsUnder5y : term < 120 ? p.firstAfterMonths5to10y : p.firstAfterMonths10yPlus;
      const first = dayOfDate(list[0].decidedAt);
      const earliest = addMonthsToDay(start, minMonths) - r.pretrialCustodyDays;
      if (first < earliest) {
        const served = first - start + r.pretrialCustodyDays;
        numbers.firstCommutation = list[0].decidedAt;
        numbers.servedDaysAtFirst = served;
        zh.push(`首次减刑（${list[0].decidedAt}）时已执行 ${served} 天，不足 ${minMonths} 个月`);
        en.push(`first commutation (${list[0].decidedAt}) after ${served} days served, under ${minMonths} months`);
      }
      const gapMonths = term < 120 ? p.gapMonthsUnder10y : p.gapMonths10yPlus;
      for (let i = 1; i < list.length; i++) {
        const prev = dayOfDate(list[i - 1].decidedAt);
        const cur = dayOfDate(list[i].decidedAt);
        if (cur < addMonthsToDay(prev, gapMonths)) {
          numbers.shortGapDays = cur - prev;
          zh.push(`${list[i - 1].decidedAt} 与 ${list[i].decidedAt} 两次减刑间隔 ${cur - prev} 天，不足 ${gapMonths} 个月`);
          en.push(
            `commutations on ${list[i - 1].decidedAt} and ${list[i].decidedAt} only ${cur - prev} days apart, under ${gapMonths} months`,
          );
          break;
        }
      }
      const total = commutedMonths(r);
      if (term - total < term * p.minServedShare) {
        numbers.commutedMonths = total;
        zh.push(`累计减刑 ${total} 个月，实际执行刑期 ${term - total} 个月，少于原判 ${term} 个月的 ${p.minServedShare * 100}%`);
        en.push(
          `${total} months commuted in all, leaving ${term - total} of ${term} months, under ${p.minServedShare * 100}% of the original term`,
        );
      }
      if (zh.length === 0) continue;
      out.push({
        severity: 'HIGH' as const,
        records: [{ domain: 'PRISON' as const, key: r.key }],
        region: r.region,
        numbers,
        explanation: `原判 ${term} 个月：${zh.join('；')}`,
        explanationEn: `sentence of ${term} months: ${en.join('; ')}`,
        fingerprint: r.key,
      });
    }
    return out;
  },
};

export const paroleParams = z.object({ minServedShare: z.number().min(0).max(1), lifeMinServedYears: nat }).strict();

export const prisonParoleIrregular: RuleDefinition<z.infer<typeof paroleParams>> = {
  id: 'PRISON_PAROLE_IRREGULAR',
  title: '假释不当',
  titleEn: 'Parole before half the term was served',
  legalBasis: '刑法 第81条',
  domains: ['PRISON'],
  severity: 'HIGH',
  description: '假释时实际执行（含判决前羁押）不足原判刑期的二分之一；无期徒刑不足 13 年。',
  descriptionEn:
    'Paroled having served (pre-trial custody counted) less than half the original term; less than 13 years for a life sentence.',
  defaults: { minServedShare: 0.5, lifeMinServedYears: 13 },
  schema: paroleParams,
  evaluate(person, p) {
    const out = [];
    for (const r of person.PRISON) {
      if (!r.parole) continue;
      const start = dayOfDate(r.sentence.startDate);
      const decided = dayOfDate(r.parole.decidedAt);
      const served = decided - start + r.pretrialCustodyDays;
      let requiredDays: number;
      let requiredZh: string;
      let requiredEn: string;
      if (r.sentence.kind === 'FIXED_TERM' && r.sentence.termMonths != null) {
        requiredDays = Math.ceil((addMonthsToDay(start, r.sentence.termMonths) - start) * p.minServedShare);
        requiredZh = `原判 ${r.sentence.termMonths} 个月的 ${p.minServedShare * 100}%（${requiredDays} 天）`;
        requiredEn = `${p.minServedShare * 100}% of ${r.sentence.termMonths} months (${requiredDays} days)`;
      } else if (r.sentence.kind === 'LIFE') {
        requiredDays = addMonthsToDay(start, 12 * p.lifeMinServedYears) - start;
        requiredZh = `无期徒刑 ${p.lifeMinServedYears} 年`;
        requiredEn = `${p.lifeMinServedYears} years for a life sentence`;
      } else continue;
      if (served >= requiredDays) continue;
      out.push({
        severity: 'HIGH' as const,
        records: [{ domain: 'PRISON' as const, key: r.key }],
        region: r.region,
        numbers: { paroledOn: r.parole.decidedAt, servedDays: served, requiredDays, servedYears: years(served) },
        explanation: `${r.parole.decidedAt} 假释时实际执行 ${served} 天，不足${requiredZh}`,
        explanationEn: `paroled on ${r.parole.decidedAt} after ${served} days served, under ${requiredEn}`,
        fingerprint: r.key,
      });
    }
    return out;
  },
};
