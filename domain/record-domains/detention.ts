/** Custody in a detention centre (看守所羁押): one record per custody, updated as the case moves through its stages. */
import { z } from 'zod';
import { common, dateTime, months, text, unit } from '../record-fields';
import type { RecordDomainDescription, Terms } from './types';

export const DETENTION_STAGES = [
  'CRIMINAL_DETENTION',
  'ARREST_REVIEW',
  'INVESTIGATION',
  'PROSECUTION_REVIEW',
  'FIRST_INSTANCE',
  'SECOND_INSTANCE',
  'AWAITING_TRANSFER',
  'SERVING_IN_CENTRE',
] as const;
export const CASE_FLAGS = ['ROVING', 'SERIAL', 'GANG'] as const;

export const STAGE_TERMS: Terms<(typeof DETENTION_STAGES)[number]> = {
  CRIMINAL_DETENTION: { zh: '刑事拘留', en: 'criminal detention' },
  ARREST_REVIEW: { zh: '审查逮捕', en: 'arrest review' },
  INVESTIGATION: { zh: '侦查羁押', en: 'investigation' },
  PROSECUTION_REVIEW: { zh: '审查起诉', en: 'prosecution review' },
  FIRST_INSTANCE: { zh: '一审', en: 'first instance' },
  SECOND_INSTANCE: { zh: '二审', en: 'second instance' },
  AWAITING_TRANSFER: { zh: '判决生效待交付执行', en: 'awaiting transfer' },
  SERVING_IN_CENTRE: { zh: '留所服刑', en: 'serving in the centre' },
};

export const detentionRecordSchema = z
  .object({
    ...common,
    facility: unit,
    caseNumber: text(64),
    handlingAuthority: text(100),
    stage: z.enum(DETENTION_STAGES),
    caseFlags: z.array(z.enum(CASE_FLAGS)).default([]),
    admittedAt: dateTime,
    stageStartedAt: dateTime,
    stageDeadline: dateTime.nullish(),
    extensions: z.array(z.object({ grantedAt: dateTime, months: months.min(1), approvedBy: text(100) }).strict()).default([]),
    releasedAt: dateTime.nullish(),
    releaseReason: text(200, true).nullish(),
    extractions: z
      .array(
        z
          .object({
            at: dateTime,
            returnedAt: dateTime.nullish(),
            purpose: text(200, true),
            warrantNumber: text(64).nullish(),
            by: text(100),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export const detention: RecordDomainDescription<'DETENTION', typeof detentionRecordSchema> = {
  domain: 'DETENTION',
  names: { zh: '羁押', en: 'custody' },
  shape: detentionRecordSchema,
  collection: 'detention_records',
  model: 'DetentionRecord',
  stored: {
    facility: 'unit',
    caseNumber: String,
    handlingAuthority: String,
    stage: { required: String },
    caseFlags: [String],
    admittedAt: Date,
    stageStartedAt: Date,
    stageDeadline: Date,
    extensions: [{ grantedAt: Date, months: Number, approvedBy: String }],
    releasedAt: Date,
    releaseReason: String,
    extractions: [{ at: Date, returnedAt: Date, purpose: String, warrantNumber: String, by: String }],
  },
  indexes: [{ 'facility.code': 1, eventAt: -1, _id: -1 }],
  graphql: {
    type: 'DetentionRecord',
    connection: 'DetentionRecordConnection',
    list: 'detentionRecords',
    personField: 'detentions',
    ingest: 'ingestDetentionRecords',
  },
  unit: 'facility',
  status: { path: 'stage', terms: STAGE_TERMS },
  category: { path: 'stage', terms: STAGE_TERMS },
  filters: [
    { name: 'facilityCodes', kind: 'in', path: 'facility.code' },
    { name: 'stages', kind: 'in', path: 'stage' },
    // `releasedAt: null` also matches a missing field, on MongoDB and FerretDB alike.
    { name: 'inCustody', kind: 'unset', path: 'releasedAt' },
  ],
  checkedFields: ['admittedAt', 'stageStartedAt', 'stageDeadline', 'releasedAt', 'releaseReason', 'extensions', 'extractions'],
};
