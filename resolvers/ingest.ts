/** Ingest mutations: a HOSTED source pushes records with its API key. */
import { GraphQLError } from 'graphql';
import { checkPush, publicResult, PushRefused, withoutNulls } from '../datasources/services/ingest';
import type { Context } from '../datasources/request/context';
import type { Domain } from '../domain/records';
import type { GqlResolvers as Resolvers } from './__generated__/types';

async function push(ctx: Context, domain: Domain, sourceId: string, records: readonly unknown[]) {
  try {
    const source = checkPush(ctx.sources.registry.get(sourceId), sourceId, ctx.caller.kind === 'source' ? ctx.caller.sourceId : null, domain);
    const result = await ctx.sources.ingestor.ingest(source, records.map(withoutNulls));
    if (result.accepted > 0) ctx.sources.health.delivered(source);
    return publicResult(result);
  } catch (e) {
    if (e instanceof PushRefused) {
      const code = e.code === 'NOT_FOUND' ? 'BAD_USER_INPUT' : e.code;
      throw new GraphQLError(e.message, { extensions: { code, ...(e.code === 'NOT_FOUND' ? { field: 'sourceId' } : {}) } });
    }
    throw e;
  }
}

export const ingestResolvers: Resolvers = {
  Mutation: {
    ingestDetentionRecords: (_p, { sourceId, records }, ctx) => push(ctx, 'DETENTION', sourceId, records),
    ingestPrisonRecords: (_p, { sourceId, records }, ctx) => push(ctx, 'PRISON', sourceId, records),
    ingestCommunityCorrections: (_p, { sourceId, records }, ctx) => push(ctx, 'COMMUNITY_CORRECTION', sourceId, records),
    ingestEnforcementCases: (_p, { sourceId, records }, ctx) => push(ctx, 'ENFORCEMENT_CASE', sourceId, records),
  },
};
