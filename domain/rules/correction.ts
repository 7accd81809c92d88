/**
 * Community-correction rules (社区矫正) and the cross-domain rules that need a person's records in
 * several domains: missed intake, absconding, corrections not ended, parolees never taken into
 * correction, new cases during correction, prison and correction at once.
 */
import { CORRECTION_TYPE_TERMS } from '../record-domains/correction';
import { z } from 'zod';
import { beijingDay, dayOfDate } from '../calendar';
import { day } from './format';
import { NO_PARAMETERS, type Numbers, type Rendered, type RuleDefinition, type RuleRecord, type Severity } from './types';
import { figures, wakeOnChanges } from './wake';

type Corr = RuleRecord<'COMMUNITY_CORRECTION'>;
type Prison = RuleRecord<'PRISON'>;
const nat = z.number().int().min(0).max(3650);

const TYPE_ZH = (t: Corr['correctionType']) => CORRECTION_TYPE_TERMS[t].zh;
const TYPE_EN = (t: Corr['correctionType']) => CORRECTION_TYPE_TERMS[t].en;

/** The prison record whose parole or outside execution this correction follows, if any. */
function exitOf(c: Corr, prisons: Prison[]): Prison | undefined {
  if (c.correctionType !== 'PAROLE' && c.correctionType !== 'OUTSIDE_EXECUTION') return undefined;
  const judgment = dayOfDate(c.judgmentEffectiveAt);
  let best: Prison | undefined;
  let bestGap = Infinity;
  for (const p of prisons) {
    const decided = c.correctionType === 'PAROLE' ? p.parole?.decidedAt : p.outsideExecution?.decidedAt;
    if (!decided) continue;
    const gap = Math.abs(dayOfDate(decided) - judgment);
    if (gap < bestGap && gap <= 30) {
      best = p;
      bestGap = gap;
    }
  }
  return best;
}

export const notReportedParams = z.object({ days: nat }).strict();

export const corrNotReported: RuleDefinition<z.infer<typeof notReportedParams>> = {
  id: 'CORR_NOT_REPORTED',
  title: '漏管（未按期报到）',
  titleEn: 'Not reported for correction within 10 days',
  legalBasis: '社区矫正法 第21条；《关于进一步加强社区矫正工作衔接配合管理的意见》(2016)',
  domains: ['COMMUNITY_CORRECTION', 'PRISON'],
  severity: 'HIGH',
  description: '判决、裁定生效（假释、暂予监外执行为出监之日，取自监狱记录）后 10 日内未报到，或至今没有报到记录。',
  descriptionEn:
    'No report to the correction office within 10 days after the judgment took effect (for parole and outside execution: after leaving prison, from the prison record), or no report recorded at all.',
  defaults: { days: 10 },
  schema: notReportedParams,
  evaluate(person, p, { today, wake }) {
    const out = [];
    for (const c of person.COMMUNITY_CORRECTION) {
      let base = dayOfDate(c.judgmentEffectiveAt);
      let from: keyof typeof REPORT_BASE = 'judgment';
      const exit = exitOf(c, person.PRISON);
      if (exit?.releasedAt && beijingDay(exit.releasedAt) > base) {
        base = beijingDay(exit.releasedAt);
        from = 'release';
      }
      const due = base + p.days;
      const reported = c.reportedAt ? beijingDay(c.reportedAt) : null;
      if (reported == null && today <= due) wake(due + 1);
      if (reported != null ? reported <= due : today <= due) continue;
      const records = [
        { domain: 'COMMUNITY_CORRECTION' as const, key: c.key },
        ...(exit ? [{ domain: 'PRISON' as const, key: exit.key }] : []),
      ];
      const [baseZh, baseEn] = REPORT_BASE[from];
      if (reported == null) {
        out.push({
          severity: 'HIGH' as const,
          records,
          region: c.region,
          ...notReportedWords({ since: day(base), from, due: day(due), reportedOn: 'none' }),
          fingerprint: c.key,
        });
        continue;
      }
      const late = reported - base;
      out.push({
        severity: 'HIGH' as const,
        records,
        region: c.region,
        numbers: { since: day(base), due: day(due), reportedOn: day(reported), days: late },
        explanation: `${day(base)} ${baseZh}，${day(reported)} 才报到，相隔 ${late} 天，超过 ${p.days} 日`,
        explanationEn: `${baseEn} on ${day(base)}; reported on ${day(reported)}, ${late} days later, over ${p.days} days`,
        fingerprint: c.key,
      });
    }
    return out;
  },
  render(n, today) {
    // a late report's days are fixed: its stored wording is read as it is
    if (n.reportedOn !== 'none') return null;
    return figures(n, 'since', 'from', 'due') && notReportedWords(n, today);
  },
};

/** What the 10 days of CORR_NOT_REPORTED run from. */
const REPORT_BASE = { judgment: ['判决裁定生效', 'the judgment took effect'], release: ['出监', 'release from prison'] } as const;

/** CORR_NOT_REPORTED's wording of a subject who never reported; with `today`, the days since on that day. */
function notReportedWords(n: Numbers, today?: number): Rendered {
  const [zh, en] = REPORT_BASE[n.from as keyof typeof REPORT_BASE];
  if (today === undefined)
    return {
      numbers: n,
      explanation: `${n.since} ${zh}，至今未报到（应于 ${n.due} 前报到）`,
      explanationEn: `${en} on ${n.since}; not reported (due by ${n.due})`,
    };
  const late = today - dayOfDate(String(n.since));
  return {
    numbers: { ...n, days: late },
    explanation: `${n.since} ${zh}，至今 ${late} 天未报到（应于 ${n.due} 前报到）`,
    explanationEn: `${en} on ${n.since}; not reported ${late} days later (due by ${n.due})`,
  };
}

export const abscondedParams = z
  .object({
    /** days without a check-in before an ACTIVE subject counts as absconded, by supervision level */
    checkInDaysStrict: nat,
    checkInDaysNormal: nat,
    checkInDaysLenient: nat,
    /** days past the check-in limit after which a warning is expected */
    warningAfterDays: nat,
    /** days past the check-in limit after which a revocation proposal is expected */
    revocationAfterDays: nat,
  })
  .strict();

export const corrAbsconded: RuleDefinition<z.infer<typeof abscondedParams>> = {
  id: 'CORR_ABSCONDED',
  title: '脱管',
  titleEn: 'Absconded from supervision',
  legalBasis: '《关于进一步加强社区矫正工作衔接配合管理的意见》(2016)；社区矫正法 第28条',
  domains: ['COMMUNITY_CORRECTION'],
  severity: 'HIGH',
  description:
    '状态为脱管，或在矫且超过 30 日（按监管等级可配置）没有报到记录；超期超过 10 日应予警告，超过 30 日应提请撤销缓刑、假释或收监执行。',
  descriptionEn:
    'Status ABSCONDED, or ACTIVE with no check-in for more than 30 days (configurable by supervision level); more than 10 days past that: a warning is expected; more than 1 month: a revocation proposal is expected.',
  defaults: { checkInDaysStrict: 30, checkInDaysNormal: 30, checkInDaysLenient: 30, warningAfterDays: 10, revocationAfterDays: 30 },
  schema: abscondedParams,
  evaluate(person, p, ctx) {
    const out = [];
    for (const c of person.COMMUNITY_CORRECTION) {
      if (c.status !== 'ACTIVE' && c.status !== 'ABSCONDED') continue;
      const limit =
        c.supervisionLevel === 'STRICT'
          ? p.checkInDaysStrict
          : c.supervisionLevel === 'LENIENT'
            ? p.checkInDaysLenient
            : p.checkInDaysNormal;
      const lastAt = c.lastCheckInAt ?? c.reportedAt;
      const last = lastAt ? beijingDay(lastAt) : dayOfDate(c.startDate);
      const severity = (d: number): Severity | null => {
        const over = d - last - limit;
        if (c.status === 'ABSCONDED' || over > p.revocationAfterDays) return 'HIGH';
        return over > p.warningAfterDays ? 'MEDIUM' : over > 0 ? 'LOW' : null;
      };
      const limitDay = last + limit;
      wakeOnChanges(ctx, [limitDay + 1, limitDay + p.warningAfterDays + 1, limitDay + p.revocationAfterDays + 1], severity);
      const found = severity(ctx.today);
      if (!found) continue;
      out.push({
        severity: found,
        records: [{ domain: 'COMMUNITY_CORRECTION' as const, key: c.key }],
        region: c.region,
        ...abscondedWords({ status: c.status, lastCheckIn: day(last), limitDays: limit }, found),
        fingerprint: c.key,
      });
    }
    return out;
  },
  render(n, today, severity) {
    return figures(n, 'status', 'lastCheckIn', 'limitDays') && abscondedWords(n, severity, today);
  },
};

/** What is expected of the office at each severity of CORR_ABSCONDED. */
const ABSCONDED_ACTION: Record<Severity, readonly [string, string]> = {
  HIGH: ['，应提请撤销或收监执行', '; a revocation proposal is expected'],
  MEDIUM: ['，应予警告', '; a warning is expected'],
  LOW: ['', ''],
  CRITICAL: ['', ''],
};

/** CORR_ABSCONDED's wording; with `today`, the days without a check-in on that day. */
function abscondedWords(n: Numbers, severity: Severity, today?: number): Rendered {
  const [actionZh, actionEn] = ABSCONDED_ACTION[severity];
  const [absconded, absEn] = n.status === 'ABSCONDED' ? ['已登记为脱管，', 'recorded as absconded; '] : ['', ''];
  if (today === undefined)
    return {
      numbers: n,
      explanation: `${absconded}最后一次报到 ${n.lastCheckIn}，此后未再报到（期限 ${n.limitDays} 日）${actionZh}`,
      explanationEn: `${absEn}last check-in on ${n.lastCheckIn}, none since (limit ${n.limitDays} days)${actionEn}`,
    };
  const silent = today - dayOfDate(String(n.lastCheckIn));
  return {
    numbers: { ...n, daysWithoutCheckIn: silent },
    explanation: `${absconded}最后一次报到 ${n.lastCheckIn}，已 ${silent} 天未报到（期限 ${n.limitDays} 日）${actionZh}`,
    explanationEn: `${absEn}last check-in on ${n.lastCheckIn}, ${silent} days without one (limit ${n.limitDays} days)${actionEn}`,
  };
}

export const corrNotTerminated: RuleDefinition<Record<string, never>> = {
  id: 'CORR_NOT_TERMINATED',
  title: '矫正期满未解除',
  titleEn: 'Correction over but not ended',
  legalBasis: '社区矫正法 第44条',
  domains: ['COMMUNITY_CORRECTION'],
  severity: 'MEDIUM',
  description: '矫正期满（结束日期早于今天）而状态仍为在矫。',
  descriptionEn: 'The correction period ended (end date before today) and the status is still ACTIVE.',
  defaults: {},
  schema: NO_PARAMETERS,
  evaluate(person, _p, { today, wake }) {
    const out = [];
    for (const c of person.COMMUNITY_CORRECTION) {
      const end = dayOfDate(c.endDate);
      if (c.status !== 'ACTIVE') continue;
      if (end >= today) {
        wake(end + 1);
        continue;
      }
      out.push({
        severity: 'MEDIUM' as const,
        records: [{ domain: 'COMMUNITY_CORRECTION' as const, key: c.key }],
        region: c.region,
        ...notTerminatedWords({ endDate: c.endDate, correctionType: c.correctionType }),
        fingerprint: c.key,
      });
    }
    return out;
  },
  render(n, today) {
    return figures(n, 'endDate', 'correctionType') && notTerminatedWords(n, today);
  },
};

/** CORR_NOT_TERMINATED's wording; with `today`, the days past the end on that day. */
function notTerminatedWords(n: Numbers, today?: number): Rendered {
  const type = n.correctionType as Corr['correctionType'];
  const [zh, en] = [`${TYPE_ZH(type)}考验期于 ${n.endDate} 届满`, `the ${TYPE_EN(type)} period ended on ${n.endDate}`];
  if (today === undefined) return { numbers: n, explanation: `${zh}，至今仍未解除矫正`, explanationEn: `${en}; still ACTIVE` };
  const past = today - dayOfDate(String(n.endDate));
  return {
    numbers: { ...n, daysPastEnd: past },
    explanation: `${zh}，已过 ${past} 天仍未解除矫正`,
    explanationEn: `${en}; still ACTIVE ${past} days later`,
  };
}

export const missingAfterParoleParams = z.object({ days: nat }).strict();

export const corrMissingAfterParole: RuleDefinition<z.infer<typeof missingAfterParoleParams>> = {
  id: 'CORR_MISSING_AFTER_PAROLE',
  title: '假释、暂予监外执行后未纳入社区矫正',
  titleEn: 'Paroled but never taken into correction',
  legalBasis: '社区矫正法 第20条、第21条',
  domains: ['PRISON', 'COMMUNITY_CORRECTION'],
  severity: 'HIGH',
  description: '监狱记录为假释或暂予监外执行，出监 10 日后仍没有该人此后开始的社区矫正记录（任何来源）。',
  descriptionEn:
    'A prison record PAROLED or OUTSIDE_EXECUTION, and 10 days after leaving prison no community correction of the person (in any source) that began since.',
  defaults: { days: 10 },
  schema: missingAfterParoleParams,
  evaluate(person, p, { today, wake }) {
    const out = [];
    for (const r of person.PRISON) {
      if (r.status !== 'PAROLED' && r.status !== 'OUTSIDE_EXECUTION') continue;
      const decidedAt = r.status === 'PAROLED' ? r.parole?.decidedAt : r.outsideExecution?.decidedAt;
      const decided = decidedAt ? dayOfDate(decidedAt) : null;
      const left = r.releasedAt ? beijingDay(r.releasedAt) : decided;
      if (left == null) continue;
      const from = (decided ?? left) - p.days;
      const covered = person.COMMUNITY_CORRECTION.some((c) => dayOfDate(c.startDate) >= from || dayOfDate(c.judgmentEffectiveAt) >= from);
      if (covered) continue;
      if (today <= left + p.days) {
        wake(left + p.days + 1);
        continue;
      }
      out.push({
        severity: 'HIGH' as const,
        records: [{ domain: 'PRISON' as const, key: r.key }],
        region: r.region,
        ...missingWords({ leftPrison: day(left), status: r.status, limitDays: p.days }),
        fingerprint: r.key,
      });
    }
    return out;
  },
  render(n, today) {
    return figures(n, 'leftPrison', 'status', 'limitDays') && missingWords(n, today);
  },
};

/** CORR_MISSING_AFTER_PAROLE's wording; with `today`, the days since leaving prison on that day. */
function missingWords(n: Numbers, today?: number): Rendered {
  const [kindZh, kindEn] = n.status === 'PAROLED' ? ['假释', 'paroled'] : ['暂予监外执行', 'released to serve outside prison'];
  const [left, limit] = [String(n.leftPrison), n.limitDays];
  if (today === undefined)
    return {
      numbers: n,
      explanation: `${left} ${kindZh}出监，至今仍无社区矫正记录（应在 ${limit} 日内纳入）`,
      explanationEn: `${kindEn} on ${left}; no community correction recorded since (due within ${limit} days)`,
    };
  const since = today - dayOfDate(left);
  return {
    numbers: { ...n, daysSince: since },
    explanation: `${left} ${kindZh}出监，${since} 天后仍无社区矫正记录（应在 ${limit} 日内纳入）`,
    explanationEn: `${kindEn} on ${left}; ${since} days later no community correction recorded (due within ${limit} days)`,
  };
}

export const crossReoffending: RuleDefinition<Record<string, never>> = {
  id: 'CROSS_REOFFENDING',
  title: '社区矫正期间再违法犯罪',
  titleEn: 'New case while under correction',
  legalBasis: '社区矫正法 第28条、第46条',
  domains: ['COMMUNITY_CORRECTION', 'ENFORCEMENT_CASE', 'DETENTION'],
  severity: 'HIGH',
  description: '在矫期间（在矫状态的矫正期内）发生新的行政执法案件（立案日）或新的羁押（入所日）。',
  descriptionEn: 'A new enforcement case (filed) or a new custody (admitted) inside the period of an ACTIVE correction.',
  defaults: {},
  schema: NO_PARAMETERS,
  evaluate(person, _p, { today, wake }) {
    const out = [];
    for (const c of person.COMMUNITY_CORRECTION) {
      if (c.status !== 'ACTIVE') continue;
      const start = dayOfDate(c.startDate);
      const end = Math.min(dayOfDate(c.endDate), today);
      const news = [
        ...person.ENFORCEMENT_CASE.map((e) => ({
          domain: 'ENFORCEMENT_CASE' as const,
          key: e.key,
          at: beijingDay(e.filedAt),
          zh: `行政执法案件立案（${e.caseNumber}）`,
          en: `enforcement case filed (${e.caseNumber})`,
        })),
        ...person.DETENTION.map((d) => ({
          domain: 'DETENTION' as const,
          key: d.key,
          at: beijingDay(d.admittedAt),
          zh: `被羁押入所（${d.caseNumber}）`,
          en: `taken into custody (${d.caseNumber})`,
        })),
      ];
      for (const n of news) {
        if (n.at >= start && n.at <= dayOfDate(c.endDate) && n.at > today) wake(n.at);
        if (n.at < start || n.at > end) continue;
        out.push({
          severity: 'HIGH' as const,
          records: [
            { domain: 'COMMUNITY_CORRECTION' as const, key: c.key },
            { domain: n.domain, key: n.key },
          ],
          region: c.region,
          numbers: { correctionFrom: c.startDate, correctionTo: c.endDate, newCaseOn: day(n.at), daysIntoCorrection: n.at - start },
          explanation: `${TYPE_ZH(c.correctionType)}矫正期（${c.startDate} 至 ${c.endDate}）内第 ${n.at - start} 天，${day(n.at)} ${n.zh}`,
          explanationEn: `${n.at - start} days into ${TYPE_EN(c.correctionType)} (${c.startDate} to ${c.endDate}): ${n.en} on ${day(n.at)}`,
          fingerprint: `${c.key}|${n.key}`,
        });
      }
    }
    return out;
  },
};

export const crossConflict: RuleDefinition<Record<string, never>> = {
  id: 'CROSS_CONFLICT',
  title: '服刑与社区矫正状态冲突',
  titleEn: 'In prison and in correction at once',
  legalBasis: '—',
  domains: ['PRISON', 'COMMUNITY_CORRECTION'],
  severity: 'MEDIUM',
  description: '监狱记录为服刑中，同时有已开始的在矫社区矫正记录：至少一个部门的数据有误。',
  descriptionEn:
    "A prison record SERVING and, at the same time, an ACTIVE correction that has begun: at least one department's data is wrong.",
  defaults: {},
  schema: NO_PARAMETERS,
  evaluate(person, _p, { today, wake }) {
    const out = [];
    for (const r of person.PRISON) {
      if (r.status !== 'SERVING') continue;
      for (const c of person.COMMUNITY_CORRECTION) {
        if (c.status !== 'ACTIVE' || dayOfDate(c.endDate) < beijingDay(r.admittedAt)) continue;
        if (dayOfDate(c.startDate) > today) {
          wake(dayOfDate(c.startDate));
          continue;
        }
        out.push({
          severity: 'MEDIUM' as const,
          records: [
            { domain: 'PRISON' as const, key: r.key },
            { domain: 'COMMUNITY_CORRECTION' as const, key: c.key },
          ],
          region: r.region,
          numbers: { prisonAdmitted: day(beijingDay(r.admittedAt)), correctionFrom: c.startDate, correctionTo: c.endDate },
          explanation: `自 ${day(beijingDay(r.admittedAt))} 在监狱服刑，同时自 ${c.startDate} 起处于${TYPE_ZH(c.correctionType)}社区矫正中（至 ${c.endDate}）`,
          explanationEn: `serving in prison since ${day(beijingDay(r.admittedAt))} and under ${TYPE_EN(c.correctionType)} correction since ${c.startDate} (until ${c.endDate}) at once`,
          fingerprint: `${r.key}|${c.key}`,
        });
      }
    }
    return out;
  },
};
