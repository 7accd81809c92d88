/**
 * Federation's entity resolvers (FEDERATION=subgraph): a gateway's `_entities` representations are
 * resolved through the request's DataLoaders, so 100 persons (or records) asked at once cost the store
 * what `persons` costs for 100 (one batched lookup per domain), whoever asks.
 */
import { DOMAINS, RECORD_DOMAINS } from '../domain/records';
import type { Context } from '../datasources/request/context';

/** Each record type (`DetentionRecord` …) by its `id`: a stored record in the caller's jurisdiction, else null. */
const recordEntities = Object.fromEntries(
  DOMAINS.map((d) => [
    RECORD_DOMAINS[d].graphql.type,
    { __resolveReference: (ref: { id: string }, ctx: Context) => ctx.loaders.recordById[d].load(String(ref.id)) },
  ]),
);

export const federationResolvers = {
  Person: {
    __resolveReference: (ref: { idNumber: string }, ctx: Context) => ctx.loaders.person.load(ref.idNumber),
  },
  ...recordEntities,
};
