/**
 * Per-request DataLoaders. Built by the context function for every request and never shared:
 * their cache is the request's view of the store (DataLoader README).
 */
import { byDomain } from '../../domain/record-domains';
import DataLoader from 'dataloader';
import type { Domain } from '../../domain/records';
import { DOMAINS } from '../../domain/records';
import type { AnyRecordDoc, PersonRef, RecordDocByDomain } from '../store/models';
import { personOfRecords } from '../store/persons';
import type { DataSources } from '../index';
import type { CommonFilter } from '../store/record-store';
import type { FederatedRecords, RequestScope } from '../sources/federated-records';
import type { LeadDoc } from '../services/leads';

export interface Loaders {
  /** person by ID number: null when no domain has a record of them (uses the record loaders) */
  person: DataLoader<string, PersonRef | null>;
  /** every record of a person in one domain, newest first */
  records: { [D in Domain]: DataLoader<string, RecordDocByDomain[D][]> };
  /** supervision leads of a person in the caller's jurisdiction, newest first */
  leads: DataLoader<string, LeadDoc[]>;
  /** a stored record by its id, in the caller's jurisdiction (a federation gateway's record entities) */
  recordById: { [D in Domain]: DataLoader<string, RecordDocByDomain[D] | null> };
}

/** Batches as large as a `persons` dossier query may ask for, so one dossier is one query per collection. */
const MAX_BATCH = 1000;

/**
 * @param scope the caller's jurisdiction, and where a live source's failure goes (the request's
 *   SOURCE_UNAVAILABLE errors); the person's records from every other source are still returned.
 */
export function createLoaders(sources: DataSources, scope: RequestScope): Loaders {
  // every domain's records seen through the one method used here, indexed so that `federated[d]` keeps its domain
  const federated: { [D in Domain]: Pick<FederatedRecords<D, CommonFilter>, 'byIdNumbers' | 'byIds'> } = sources.records;
  const byPerson = <D extends Domain>(d: D) =>
    new DataLoader<string, RecordDocByDomain[D][]>((ids) => federated[d].byIdNumbers(ids, scope), { maxBatchSize: MAX_BATCH });
  const records = byDomain<Loaders['records']>(byPerson);
  // A person is found through the same record loaders a dossier's connections use, so
  // `person { detentions … }` costs one query per domain, not one more.
  const person = new DataLoader<string, PersonRef | null>(
    async (ids) => {
      const perDomain = await Promise.all(DOMAINS.map((d) => (records[d] as DataLoader<string, AnyRecordDoc[]>).loadMany(ids)));
      return ids.map((_, i) => {
        const all: AnyRecordDoc[] = [];
        for (const lists of perDomain) {
          const v = lists[i];
          if (v instanceof Error) return v;
          all.push(...v);
        }
        return personOfRecords(all);
      });
    },
    { maxBatchSize: MAX_BATCH },
  );
  const leads = new DataLoader<string, LeadDoc[]>((ids) => sources.leads.byIdNumbers(ids, scope.regions), { maxBatchSize: MAX_BATCH });
  const recordById = byDomain<Loaders['recordById']>(
    <D extends Domain>(d: D) =>
      new DataLoader<string, RecordDocByDomain[D] | null>((ids) => federated[d].byIds(ids, scope), { maxBatchSize: MAX_BATCH }),
  );
  return { person, records, leads, recordById };
}
