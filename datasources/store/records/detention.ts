import type { DetentionRecordDoc, Models } from '../models';
import { RecordStore, inList, type CommonFilter } from '../record-store';

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

/** The same filter on a live record (the hub checks what departments return). */
export function detentionMatches(r: DetentionRecordDoc, f: DetentionFilter): boolean {
  return (!f.facilityCodes?.length || f.facilityCodes.includes(r.facility.code))
    && (!f.stages?.length || f.stages.includes(r.stage))
    && (f.inCustody == null || f.inCustody === !r.releasedAt);
}

export function detentionParams(f: DetentionFilter): Record<string, string> {
  const p: Record<string, string> = {};
  if (f.facilityCodes?.length) p.facilityCodes = f.facilityCodes.join(',');
  if (f.stages?.length) p.stages = f.stages.join(',');
  if (f.inCustody != null) p.inCustody = String(f.inCustody);
  return p;
}
