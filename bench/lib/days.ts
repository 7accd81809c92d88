/** The days registry as the benchmark's driver-only code reads it (datasources/store/ferretdb/record-days.ts keeps it). */
import type { Db } from 'mongodb';
import { DAYS_REGISTRY_MARKER, readListedDays } from '../../datasources/store/ferretdb/record-days';

/** The custody days listed in the registry, newest first, or null before the hub has listed them all. */
export async function listedCustodyDays(db: Db): Promise<string[] | null> {
  if (!(await db.collection('hub_meta').findOne({ _id: DAYS_REGISTRY_MARKER as never }))) return null;
  return readListedDays(db, 'DETENTION');
}
