import type { Models } from './models';
import { RecordStore, inList, type CommonFilter } from './record-store';

export interface CorrectionFilter extends CommonFilter {
  officeCodes?: readonly string[] | null;
  correctionTypes?: readonly string[] | null;
  statuses?: readonly string[] | null;
}

export function communityCorrections(models: Models): RecordStore<'COMMUNITY_CORRECTION', CorrectionFilter> {
  return new RecordStore('COMMUNITY_CORRECTION', models.records.COMMUNITY_CORRECTION, (f, q) => {
    inList(q, 'office.code', f.officeCodes);
    inList(q, 'correctionType', f.correctionTypes);
    inList(q, 'status', f.statuses);
  });
}
