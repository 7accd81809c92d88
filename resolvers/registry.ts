/** Registry resolvers: registration, changes, keys, and how sources are doing. */
import { GraphQLError } from 'graphql';
import { RegistrationError, SourceNotFoundError } from '../datasources/sources/registry';
import { DEFAULT_SOURCE_TIMEOUT_MS } from '../datasources/sources/connectors';
import type { DataSourceDoc } from '../datasources/store/models';
import type { Context } from '../datasources/request/context';
import { encodeRejectionCursor } from '../datasources/services/quality';
import { pageSize } from '../datasources/store/pagination';
import { forbidden } from '../lib/errors';
import type { GqlResolvers as Resolvers } from './__generated__/types';

/** Registry outcomes as the API's error codes. */
async function registryCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof RegistrationError) {
      throw new GraphQLError(`${e.problems.length} problem(s): ${e.message}`, {
        extensions: { code: 'BAD_USER_INPUT', field: e.problems[0].field, problems: e.problems },
      });
    }
    if (e instanceof SourceNotFoundError) throw new GraphQLError(e.message, { extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
    throw e;
  }
}

/** Live sources are probed right after registration, in the background: registering never waits on them. */
function probeLater(source: DataSourceDoc, ctx: Context): void {
  if (source.kind === 'HOSTED') return;
  ctx.sources.connectors
    .for(source)
    .probe()
    .catch(() => undefined);
}

export const registryResolvers: Resolvers = {
  Mutation: {
    registerDataSource: (_p, { input }, ctx) =>
      registryCall(async () => {
        const { source, apiKey } = await ctx.sources.registry.register(input);
        probeLater(source, ctx);
        return { dataSource: source, apiKey };
      }),
    updateDataSource: (_p, { id, input }, ctx) =>
      registryCall(async () => {
        const source = await ctx.sources.registry.update(id, input);
        probeLater(source, ctx);
        return source;
      }),
    suspendDataSource: (_p, { id, reason }, ctx) => registryCall(() => ctx.sources.registry.suspend(id, reason)),
    activateDataSource: (_p, { id }, ctx) => registryCall(() => ctx.sources.registry.activate(id)),
    rotateDataSourceKey: (_p, { id }, ctx) =>
      registryCall(async () => {
        const { source, apiKey } = await ctx.sources.registry.rotateKey(id);
        return { dataSource: source, apiKey };
      }),
  },
  DataSource: {
    timeoutMs: (s) => s.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS,
    health: (s, _a, ctx) => ctx.sources.health.current(s),
    rejections: async (s, { first, after }, ctx) => {
      const c = ctx.caller;
      const allowed = c.kind === 'person' && (c.role === 'ADMIN' || (c.role === 'DEPARTMENT' && c.org === s.department.code));
      if (!allowed) throw forbidden("a source's rejections are for its own department and administrators");
      const page = await ctx.sources.rejections.page(s._id, pageSize(first, ctx.limits.maxPageSize), after);
      return {
        edges: page.nodes.map((node) => ({ cursor: encodeRejectionCursor(node), node })),
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.nodes.length ? encodeRejectionCursor(page.nodes.at(-1)!) : null },
      };
    },
  },
  SourceHealth: {
    healthy: (h) => (h.consecutiveFailures ?? 0) === 0 && !!(h.lastSuccessAt || !h.lastErrorAt),
  },
};
