/** Data-source resolvers (the registry; registration itself comes with the registry issue). */
import type { GqlResolvers as Resolvers } from './__generated__/types';
import type { Context } from '../datasources/request/context';
import type { DataSourceDoc } from '../datasources/store/models';

function visibleTo(ctx: Context, s: DataSourceDoc): boolean {
  return !(ctx.caller.kind === 'person' && ctx.caller.role === 'DEPARTMENT') || s.department.code === ctx.caller.org;
}

export const sourceResolvers: Resolvers = {
  Query: {
    // A department's staff see their own department's sources only.
    dataSources: (_p, { domain, status }, ctx) => ctx.sources.registry.list(domain, status).filter((s) => visibleTo(ctx, s)),
    dataSource: (_p, { id }, ctx) => {
      const s = ctx.sources.registry.get(id);
      return s && visibleTo(ctx, s) ? s : null;
    },
  },
  DataSource: {
    id: (s) => s._id.toHexString(),
    regions: (s) => s.regions,
  },
  SourceHealth: {
    // health written before skips were counted apart has no such field
    skippedWhileOpen: (h) => h.skippedWhileOpen ?? 0,
  },
};
