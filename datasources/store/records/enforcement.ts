import type { EnforcementCaseDoc, Models } from '../models';
import { RecordStore, inList, type CommonFilter } from '../record-store';

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

export function enforcementMatches(r: EnforcementCaseDoc, f: EnforcementCaseFilter): boolean {
  return (!f.agencyCodes?.length || f.agencyCodes.includes(r.agency.code))
    && (!f.categories?.length || f.categories.includes(r.category))
    && (!f.statuses?.length || f.statuses.includes(r.status))
    && (f.suspectedCrime == null || f.suspectedCrime === (r.suspectedCrime === true));
}

export function enforcementParams(f: EnforcementCaseFilter): Record<string, string> {
  const p: Record<string, string> = {};
  if (f.agencyCodes?.length) p.agencyCodes = f.agencyCodes.join(',');
  if (f.categories?.length) p.categories = f.categories.join(',');
  if (f.statuses?.length) p.statuses = f.statuses.join(',');
  if (f.suspectedCrime != null) p.suspectedCrime = String(f.suspectedCrime);
  return p;
}
