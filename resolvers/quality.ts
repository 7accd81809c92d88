/** Data quality per source and per department (docs/domain.md "Data quality"). */
import type { GqlResolvers as Resolvers } from './__generated__/types';

export const qualityResolvers: Resolvers = {
  Query: {
    dataQuality: (_p, args, ctx) =>
      ctx.sources.quality.reports(args, {
        regions: ctx.regions,
        // a department's staff see their own department only (its code is the token's `org`)
        department: ctx.caller.kind === 'person' && ctx.caller.role === 'DEPARTMENT' ? ctx.caller.org : null,
      }),
  },
};
