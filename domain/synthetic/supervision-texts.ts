/**
 * The Chinese texts of the demo supervision documents and consultations (supervision.ts): facts drawn
 * from the records a document rests on, the legal basis of the rule that found them, what is asked,
 * and the two sides' words at each step, per rule family. Templates, filled from generated records:
 * no real case or person.
 */
import { ruleById } from '../rules';
import { CORRECTION_TYPE_TERMS } from '../record-domains/correction';
import { STAGE_TERMS } from '../record-domains/detention';
import { KIND_LABELS, type DocumentKind, type DocumentSettings, type Rectification } from '../documents';
import type { AnySyntheticItem } from './generate';
import type { SyntheticRuleId } from './planted';
import type { Rng } from './random';
import { dayOf, isoDay } from './time';

/** Which unit answers, and so which words fit: detention centre, prison, correction office, enforcement agency. */
export type RuleFamily = 'DETENTION' | 'PRISON' | 'CORRECTION' | 'ENFORCEMENT' | 'DATA';

export function familyOf(rule: SyntheticRuleId, item: AnySyntheticItem): RuleFamily {
  if (rule === 'DATA_LATE_ENTRY') return 'DATA';
  switch (item.domain) {
    case 'DETENTION':
      return 'DETENTION';
    case 'PRISON':
      return 'PRISON';
    case 'COMMUNITY_CORRECTION':
      return 'CORRECTION';
    default:
      return 'ENFORCEMENT';
  }
}

/** `2026年3月5日` of an ISO date or instant (its Beijing day). */
export function cnDate(value: string | null | undefined): string {
  if (!value) return '（日期不详）';
  const day = value.length === 10 ? dayOf(Date.parse(`${value}T00:00:00+08:00`)) : dayOf(Date.parse(value));
  const [y, m, d] = isoDay(day).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** `86,500元` */
export function yuan(n: number): string {
  return `${n.toLocaleString('en-US')}元`;
}

/** `有期徒刑三年六个月` style, in digits: `有期徒刑3年6个月`. */
function term(months: number | null | undefined, kind: string | null | undefined): string {
  if (kind === 'LIFE') return '无期徒刑';
  if (kind === 'DEATH_REPRIEVE') return '死刑缓期二年执行';
  if (!months) return '有期徒刑';
  const y = Math.floor(months / 12);
  const m = months % 12;
  return `有期徒刑${y ? `${y}年` : ''}${m ? `${m}个月` : ''}`;
}

const CN_NUMBERS = ['零', '一', '两', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

/** One record's part of a document's facts, by the rule that found it. */
function factOf(rule: SyntheticRuleId, item: AnySyntheticItem): string {
  const name = item.record.name;
  if (rule === 'DATA_LATE_ENTRY') {
    const what = { DETENTION: '羁押', PRISON: '罪犯服刑', COMMUNITY_CORRECTION: '社区矫正', ENFORCEMENT_CASE: '行政执法案件' }[item.domain];
    return `你单位${what}记录（编号${item.record.externalId}，涉及${name}）所载事项发生于${cnDate(item.record.eventAt as string)}，至${cnDate(item.deliveredAt.toISOString())}方录入信息共享平台，超过七个工作日的录入时限`;
  }
  switch (item.domain) {
    case 'DETENTION': {
      const r = item.record;
      const stage = STAGE_TERMS[r.stage].zh;
      if (rule === 'DET_LONG_NO_VERDICT')
        return `在押人员${name}（案号${r.caseNumber}）自${cnDate(r.admittedAt as string)}入所羁押，至今已逾五年，案件仍处于${stage}阶段，属久押不决案件，你所未按规定逐案报告羁押情况`;
      if (rule === 'DET_EXTRACTION_AFTER_EXPIRY') {
        const ex = (r.extractions ?? []).at(-1);
        return ex
          ? `在押人员${name}（案号${r.caseNumber}）侦查羁押期限届满后，你所于${cnDate(ex.at as string)}凭${ex.warrantNumber}将其交由${ex.by}${ex.purpose}，未见延长羁押期限或变更强制措施的法律文书`
          : `在押人员${name}（案号${r.caseNumber}）侦查羁押期限届满后仍被提讯提解，未见延长羁押期限的法律文书`;
      }
      if (rule === 'DET_NOT_DELIVERED')
        return `罪犯${name}（案号${r.caseNumber}）判决已发生法律效力，自${cnDate(r.stageStartedAt as string)}起待交付执行，逾一个月仍未送交监狱执行刑罚`;
      return `在押人员${name}（案号${r.caseNumber}）自${cnDate(r.stageStartedAt as string)}起处于${stage}阶段，该阶段羁押期限${r.stageDeadline ? `已于${cnDate(r.stageDeadline as string)}届满` : '已届满'}，办案机关${r.handlingAuthority}未依法办理延长羁押期限手续，你所未按规定在期限届满前发出羁押期限届满通知并报告本院，致使其被超期羁押`;
    }
    case 'PRISON': {
      const r = item.record;
      const sentence = `因${r.crime}被判处${term(r.sentence.termMonths, r.sentence.kind)}`;
      if (rule === 'PRISON_NOT_RELEASED')
        return `罪犯${name}${sentence}，刑期${r.expectedReleaseDate ? `已于${cnDate(r.expectedReleaseDate as string)}届满` : '已届满'}，你监至今未办理释放手续`;
      if (rule === 'PRISON_COMMUTATION_IRREGULAR') {
        const list = (r.commutations ?? []).map((c) => `${cnDate(c.decidedAt as string)}减刑${c.months}个月`).join('、');
        return `罪犯${name}${sentence}，${list}，减刑起始时间、间隔或幅度不符合规定，你监提请减刑时未严格审查`;
      }
      if (rule === 'PRISON_PAROLE_IRREGULAR')
        return `罪犯${name}${sentence}，于${cnDate(r.parole?.decidedAt as string)}被裁定假释，实际执行刑期不足原判刑期的二分之一，你监提请假释时未严格审查假释条件`;
      if (rule === 'CORR_MISSING_AFTER_PAROLE') {
        const decided = (r.parole?.decidedAt ?? r.outsideExecution?.decidedAt) as string | undefined;
        return `罪犯${name}${sentence}，于${cnDate(decided)}被${r.parole ? '裁定假释' : '决定暂予监外执行'}离监，你监未依法将其移交居住地社区矫正机构，至今未纳入社区矫正，处于漏管状态`;
      }
      return `罪犯${name}${sentence}，在你监的执行状态为在押服刑，但同时被社区矫正机构列为在矫对象，两部门执行信息相互矛盾，你监未及时核对并通报刑罚执行变动情况`;
    }
    case 'COMMUNITY_CORRECTION': {
      const r = item.record;
      const type = CORRECTION_TYPE_TERMS[r.correctionType].zh;
      if (rule === 'CORR_NOT_REPORTED')
        return `社区矫正对象${name}（${type}）判决、裁定于${cnDate(r.judgmentEffectiveAt as string)}生效，${r.reportedAt ? `至${cnDate(r.reportedAt as string)}方到你局报到` : '至今未到你局报到'}，超过法定十日报到期限，你局未及时查找并通报`;
      if (rule === 'CORR_ABSCONDED')
        return `社区矫正对象${name}（${type}）最后一次报到为${cnDate(r.lastCheckInAt as string)}，此后长期未按规定报到${r.status === 'ABSCONDED' ? '，已脱离监管' : ''}，你局未依法及时给予警告或提请撤销${type}`;
      if (rule === 'CORR_NOT_TERMINATED')
        return `社区矫正对象${name}（${type}）矫正期限已于${cnDate(r.endDate as string)}届满，你局至今未依法宣告解除社区矫正`;
      return `社区矫正对象${name}（${type}，矫正期限${cnDate(r.startDate as string)}至${cnDate(r.endDate as string)}）在矫正期间再次违法犯罪被查处，你局未及时掌握并依法处置`;
    }
    case 'ENFORCEMENT_CASE': {
      const r = item.record;
      const who = r.company?.name ?? name;
      const amounts = `涉案金额${yuan(r.amountInvolved ?? 0)}${r.illegalGain ? `、违法所得${yuan(r.illegalGain)}` : ''}`;
      if (rule === 'ENF_NOT_TRANSFERRED')
        return `你局于${cnDate(r.filedAt as string)}立案查处的${who}${r.violation}案（案号${r.caseNumber}），${amounts}，已达到刑事立案追诉标准，你局仅作出${r.penalty?.kind ?? '行政处罚'}${r.penalty ? `（${yuan(r.penalty.amount)}）` : ''}，未依法移送公安机关，存在以罚代刑问题`;
      const t = r.transfer;
      return `你局查处的${who}${r.violation}案（案号${r.caseNumber}），${t ? `于${cnDate(t.reportedAt as string)}报请移送，${cnDate(t.decidedAt as string)}作出移送决定，${cnDate(t.transferredAt as string)}移送${t.receivingAuthority}，` : ''}移送及受理环节超过《行政执法机关移送涉嫌犯罪案件的规定》规定的时限，你局未及时跟踪督促`;
    }
  }
}

const REQUESTS: Readonly<Record<SyntheticRuleId, string>> = {
  DET_OVERDUE_STAGE: '立即督促办案机关依法变更强制措施或办理延长羁押期限手续，严格执行羁押期限届满提示和报告制度，杜绝超期羁押。',
  DET_EXPIRY_WARNING: '在羁押期限届满前及时通知办案机关并报告本院。',
  DET_LONG_NO_VERDICT: '逐案报告久押不决案件的羁押情况，督促办案机关依法加快办理，完善羁押期限预警机制。',
  DET_EXTRACTION_AFTER_EXPIRY: '严格执行提讯提解审查制度，对羁押期限届满的在押人员不得凭原提讯证办理提讯提解，并对相关责任人员依规处理。',
  DET_NOT_DELIVERED: '立即协调有关机关依法将罪犯送交监狱执行刑罚，并建立判决生效后交付执行的跟踪提示机制。',
  PRISON_NOT_RELEASED: '立即核实刑期，依法为罪犯办理释放手续，并全面排查刑期计算错误问题。',
  PRISON_COMMUTATION_IRREGULAR: '重新审查相关减刑提请材料，严格执行减刑起始时间、间隔和幅度的规定，完善减刑提请审核程序。',
  PRISON_PAROLE_IRREGULAR: '对该假释案件重新审查，严格把握假释的实质条件，完善假释提请审核程序。',
  CORR_NOT_REPORTED: '立即核查该社区矫正对象的报到情况并依法处置，健全与决定机关、监狱的衔接机制，防止漏管。',
  CORR_ABSCONDED: '立即组织查找该社区矫正对象，依法给予警告或提请撤销缓刑、假释，落实日常监督管理措施，防止脱管。',
  CORR_NOT_TERMINATED: '立即依法宣告解除社区矫正，并排查矫正期满未解除的其他情形。',
  CORR_MISSING_AFTER_PAROLE: '立即与居住地社区矫正机构核对交接情况，依法办理交付手续，确保该罪犯纳入社区矫正。',
  CROSS_REOFFENDING:
    '立即核实该社区矫正对象在矫正期间的违法犯罪情况，依法提请撤销缓刑或给予相应处置，加强与公安机关、行政执法机关的信息通报。',
  CROSS_CONFLICT: '立即核实该罪犯的实际执行状态，与社区矫正机构核对并更正执行信息，依法办理相关法律手续。',
  ENF_NOT_TRANSFERRED: '依照《行政执法机关移送涉嫌犯罪案件的规定》及时将该案移送公安机关，并对同类案件开展排查，杜绝以罚代刑。',
  ENF_TRANSFER_LATE: '严格执行涉嫌犯罪案件移送时限规定，完善移送审批和跟踪督促机制。',
  DATA_LATE_ENTRY: '落实信息共享平台录入时限要求，明确录入责任人，确保案件信息及时、准确、完整录入。',
};

/** A rule's legal basis as the documents cite it (the rule table's, where it gives one). */
const BASIS_OVERRIDE: Partial<Record<SyntheticRuleId, string>> = {
  CROSS_CONFLICT: '刑事诉讼法 第265条；社区矫正法 第20条',
};

/** The reply period asked for, in the document's own words. */
function replyClause(kind: DocumentKind, urgent: boolean, replyWithinDays: number | null, settings: DocumentSettings): string {
  const paper = kind === 'RECOMMENDATION' ? '本检察建议书' : '本通知书';
  const what = kind === 'RECOMMENDATION' ? '采纳和整改情况' : '纠正情况';
  if (urgent) return `本件为急件，请于收到${paper}之日起${settings.urgentWorkingDays}个工作日内将${what}书面回复本院。`;
  if (replyWithinDays) return `请于收到${paper}之日起${replyWithinDays}日内将${what}书面回复本院。`;
  return kind === 'RECOMMENDATION'
    ? `请于收到${paper}之日起${CN_NUMBERS[settings.recommendationMonths] ?? settings.recommendationMonths}个月内将${what}书面回复本院。`
    : `请于收到${paper}之日起${settings.correctionNoticeDays}日内将${what}书面回复本院。`;
}

const DUTY: Readonly<Record<RuleFamily, string>> = {
  DETENTION: '看守所检察',
  PRISON: '监狱检察',
  CORRECTION: '社区矫正检察',
  ENFORCEMENT: '行政执法与刑事司法衔接监督',
  DATA: '两法衔接信息共享平台巡查',
};

const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export interface DocumentTexts {
  facts: string;
  legalBasis: string;
  request: string;
}

/** Facts, legal basis and request of a document on `items` (one rule, one addressee). */
export function documentTexts(
  rule: SyntheticRuleId,
  kind: DocumentKind,
  items: readonly AnySyntheticItem[],
  o: { urgent: boolean; replyWithinDays: number | null; settings: DocumentSettings },
): DocumentTexts {
  const family = familyOf(rule, items[0]);
  const parts = items.map((i) => factOf(rule, i));
  const facts =
    parts.length === 1
      ? `本院在履行${DUTY[family]}职责中发现：${parts[0]}。`
      : `本院在履行${DUTY[family]}职责中发现：${parts.map((p, i) => `${ORDINALS[i]}、${p}`).join('；')}。`;
  const basis = BASIS_OVERRIDE[rule] ?? ruleById(rule)?.legalBasis ?? '';
  const legalBasis = [
    '《中华人民共和国人民检察院组织法》第二十一条',
    basis,
    kind === 'RECOMMENDATION' ? '《人民检察院检察建议工作规定》' : '《人民检察院刑事诉讼规则》第五百五十二条',
  ]
    .filter(Boolean)
    .join('；');
  const ask = kind === 'RECOMMENDATION' ? '建议你单位' : '请你单位';
  return { facts, legalBasis, request: `${ask}${REQUESTS[rule]}${replyClause(kind, o.urgent, o.replyWithinDays, o.settings)}` };
}

// -------------------------------------------------------------------------------------------------
// the steps' words

const MEASURES: Readonly<Record<RuleFamily, readonly string[]>> = {
  DETENTION: [
    '已督促办案机关依法办理相关手续；对羁押期限届满提示制度开展全面自查，明确专人每日核查在押人员羁押期限；对相关责任民警进行批评教育。',
    '已向办案机关发出羁押期限届满通知并抄报驻所检察室；修订提讯提解审查规程，对期限届满人员实行系统锁定。',
  ],
  PRISON: [
    '已重新核算刑期并报请有关机关依法处理；完善刑期计算复核制度，实行双人复核；对相关责任民警进行诫勉谈话。',
    '已重新审查相关提请材料，完善减刑假释提请审核程序，将审核情况在监区公示并接受驻监检察室监督。',
  ],
  CORRECTION: [
    '已组织人员查找并落实监管措施；开展漏管脱管专项排查；完善与法院、监狱、公安机关的衔接机制，实行矫正对象动态核查。',
    '已依法办理相关手续，对全区在矫对象开展逐人核查，建立矫正期满提前提醒机制。',
  ],
  ENFORCEMENT: [
    '已将案件移送公安机关并抄送贵院；对近三年同类案件开展排查；完善涉嫌犯罪案件移送审批流程，明确移送时限责任人。',
    '已完善移送审批和跟踪机制，建立移送案件台账，定期与公安机关、检察机关通报移送情况。',
  ],
  DATA: [
    '已明确专人负责平台录入，建立录入时限提醒机制，并完成相关信息补录。',
    '已将平台录入纳入科室月度考核，补录历史数据并定期自查录入及时率。',
  ],
};

const OBJECTIONS: Readonly<Record<RuleFamily, string>> = {
  DETENTION: '该案办案机关已于期限届满前办理延长羁押期限手续，相关审批文书未及时录入平台，我所认为不存在所指情形，申请复查。',
  PRISON: '该罪犯刑期计算已考虑判决前先行羁押及相关裁定，我监认为不存在所指问题，申请复查。',
  CORRECTION: '该社区矫正对象已按规定报到并接受监管，相关信息因系统对接原因未及时更新，申请复查。',
  ENFORCEMENT: '经复核，涉案金额中部分货值系重复计算，实际金额未达到刑事立案追诉标准，我局认为无需移送，申请复查。',
  DATA: '该记录录入延迟系平台接口故障所致，并非我单位原因，申请复查。',
};

const OUTCOME_WORDS: Readonly<Record<Rectification, string>> = {
  RECTIFIED: '所指问题已整改完毕。',
  PARTLY_RECTIFIED: '部分整改措施已落实，其余事项正在推进，预计两个月内完成。',
  NOT_RECTIFIED: '因涉及其他机关职责，我单位暂无法独立完成整改，已书面报告上级主管部门。',
};

export const SIGN_NOTES = ['签收', '已签收，转承办科室办理', '签收，已登记台账'] as const;

export function answerTexts(
  family: RuleFamily,
  kind: DocumentKind,
  rectification: Rectification,
  rng: Rng,
  again = false,
): { text: string; measures: string } {
  const label = KIND_LABELS[kind];
  const opening = again
    ? `根据贵院要求，现就${label}整改情况重新回复如下：`
    : `收到${label}后，我单位高度重视，立即组织核查，所指问题属实。`;
  return { text: `${opening}${OUTCOME_WORDS[rectification]}`, measures: rng.pick(MEASURES[family]) };
}

export function objectionReasons(family: RuleFamily): string {
  return OBJECTIONS[family];
}

export const UPHOLD_REASONS = '经复查，你单位未能提供相应证明材料，异议理由不能成立，维持原文书意见，请按期回复。';
export const REVISE_NOTE = '经复查，部分采纳你单位异议意见，对建议事项予以修改。';
export const WITHDRAW_NOTE = '经复查，你单位提供的材料证明异议理由成立，决定撤回本文书。';
export const ASK_AGAIN_NOTE = '回复未说明具体整改措施和责任追究情况，请重新书面回复。';
export const CLOSE_OVERDUE_NOTE = '逾期未回复，经督促仍未整改，已报告上级人民检察院并通报其上级主管机关，本件办结。';

export function revisedRequest(kind: DocumentKind, o: { urgent: boolean; replyWithinDays: number | null; settings: DocumentSettings }) {
  const ask = kind === 'RECOMMENDATION' ? '建议你单位' : '请你单位';
  return `${ask}对所指问题进行全面核查，将核查结果及已采取的措施书面回复本院。${replyClause(kind, o.urgent, o.replyWithinDays, o.settings)}`;
}

export const ACCEPT_NOTES: Readonly<Record<Rectification, string>> = {
  RECTIFIED: '经跟进核查，整改措施已落实到位，予以采纳，本件办结。',
  PARTLY_RECTIFIED: '部分整改到位，其余事项纳入日常监督继续跟进。',
  NOT_RECTIFIED: '未整改到位，已报告上级人民检察院并通报其上级主管机关。',
};

export function reportNote(superiorName: string): string {
  return `已按规定将本件报告${superiorName}`;
}

// -------------------------------------------------------------------------------------------------
// consultations

/** A category's criminal threshold as the rule ENF_NOT_TRANSFERRED sets it by default (docs/domain.md). */
export const CONSULTATION_THRESHOLDS: Readonly<Record<string, { crime: string; metric: string; amount: number }>> = {
  COUNTERFEIT: { crime: '生产、销售伪劣产品罪', metric: '销售金额', amount: 50_000 },
  TRADEMARK: { crime: '销售假冒注册商标的商品罪', metric: '非法经营数额', amount: 50_000 },
  ENVIRONMENT: { crime: '污染环境罪', metric: '违法所得或造成的财产损失', amount: 300_000 },
};

export interface ConsultationTexts {
  subject: string;
  question: string;
  /** the replies, alternating from the side that did not open it */
  thread: string[];
  settlement: string;
}

/** The words of a consultation about an enforcement case near its category's criminal threshold. */
export function consultationTexts(
  item: AnySyntheticItem & { domain: 'ENFORCEMENT_CASE' },
  openedByDepartment: boolean,
  departmentName: string,
  rng: Rng,
): ConsultationTexts {
  const r = item.record;
  const t = CONSULTATION_THRESHOLDS[r.category];
  const who = r.company?.name ?? r.name;
  const amount = r.amountInvolved ?? 0;
  const over = amount >= t.amount;
  const figures = `涉案金额约${yuan(amount)}${r.illegalGain ? `，违法所得${yuan(r.illegalGain)}` : ''}`;
  const police = r.transfer?.receivingAuthority ?? '公安机关';
  const answer = `经研究，${t.crime}的立案追诉标准为${t.metric}${yuan(t.amount)}以上。本案${figures}，${
    over
      ? '已达到该标准，建议你局依照《行政执法机关移送涉嫌犯罪案件的规定》第三条及时移送公安机关，并将移送情况抄送本院。'
      : '尚未达到该标准，建议进一步核查是否存在多次实施、尚未处理的违法数额等可累计计算的情形，必要时补充调查后再行研判。'
  }`;
  const settlement = over
    ? `${departmentName}已将该案移送${police}，本院已备案并跟踪公安机关立案情况。`
    : `经补充核查，涉案金额未达到追诉标准，由${departmentName}依法作出行政处罚，本院予以备案。`;
  if (openedByDepartment) {
    return {
      subject: `关于${who}${r.violation}案是否移送的咨询`,
      question: `我局于${cnDate(r.filedAt as string)}立案查处${who}${r.violation}一案（案号${r.caseNumber}），经初步核查，${figures}。该案是否达到${t.crime}的立案追诉标准、是否应当移送公安机关，请贵院给予指导意见。`,
      thread: [
        answer,
        over ? '收悉。我局将按贵院意见办理移送手续，移送后及时抄送。' : '收悉。我局已补充调取账册及销售记录，核查结果将及时反馈。',
        '请注意固定电子数据、账册等关键证据，移送时一并附送。',
        '好的，谢谢。',
      ],
      settlement,
    };
  }
  const basis = rng.pick(['现场查获货值', '销售台账', '银行流水', '鉴定意见']);
  return {
    subject: `关于${who}${r.violation}案涉案金额认定的咨询`,
    question: `本院在两法衔接信息共享平台巡查中注意到你局办理的${who}${r.violation}案（案号${r.caseNumber}），${figures}，${over ? '已超过' : '接近'}${t.crime}的立案追诉标准（${t.metric}${yuan(t.amount)}）。请你局说明涉案金额的认定依据及是否考虑移送公安机关。`,
    thread: [
      `该案涉案金额系根据${basis}认定，我局${over ? '正在办理移送审批手续' : '认为尚未达到追诉标准，拟作出行政处罚'}，相关证据材料可供查阅。`,
      '请将询问笔录、检查笔录及鉴定意见等证据材料复印件送本院审查。',
      '已按要求报送，请查收。',
      answer,
    ],
    settlement,
  };
}
