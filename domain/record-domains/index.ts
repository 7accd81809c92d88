/**
 * Every record domain the hub links, each described once (types.ts). The order is the order of
 * `Domain` values everywhere (lists, dossiers, statistics). A new domain is a new file here and a
 * line below; every table keyed by `Domain` then fails to compile until it has the new one.
 */
import type { z } from 'zod';
import { correction } from './correction';
import { detention } from './detention';
import { enforcement } from './enforcement';
import { prison } from './prison';

export const RECORD_DOMAINS = {
  DETENTION: detention,
  PRISON: prison,
  COMMUNITY_CORRECTION: correction,
  ENFORCEMENT_CASE: enforcement,
} as const;

export type Domain = keyof typeof RECORD_DOMAINS;
export const DOMAINS = Object.keys(RECORD_DOMAINS) as Domain[] as readonly Domain[];

/**
 * A table with one entry per record domain, made by `make`. `T` says what each entry is: TypeScript
 * cannot check a mapped type entry by entry, so the table is as exact as `make`.
 */
export function byDomain<T extends { [D in Domain]: unknown } = Record<Domain, never>>(make: (d: Domain) => unknown): T {
  return Object.fromEntries(DOMAINS.map((d) => [d, make(d)])) as T;
}

/** A record of each domain as its shape outputs it (validated, defaults filled). */
export type RecordInputByDomain = { [D in Domain]: z.output<(typeof RECORD_DOMAINS)[D]['shape']> };

/** The domain whose records carry `unit` (each domain's unit field is its own). */
export const DOMAIN_OF_UNIT: Readonly<Record<string, Domain>> = Object.fromEntries(DOMAINS.map((d) => [RECORD_DOMAINS[d].unit, d]));

/** The domain of a GraphQL record type name. */
export const DOMAIN_OF_TYPE: Readonly<Record<string, Domain>> = Object.fromEntries(DOMAINS.map((d) => [RECORD_DOMAINS[d].graphql.type, d]));

export type { RecordDomainDescription, Terms, ListFilterField, StoredField, StoredFields } from './types';
