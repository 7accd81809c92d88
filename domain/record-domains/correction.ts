/** Community correction (社区矫正): probation, parole, control or serving outside prison, supervised by a justice office. */
import { z } from 'zod';
import { common, dateTime, isoDate, text, unit } from '../record-fields';
import type { RecordDomainDescription, Terms } from './types';

export const CORRECTION_TYPES = ['PROBATION', 'PAROLE', 'CONTROL', 'OUTSIDE_EXECUTION'] as const;
export const SUPERVISION_LEVELS = ['STRICT', 'NORMAL', 'LENIENT'] as const;
export const CORRECTION_STATUSES = ['ACTIVE', 'TERMINATED', 'REVOKED', 'ABSCONDED'] as const;

export const communityCorrectionSchema = z
  .object({
    ...common,
    office: unit,
    correctionType: z.enum(CORRECTION_TYPES),
    judgmentEffectiveAt: isoDate,
    reportedAt: dateTime.nullish(),
    startDate: isoDate,
    endDate: isoDate,
    lastCheckInAt: dateTime.nullish(),
    supervisionLevel: z.enum(SUPERVISION_LEVELS),
    violations: z.array(z.object({ at: dateTime, kind: text(100), sanction: text(100).nullish() }).strict()).default([]),
    terminatedAt: dateTime.nullish(),
    status: z.enum(CORRECTION_STATUSES),
  })
  .strict();

export const CORRECTION_TYPE_TERMS: Terms<(typeof CORRECTION_TYPES)[number]> = {
  PROBATION: { zh: '缓刑', en: 'probation' },
  PAROLE: { zh: '假释', en: 'parole' },
  CONTROL: { zh: '管制', en: 'control' },
  OUTSIDE_EXECUTION: { zh: '暂予监外执行', en: 'serving outside prison' },
};
const STATUS_TERMS: Terms<(typeof CORRECTION_STATUSES)[number]> = {
  ACTIVE: { zh: '在矫', en: 'under correction' },
  TERMINATED: { zh: '解除矫正', en: 'correction ended' },
  REVOKED: { zh: '撤销缓刑/假释', en: 'revoked' },
  ABSCONDED: { zh: '脱管', en: 'absconded' },
};

export const correction: RecordDomainDescription<'COMMUNITY_CORRECTION', typeof communityCorrectionSchema> = {
  domain: 'COMMUNITY_CORRECTION',
  names: { zh: '社区矫正', en: 'community correction' },
  shape: communityCorrectionSchema,
  collection: 'community_corrections',
  model: 'CommunityCorrection',
  stored: {
    office: 'unit',
    correctionType: String,
    judgmentEffectiveAt: String,
    reportedAt: Date,
    startDate: String,
    endDate: String,
    lastCheckInAt: Date,
    supervisionLevel: String,
    violations: [{ at: Date, kind: String, sanction: String }],
    terminatedAt: Date,
    status: { required: String },
  },
  indexes: [{ 'office.code': 1, eventAt: -1, _id: -1 }],
  graphql: {
    type: 'CommunityCorrection',
    connection: 'CommunityCorrectionConnection',
    list: 'communityCorrections',
    personField: 'corrections',
    ingest: 'ingestCommunityCorrections',
  },
  unit: 'office',
  status: { path: 'status', terms: STATUS_TERMS },
  category: { path: 'correctionType', terms: CORRECTION_TYPE_TERMS },
  filters: [
    { name: 'officeCodes', kind: 'in', path: 'office.code' },
    { name: 'correctionTypes', kind: 'in', path: 'correctionType' },
    { name: 'statuses', kind: 'in', path: 'status' },
  ],
  checkedFields: ['judgmentEffectiveAt', 'reportedAt', 'startDate', 'endDate', 'lastCheckInAt', 'violations', 'terminatedAt', 'status'],
};
