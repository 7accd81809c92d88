/**
 * Finding a person by name (personSearch): a name is not an identifier, so the search is always
 * narrowed (a district or county, or a birth year) and capped, and it runs only inside the caller's
 * jurisdiction. The persons found are returned as persons (their ID number and name masked for
 * analysts by the schema's @mask, and noted in the audit entry as any returned person is).
 *
 * What it reads: the stored records of the four domains, by the name's index (`name` equality, with
 * `regionPath` and the ID number's birth year as further conditions); live sources cannot be asked
 * by name and are not searched.
 */
import { DOMAINS, type Domain } from '../../domain/records';
import { isRegionPrefix } from '../../domain/regions';
import { controlCharacterProblem, echo } from '../../domain/text';
import { badInput } from '../../lib/errors';
import type { AnyRecordDoc, PersonRef } from '../store/models';
import { personOfRecord } from '../store/persons';
import { narrowRegions, type FederatedRecords } from '../sources/federated-records';

/** At most this many persons per search (`first`). */
export const PERSON_SEARCH_MAX = 50;
/** Records read per domain and search: a name shared by more is a search to narrow, not to page. */
export const PERSON_SEARCH_RECORDS = 1000;

export interface PersonSearchInput {
  name: string;
  region?: string | null;
  birthYear?: number | null;
  first?: number | null;
}

export interface PersonSearchResult {
  persons: PersonRef[];
  /** more persons match than were returned: narrow the search */
  truncated: boolean;
}

type ByName = { [D in Domain]: Pick<FederatedRecords<D, never>, 'byName'> };

/** Checks a search; what is wrong is a BAD_USER_INPUT naming the argument. */
export function checkPersonSearch(
  input: PersonSearchInput,
  thisYear: number,
): { name: string; region: string | null; birthYear: number | null; first: number } {
  const name = (input.name ?? '').trim();
  if (!name) throw badInput('name', 'is required: the name as the records give it, e.g. 王伟');
  if ([...name].length > 30) throw badInput('name', `at most 30 characters, got ${[...name].length}`);
  const control = controlCharacterProblem(name);
  if (control) throw badInput('name', control);
  const region = input.region?.trim() || null;
  if (region !== null && !isRegionPrefix(region))
    throw badInput('region', `must be a 4- or 6-digit region code prefix (5001, 500101), got ${echo(region)}`);
  const birthYear = input.birthYear ?? null;
  if (birthYear !== null && !(Number.isInteger(birthYear) && birthYear >= 1900 && birthYear <= thisYear))
    throw badInput('birthYear', `must be a year from 1900 to ${thisYear}, got ${birthYear}`);
  // a name alone, or with the whole city, would list everyone of that name: one more condition is required
  if ((region === null || region.length < 4) && birthYear === null)
    throw badInput(
      'region',
      'a name alone would list the whole city: narrow it by region (a district or county, 4 or 6 digits) or by birthYear',
    );
  const first = input.first ?? 20;
  if (!(Number.isInteger(first) && first >= 1 && first <= PERSON_SEARCH_MAX))
    throw badInput('first', `must be from 1 to ${PERSON_SEARCH_MAX}, got ${first}`);
  return { name, region, birthYear, first };
}

/**
 * The persons of that name in the narrowed regions (within `jurisdiction`, null: unrestricted), by
 * ID number; each named as their most recently updated matching record names them.
 */
export async function searchPersons(
  records: ByName,
  input: PersonSearchInput,
  jurisdiction: readonly string[] | null,
  thisYear: number,
): Promise<PersonSearchResult> {
  const q = checkPersonSearch(input, thisYear);
  const regions = narrowRegions(q.region ? [q.region] : null, jurisdiction);
  if (regions && regions.length === 0) return { persons: [], truncated: false };
  const found = await Promise.all(
    DOMAINS.map((d) => (records[d] as ByName[Domain]).byName(q.name, regions, q.birthYear, PERSON_SEARCH_RECORDS)),
  );
  let truncated = found.some((rows) => rows.length >= PERSON_SEARCH_RECORDS);
  const newest = new Map<string, Pick<AnyRecordDoc, 'idNumber' | 'name' | 'updatedAt'>>();
  for (const rows of found)
    for (const r of rows) {
      const seen = newest.get(r.idNumber);
      if (!seen || r.updatedAt > seen.updatedAt) newest.set(r.idNumber, r);
    }
  const ids = [...newest.keys()].sort();
  if (ids.length > q.first) truncated = true;
  return { persons: ids.slice(0, q.first).map((id) => personOfRecord(newest.get(id)!)), truncated };
}
