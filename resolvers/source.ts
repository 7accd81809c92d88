/** Data-source resolvers (the registry; registration itself comes with the registry issue). */
import type { GqlResolvers as Resolvers } from './__generated__/types';

export const sourceResolvers: Resolvers = {
  Query: {
    dataSources: (_p, { domain, status }, ctx) => ctx.sources.registry.list(domain, status),
    dataSource: (_p, { id }, ctx) => ctx.sources.registry.get(id) ?? null,
  },
  DataSource: {
    id: (s) => s._id.toHexString(),
    regions: (s) => s.regions,
  },
};
