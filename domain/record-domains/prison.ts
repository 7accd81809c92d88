/** Imprisonment (监狱服刑): one record per sentence served, with its commutations, parole and outside execution. */
import { z } from 'zod';
import { common, dateTime, isoDate, months, text, unit } from '../record-fields';
import type { RecordDomainDescription, Terms } from './types';

export const PRISON_STATUSES = ['SERVING', 'PAROLED', 'OUTSIDE_EXECUTION', 'RELEASED', 'TRANSFERRED', 'DECEASED'] as const;
export const SENTENCE_KINDS = ['FIXED_TERM', 'LIFE', 'DEATH_REPRIEVE'] as const;

export const prisonRecordSchema = z
  .object({
    ...common,
    prison: unit,
    crime: text(200),
    sentence: z
      .object({ startDate: isoDate, kind: z.enum(SENTENCE_KINDS), termMonths: months.min(1).nullish() })
      .strict()
      .refine((s) => s.kind !== 'FIXED_TERM' || s.termMonths != null, {
        path: ['termMonths'],
        message: 'is required for a FIXED_TERM sentence',
      }),
    pretrialCustodyDays: z.number().int().min(0).max(36500).default(0),
    commutations: z.array(z.object({ decidedAt: isoDate, months: months.min(1) }).strict()).default([]),
    parole: z.object({ decidedAt: isoDate, probationEnd: isoDate }).strict().nullish(),
    outsideExecution: z
      .object({ decidedAt: isoDate, kind: text(64), reviewDueAt: isoDate.nullish() })
      .strict()
      .nullish(),
    admittedAt: dateTime,
    expectedReleaseDate: isoDate.nullish(),
    releasedAt: dateTime.nullish(),
    status: z.enum(PRISON_STATUSES),
  })
  .strict();

const STATUS_TERMS: Terms<(typeof PRISON_STATUSES)[number]> = {
  SERVING: { zh: '在押服刑', en: 'serving' },
  PAROLED: { zh: '假释', en: 'paroled' },
  OUTSIDE_EXECUTION: { zh: '暂予监外执行', en: 'serving outside prison' },
  RELEASED: { zh: '刑满释放', en: 'released' },
  TRANSFERRED: { zh: '调监', en: 'transferred' },
  DECEASED: { zh: '死亡', en: 'deceased' },
};
const SENTENCE_TERMS: Terms<(typeof SENTENCE_KINDS)[number]> = {
  FIXED_TERM: { zh: '有期徒刑', en: 'fixed term' },
  LIFE: { zh: '无期徒刑', en: 'life imprisonment' },
  DEATH_REPRIEVE: { zh: '死刑缓期执行', en: 'death sentence with reprieve' },
};

export const prison: RecordDomainDescription<'PRISON', typeof prisonRecordSchema> = {
  domain: 'PRISON',
  names: { zh: '服刑', en: 'imprisonment' },
  shape: prisonRecordSchema,
  collection: 'prison_records',
  model: 'PrisonRecord',
  stored: {
    prison: 'unit',
    crime: String,
    sentence: { object: { startDate: String, kind: String, termMonths: Number } },
    pretrialCustodyDays: Number,
    commutations: [{ decidedAt: String, months: Number }],
    parole: { nested: { decidedAt: String, probationEnd: String } },
    outsideExecution: { nested: { decidedAt: String, kind: String, reviewDueAt: String } },
    admittedAt: Date,
    expectedReleaseDate: String,
    releasedAt: Date,
    status: { required: String },
  },
  indexes: [{ 'prison.code': 1, eventAt: -1, _id: -1 }],
  graphql: {
    type: 'PrisonRecord',
    connection: 'PrisonRecordConnection',
    list: 'prisonRecords',
    personField: 'imprisonments',
    ingest: 'ingestPrisonRecords',
  },
  unit: 'prison',
  status: { path: 'status', terms: STATUS_TERMS },
  category: { path: 'sentence.kind', terms: SENTENCE_TERMS },
  filters: [
    { name: 'prisonCodes', kind: 'in', path: 'prison.code' },
    { name: 'statuses', kind: 'in', path: 'status' },
  ],
  checkedFields: ['sentence', 'admittedAt', 'expectedReleaseDate', 'releasedAt', 'status', 'commutations', 'parole', 'outsideExecution'],
};
