/** An administrative enforcement case (行政执法案件), for the two-law linkage: cases over the criminal threshold must reach the police. */
import { z } from 'zod';
import { common, dateTime, text, unit } from '../record-fields';
import type { RecordDomainDescription, Terms } from './types';

export const ENFORCEMENT_CATEGORIES = ['FOOD_DRUG', 'COUNTERFEIT', 'TRADEMARK', 'ENVIRONMENT', 'TAX', 'LABOUR', 'SAFETY', 'OTHER'] as const;
export const ENFORCEMENT_STATUSES = ['FILED', 'PENALIZED', 'TRANSFERRED', 'CLOSED'] as const;

export const enforcementCaseSchema = z
  .object({
    ...common,
    agency: unit,
    caseNumber: text(64),
    category: z.enum(ENFORCEMENT_CATEGORIES),
    violation: text(500, true),
    company: z
      .object({ name: text(200), creditCode: text(18).nullish() })
      .strict()
      .nullish(),
    amountInvolved: z.number().min(0).max(1e13),
    illegalGain: z.number().min(0).max(1e13).nullish(),
    filedAt: dateTime,
    penalty: z
      .object({ kind: text(64), amount: z.number().min(0).max(1e13), decidedAt: dateTime })
      .strict()
      .nullish(),
    suspectedCrime: z.boolean().default(false),
    transfer: z
      .object({
        reportedAt: dateTime.nullish(),
        decidedAt: dateTime.nullish(),
        transferredAt: dateTime.nullish(),
        receivingAuthority: text(100).nullish(),
        policeDecision: z.enum(['FILED', 'NOT_FILED', 'PENDING']).nullish(),
        policeDecidedAt: dateTime.nullish(),
      })
      .strict()
      .nullish(),
    closedAt: dateTime.nullish(),
    status: z.enum(ENFORCEMENT_STATUSES),
  })
  .strict();

const STATUS_TERMS: Terms<(typeof ENFORCEMENT_STATUSES)[number]> = {
  FILED: { zh: '立案', en: 'filed' },
  PENALIZED: { zh: '已作出行政处罚', en: 'penalized' },
  TRANSFERRED: { zh: '已移送公安', en: 'transferred to the police' },
  CLOSED: { zh: '结案', en: 'closed' },
};
const CATEGORY_TERMS: Terms<(typeof ENFORCEMENT_CATEGORIES)[number]> = {
  FOOD_DRUG: { zh: '食品药品', en: 'food and drugs' },
  COUNTERFEIT: { zh: '生产销售伪劣商品', en: 'counterfeit goods' },
  TRADEMARK: { zh: '商标侵权', en: 'trademark infringement' },
  ENVIRONMENT: { zh: '生态环境', en: 'environment' },
  TAX: { zh: '税务', en: 'tax' },
  LABOUR: { zh: '劳动保障', en: 'labour' },
  SAFETY: { zh: '安全生产', en: 'work safety' },
  OTHER: { zh: '其他', en: 'other' },
};

export const enforcement: RecordDomainDescription<'ENFORCEMENT_CASE', typeof enforcementCaseSchema> = {
  domain: 'ENFORCEMENT_CASE',
  names: { zh: '行政执法案件', en: 'enforcement case' },
  shape: enforcementCaseSchema,
  collection: 'enforcement_cases',
  model: 'EnforcementCase',
  stored: {
    agency: 'unit',
    caseNumber: String,
    category: { required: String },
    violation: String,
    company: { nested: { name: String, creditCode: String } },
    amountInvolved: Number,
    illegalGain: Number,
    filedAt: Date,
    penalty: { nested: { kind: String, amount: Number, decidedAt: Date } },
    suspectedCrime: Boolean,
    transfer: {
      nested: {
        reportedAt: Date,
        decidedAt: Date,
        transferredAt: Date,
        receivingAuthority: String,
        policeDecision: String,
        policeDecidedAt: Date,
      },
    },
    closedAt: Date,
    status: { required: String },
  },
  indexes: [
    { 'agency.code': 1, eventAt: -1, _id: -1 },
    { category: 1, eventAt: -1, _id: -1 },
  ],
  graphql: {
    type: 'EnforcementCase',
    connection: 'EnforcementCaseConnection',
    list: 'enforcementCases',
    personField: 'enforcementCases',
    ingest: 'ingestEnforcementCases',
  },
  unit: 'agency',
  status: { path: 'status', terms: STATUS_TERMS },
  category: { path: 'category', terms: CATEGORY_TERMS },
  amount: 'amountInvolved',
  filters: [
    { name: 'agencyCodes', kind: 'in', path: 'agency.code' },
    { name: 'categories', kind: 'in', path: 'category' },
    { name: 'statuses', kind: 'in', path: 'status' },
    { name: 'suspectedCrime', kind: 'flag', path: 'suspectedCrime' },
  ],
  checkedFields: ['filedAt', 'penalty', 'transfer', 'closedAt', 'status', 'company'],
};
