import type { Models } from './models';
import { RecordStore, inList, type CommonFilter } from './record-store';

export interface EnforcementCaseFilter extends CommonFilter {
  agencyCodes?: readonly string[] | null;
  categories?: readonly string[] | null;
  statuses?: readonly string[] | null;
  suspectedCrime?: boolean | null;
}

export function enforcementCases(models: Models): RecordStore<'ENFORCEMENT_CASE', EnforcementCaseFilter> {
  return new RecordStore('ENFORCEMENT_CASE', models.records.ENFORCEMENT_CASE, (f, q) => {
    inList(q, 'agency.code', f.agencyCodes);
    inList(q, 'category', f.categories);
    inList(q, 'status', f.statuses);
    if (f.suspectedCrime != null) q.suspectedCrime = f.suspectedCrime === true;
  });
}
