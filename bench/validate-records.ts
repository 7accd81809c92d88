/**
 * What validating a record costs the hub's process (domain/records.ts `validateRecord`), without the
 * store: the synthetic data set's records, each checked as ingest checks it, rounds interleaved with
 * the shape alone (the zod parse) so that a noisy machine affects both alike. The difference is the
 * date orders and the future check.
 *
 *   npx tsx bench/validate-records.ts [--persons 5000] [--rounds 10]
 */
import { parseArgs } from 'node:util';
import { generateSynthetic } from '../domain/synthetic';
import {
  communityCorrectionSchema,
  detentionRecordSchema,
  enforcementCaseSchema,
  prisonRecordSchema,
  validateRecord,
  type Domain,
} from '../domain/records';

const { values } = parseArgs({ options: { persons: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '10' } } });
const SHAPES = {
  DETENTION: detentionRecordSchema,
  PRISON: prisonRecordSchema,
  COMMUNITY_CORRECTION: communityCorrectionSchema,
  ENFORCEMENT_CASE: enforcementCaseSchema,
};

const items = [...generateSynthetic({ persons: Number(values.persons), seed: 1, today: new Date() })].map((i) => ({
  domain: i.domain as Domain,
  record: i.record as unknown,
}));

function rate(check: (domain: Domain, record: unknown) => boolean): number {
  const start = process.hrtime.bigint();
  let ok = 0;
  for (const { domain, record } of items) if (check(domain, record)) ok++;
  if (ok !== items.length) throw new Error(`${items.length - ok} synthetic records failed validation`);
  return items.length / (Number(process.hrtime.bigint() - start) / 1e9);
}

const full: number[] = [];
const shape: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  full.push(rate((d, r) => validateRecord(d, r).ok));
  shape.push(rate((d, r) => SHAPES[d].safeParse(r).success));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const show = (xs: number[]) =>
  `median ${Math.round(median(xs)).toLocaleString('en')} records/s (${(1e6 / median(xs)).toFixed(1)} µs each), range ${Math.round(Math.min(...xs)).toLocaleString('en')}–${Math.round(Math.max(...xs)).toLocaleString('en')}`;
process.stdout.write(`${items.length.toLocaleString('en')} records, ${values.rounds} rounds\n`);
process.stdout.write(`validateRecord (shape, date orders, future): ${show(full)}\n`);
process.stdout.write(`shape alone (zod parse):                    ${show(shape)}\n`);
