import type { Models } from './models';
import { RecordStore, inList, type CommonFilter } from './record-store';

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
