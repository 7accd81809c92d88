/** The platform's own inspection: records entered late (录入不及时). */
import { z } from 'zod';
import { beijingDay, entryLag, type EntryLimit, isLateEntry, type WorkCalendar } from '../calendar';
import { DOMAINS } from '../records';
import { day } from './format';
import type { RuleDefinition } from './types';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
export const lateEntryParams = z
  .object({
    days: z.number().int().min(0).max(3650),
    unit: z.enum(['WORKING_DAYS', 'DAYS']),
    /** weekday public holidays (not working days) */
    holidays: z.array(isoDate).max(1000),
    /** weekend days worked in exchange (调休) */
    workdays: z.array(isoDate).max(1000),
  })
  .strict();
type LateEntryParams = z.infer<typeof lateEntryParams>;

export const dataLateEntry: RuleDefinition<LateEntryParams> = {
  id: 'DATA_LATE_ENTRY',
  title: '录入不及时',
  titleEn: 'Record entered late',
  legalBasis: '各地两法衔接信息共享平台录入时限规定（可配置）',
  domains: [...DOMAINS],
  severity: 'LOW',
  description:
    '记录首次进入平台的时间晚于其事件时间超过 7 个工作日（可配置为自然日；节假日与调休工作日可配置）；此后的更正不重新计时。实时查询的部门系统的记录不在此列。',
  descriptionEn:
    'The record first reached the hub more than 7 working days after its event (configurable as calendar days; holidays and make-up working days configurable); a later correction does not restart the clock. Records read live from department systems are not checked.',
  defaults: { days: 7, unit: 'WORKING_DAYS', holidays: [], workdays: [] },
  schema: lateEntryParams,
  evaluate(person, p) {
    const out = [];
    const limit: EntryLimit = { days: p.days, unit: p.unit };
    const cal: WorkCalendar = p;
    for (const domain of DOMAINS) {
      for (const r of person[domain]) {
        // Entered when the hub first saw the record: a later correction is not a late entry.
        const entered = r.firstSeenAt ?? r.recordedAt;
        if (r.live || !isLateEntry(r.eventAt, entered, limit, cal)) continue;
        const lag = entryLag(r.eventAt, entered, limit, cal);
        const unitZh = p.unit === 'WORKING_DAYS' ? '个工作日' : '天';
        const unitEn = p.unit === 'WORKING_DAYS' ? 'working days' : 'days';
        out.push({
          severity: 'LOW' as const,
          records: [{ domain, key: r.key }],
          region: r.region,
          numbers: { eventOn: day(beijingDay(r.eventAt)), recordedOn: day(beijingDay(entered)), lag, limit: p.days, unit: p.unit },
          explanation: `事件发生于 ${day(beijingDay(r.eventAt))}，${day(beijingDay(entered))} 才录入平台，相隔 ${lag} ${unitZh}（时限 ${p.days} ${unitZh}）`,
          explanationEn: `event on ${day(beijingDay(r.eventAt))}, entered on ${day(beijingDay(entered))}: ${lag} ${unitEn} later (limit ${p.days})`,
          fingerprint: `${r.key}:${r.eventAt.toISOString()}`,
        });
      }
    }
    return out;
  },
};
