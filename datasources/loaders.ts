/**
 * Per-request DataLoaders. Built by the context function for every request and never shared:
 * their cache is the request's view of the store (DataLoader README).
 */
import DataLoader from 'dataloader';
import type { Domain } from '../domain/records';
import type { PersonDoc, RecordDocByDomain } from './models';
import type { DataSources } from './index';
import type { RecordStore } from './record-store';

export interface Loaders {
  /** person by ID number */
  person: DataLoader<string, PersonDoc | null>;
  /** every record of a person in one domain, newest first */
  records: { [D in Domain]: DataLoader<string, RecordDocByDomain[D][]> };
}

/** Batches as large as a `persons` dossier query may ask for, so one dossier is one query per collection. */
const MAX_BATCH = 1000;

export function createLoaders(sources: DataSources): Loaders {
  const byPerson = <D extends Domain>(d: D) =>
    new DataLoader<string, RecordDocByDomain[D][]>(
      (ids) => (sources.records[d] as unknown as RecordStore<D>).byIdNumbers(ids),
      { maxBatchSize: MAX_BATCH },
    );
  return {
    person: new DataLoader((ids) => sources.persons.byIdNumbers(ids), { maxBatchSize: MAX_BATCH }),
    records: {
      DETENTION: byPerson('DETENTION'),
      PRISON: byPerson('PRISON'),
      COMMUNITY_CORRECTION: byPerson('COMMUNITY_CORRECTION'),
      ENFORCEMENT_CASE: byPerson('ENFORCEMENT_CASE'),
    },
  };
}
