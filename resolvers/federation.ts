/**
 * Federation's entity resolvers (FEDERATION=subgraph): a gateway's `_entities` representations are
 * resolved through the request's DataLoaders, so 100 persons asked at once cost the store what
 * `persons` costs for 100 (one batched lookup per domain), whoever asks.
 */
import type { Context } from '../datasources/request/context';

export const federationResolvers = {
  Person: {
    __resolveReference: (ref: { idNumber: string }, ctx: Context) => ctx.loaders.person.load(ref.idNumber),
  },
};
