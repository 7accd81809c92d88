import type { Models } from './models';
import { RecordStore, inList, type CommonFilter } from './record-store';

export interface DetentionFilter extends CommonFilter {
  facilityCodes?: readonly string[] | null;
  stages?: readonly string[] | null;
  inCustody?: boolean | null;
}

export function detentionRecords(models: Models): RecordStore<'DETENTION', DetentionFilter> {
  return new RecordStore('DETENTION', models.records.DETENTION, (f, q) => {
    inList(q, 'facility.code', f.facilityCodes);
    inList(q, 'stage', f.stages);
    // `releasedAt: null` also matches a missing field, on MongoDB and FerretDB alike.
    if (f.inCustody === true) q.releasedAt = null;
    if (f.inCustody === false) q.releasedAt = { $ne: null };
  });
}
