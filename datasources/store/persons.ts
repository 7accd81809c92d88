/** Persons (当事人), derived from the ID number and the person's records. */
import { parseIdNumber } from '../../domain/id-number';
import type { AnyRecordDoc, PersonRef } from './models';

/** The person a record is about, as that record names them. */
export function personOfRecord(record: Pick<AnyRecordDoc, 'idNumber' | 'name'>): PersonRef {
  const info = parseIdNumber(record.idNumber);
  // Stored ID numbers were validated at ingest; a failure here means the store was edited by hand.
  if (!info.ok) throw new Error(`record with ID number ${record.idNumber.slice(0, 6)}… failed re-validation: ${info.reason}`);
  return {
    idNumber: info.value.idNumber,
    name: record.name,
    gender: info.value.gender,
    birthDate: info.value.birthDate,
    region: info.value.regionCode,
  };
}

/** The person behind a set of records (any domain): named as the most recently updated record names them. */
export function personOfRecords(records: readonly AnyRecordDoc[]): PersonRef | null {
  let newest: AnyRecordDoc | undefined;
  for (const r of records) if (!newest || r.updatedAt > newest.updatedAt) newest = r;
  return newest ? personOfRecord(newest) : null;
}
