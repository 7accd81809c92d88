import type { Models, PrisonRecordDoc } from '../models';
import { RecordStore, inList, type CommonFilter } from '../record-store';

export interface PrisonFilter extends CommonFilter {
  prisonCodes?: readonly string[] | null;
  statuses?: readonly string[] | null;
}

export function prisonRecords(models: Models): RecordStore<'PRISON', PrisonFilter> {
  return new RecordStore('PRISON', models.records.PRISON, (f, q) => {
    inList(q, 'prison.code', f.prisonCodes);
    inList(q, 'status', f.statuses);
  });
}

export function prisonMatches(r: PrisonRecordDoc, f: PrisonFilter): boolean {
  return (!f.prisonCodes?.length || f.prisonCodes.includes(r.prison.code))
    && (!f.statuses?.length || f.statuses.includes(r.status));
}

export function prisonParams(f: PrisonFilter): Record<string, string> {
  const p: Record<string, string> = {};
  if (f.prisonCodes?.length) p.prisonCodes = f.prisonCodes.join(',');
  if (f.statuses?.length) p.statuses = f.statuses.join(',');
  return p;
}
