/** Statistics resolvers: thin; the statistics data source counts (datasources/services/statistics/). */
import type { GqlResolvers as Resolvers } from './__generated__/types';
import { pathOf } from './common';

export const statisticsResolvers: Resolvers = {
  Query: {
    statistics: (_p, { domain, groupBy, filter }, ctx, info) =>
      ctx.sources.statistics.compute(domain, groupBy, filter, {
        regions: ctx.regions,
        report: (s, e) => ctx.reportSourceError(s, e, pathOf(info)),
        called: ctx.noteSourceCall,
      }),
  },
};
