/** Two-law linkage rules (两法衔接): cases over the criminal threshold never transferred, late transfers. */
import { z } from 'zod';
import { beijingDay } from '../calendar';
import { day, yuan } from './format';
import type { RuleDefinition } from './types';

const amount = z.number().min(0).nullable();
const threshold = z
  .object({
    /** amountInvolved (sales, turnover, loss) at or above which the case must be transferred; null: not used */
    amount,
    /** illegalGain at or above which the case must be transferred; null: not used */
    gain: amount,
    /** any amount: every penalised case of the category is over the threshold */
    anyAmount: z.boolean(),
  })
  .strict();

export const notTransferredParams = z
  .object({
    FOOD_DRUG: threshold,
    COUNTERFEIT: threshold,
    TRADEMARK: threshold,
    ENVIRONMENT: threshold,
    TAX: threshold,
    LABOUR: threshold,
    SAFETY: threshold,
    OTHER: threshold,
  })
  .strict();
type NotTransferredParams = z.infer<typeof notTransferredParams>;

const none = { amount: null, gain: null, anyAmount: false };

export const enfNotTransferred: RuleDefinition<NotTransferredParams> = {
  id: 'ENF_NOT_TRANSFERRED',
  title: '应移未移、以罚代刑',
  titleEn: 'Over the criminal threshold, fined and never transferred',
  legalBasis: '国务院《行政执法机关移送涉嫌犯罪案件的规定》(令第310号) 第3条、第11条；《公安机关管辖的刑事案件立案追诉标准的规定》',
  domains: ['ENFORCEMENT_CASE'],
  severity: 'HIGH',
  description:
    '已作行政处罚而未移送公安机关，且达到刑事立案追诉标准：生产、销售伪劣产品销售金额 5 万元以上；假冒注册商标非法经营额 5 万元以上或违法所得 3 万元以上；生产、销售假药或有毒有害食品不论数额；污染环境违法所得或损失 30 万元以上。其他类别的标准可由管理员配置（默认不判断）。',
  descriptionEn:
    'Penalised and not transferred to the police although over the threshold for criminal prosecution: counterfeit or shoddy goods sales of 50,000 yuan or more; trademark counterfeiting turnover of 50,000 or gain of 30,000 or more; fake drugs or poisonous food of any amount; environmental pollution with illegal gain or loss of 300,000 or more. Thresholds of other categories can be set by an administrator (not checked by default).',
  defaults: {
    FOOD_DRUG: { amount: null, gain: null, anyAmount: true },
    COUNTERFEIT: { amount: 50_000, gain: null, anyAmount: false },
    TRADEMARK: { amount: 50_000, gain: 30_000, anyAmount: false },
    ENVIRONMENT: { amount: 300_000, gain: 300_000, anyAmount: false },
    TAX: none,
    LABOUR: none,
    SAFETY: none,
    OTHER: none,
  },
  schema: notTransferredParams,
  evaluate(person, p) {
    const out = [];
    for (const e of person.ENFORCEMENT_CASE) {
      if (!e.penalty || e.transfer?.transferredAt) continue;
      const t = p[e.category];
      const gain = e.illegalGain ?? null;
      let zh: string | null = null;
      let en: string | null = null;
      if (t.anyAmount) {
        zh = '该类案件不论数额均应移送';
        en = 'cases of this category must be transferred whatever the amount';
      } else if (t.amount != null && e.amountInvolved >= t.amount) {
        zh = `涉案金额 ${yuan(e.amountInvolved)} 元，达到追诉标准 ${yuan(t.amount)} 元`;
        en = `amount involved ${yuan(e.amountInvolved)} yuan, at or over the threshold of ${yuan(t.amount)}`;
      } else if (t.gain != null && gain != null && gain >= t.gain) {
        zh = `违法所得 ${yuan(gain)} 元，达到追诉标准 ${yuan(t.gain)} 元`;
        en = `illegal gain ${yuan(gain)} yuan, at or over the threshold of ${yuan(t.gain)}`;
      }
      if (!zh) continue;
      const decided = beijingDay(e.penalty.decidedAt);
      out.push({
        severity: 'HIGH' as const,
        records: [{ domain: 'ENFORCEMENT_CASE' as const, key: e.key }],
        region: e.region,
        numbers: {
          category: e.category,
          amountInvolved: e.amountInvolved,
          illegalGain: gain ?? 'none',
          penaltyOn: day(decided),
          penaltyAmount: e.penalty.amount,
        },
        explanation: `${e.caseNumber}：${zh}；${day(decided)} 仅作${e.penalty.kind} ${yuan(e.penalty.amount)} 元，未移送公安机关`,
        explanationEn: `${e.caseNumber}: ${en}; only penalised (${yuan(e.penalty.amount)} yuan) on ${day(decided)}, never transferred to the police`,
        fingerprint: e.key,
      });
    }
    return out;
  },
};

const nat = z.number().int().min(0).max(3650);
export const transferLateParams = z.object({ decisionDays: nat, handOverHours: nat, policeDecisionDays: nat }).strict();

export const enfTransferLate: RuleDefinition<z.infer<typeof transferLateParams>> = {
  id: 'ENF_TRANSFER_LATE',
  title: '移送迟延',
  titleEn: 'Transfer decided or handed over late',
  legalBasis: '国务院《行政执法机关移送涉嫌犯罪案件的规定》(令第310号) 第5条、第8条',
  domains: ['ENFORCEMENT_CASE'],
  severity: 'MEDIUM',
  description: '报告后超过 3 日才作出移送决定，决定后超过 24 小时才移送，或公安机关接受后超过 3 日才作出立案决定。',
  descriptionEn:
    'The transfer decided more than 3 days after the report, handed over more than 24 hours after the decision, or the police decided on filing more than 3 days after receiving it.',
  defaults: { decisionDays: 3, handOverHours: 24, policeDecisionDays: 3 },
  schema: transferLateParams,
  evaluate(person, p) {
    const out = [];
    for (const e of person.ENFORCEMENT_CASE) {
      const t = e.transfer;
      if (!t) continue;
      const zh: string[] = [];
      const en: string[] = [];
      const numbers: Record<string, number | string> = {};
      if (t.reportedAt && t.decidedAt) {
        const d = beijingDay(t.decidedAt) - beijingDay(t.reportedAt);
        if (d > p.decisionDays) {
          numbers.decisionDays = d;
          zh.push(`报告后第 ${d} 天才作出移送决定（期限 ${p.decisionDays} 日）`);
          en.push(`transfer decided ${d} days after the report (limit ${p.decisionDays})`);
        }
      }
      if (t.decidedAt && t.transferredAt) {
        const h = Math.floor((t.transferredAt.getTime() - t.decidedAt.getTime()) / 3_600_000);
        if (t.transferredAt.getTime() - t.decidedAt.getTime() > p.handOverHours * 3_600_000) {
          numbers.handOverHours = h;
          zh.push(`决定后 ${h} 小时才移送（期限 ${p.handOverHours} 小时）`);
          en.push(`handed over ${h} hours after the decision (limit ${p.handOverHours})`);
        }
      }
      if (t.transferredAt && t.policeDecidedAt) {
        const d = beijingDay(t.policeDecidedAt) - beijingDay(t.transferredAt);
        if (d > p.policeDecisionDays) {
          numbers.policeDecisionDays = d;
          zh.push(`公安机关接受后第 ${d} 天才作出立案决定（期限 ${p.policeDecisionDays} 日）`);
          en.push(`the police decided ${d} days after receiving it (limit ${p.policeDecisionDays})`);
        }
      }
      if (zh.length === 0) continue;
      out.push({
        severity: 'MEDIUM' as const,
        records: [{ domain: 'ENFORCEMENT_CASE' as const, key: e.key }],
        region: e.region,
        numbers,
        explanation: `${e.caseNumber}：${zh.join('；')}`,
        explanationEn: `${e.caseNumber}: ${en.join('; ')}`,
        fingerprint: e.key,
      });
    }
    return out;
  },
};
