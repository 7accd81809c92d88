import type { CommunityCorrectionDoc, Models } from '../models';
import { RecordStore, inList, type CommonFilter } from '../record-store';

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

export function correctionMatches(r: CommunityCorrectionDoc, f: CorrectionFilter): boolean {
  return (!f.officeCodes?.length || f.officeCodes.includes(r.office.code))
    && (!f.correctionTypes?.length || f.correctionTypes.includes(r.correctionType))
    && (!f.statuses?.length || f.statuses.includes(r.status));
}

export function correctionParams(f: CorrectionFilter): Record<string, string> {
  const p: Record<string, string> = {};
  if (f.officeCodes?.length) p.officeCodes = f.officeCodes.join(',');
  if (f.correctionTypes?.length) p.correctionTypes = f.correctionTypes.join(',');
  if (f.statuses?.length) p.statuses = f.statuses.join(',');
  return p;
}
