/**
 * The building blocks of the record shapes (record-domains/*.ts): typed, bounded, checked fields
 * that every domain's records share. Pure: no I/O.
 */
import { z } from 'zod';
import { parseIdNumber } from './id-number';
import { isRegionCode } from './regions';
import { controlCharacterProblem, echoPlain } from './text';

const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset, e.g. 2024-03-01T08:00:00+08:00' });
export const dateTime = z
  .union([z.date(), isoDateTime])
  .transform((v) => (v instanceof Date ? v : new Date(v)))
  .refine((d) => !Number.isNaN(d.getTime()), 'is not a valid date-time');
export const isoDate = z.union([
  z.date().transform((d) => d.toISOString().slice(0, 10)),
  z.iso.date({ message: 'must be a date YYYY-MM-DD' }),
]);
/**
 * A string field: trimmed, not empty, bounded, and without control characters; `multiline` free
 * text (a reason, a description) may hold tab and line breaks.
 */
export const text = (max = 200, multiline = false) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .superRefine((v, ctx) => {
      const problem = controlCharacterProblem(v, multiline);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
export const unit = z.object({ code: text(32), name: text(100) }).strict();
export const months = z.number().int('must be a whole number').min(0).max(1200);

const idNumber = z.string().transform((v, ctx) => {
  const r = parseIdNumber(v);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: `${echoPlain(v)}: ${r.reason}` });
    return z.NEVER;
  }
  return r.value.idNumber;
});

/** The fields every record has, whatever its domain. */
export const common = {
  externalId: text(128),
  idNumber,
  name: text(64),
  region: z.string().refine(isRegionCode, 'must be a 6-digit region code (GB/T 2260)'),
  eventAt: dateTime,
  updatedAt: dateTime,
};
