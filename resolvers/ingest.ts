/** Ingest mutations: a HOSTED source pushes records with its API key. */
import { GraphQLError } from 'graphql';
import { checkPush, publicResult, PushRefused, withoutNulls } from '../datasources/services/ingest';
import type { Context } from '../datasources/request/context';
import { DOMAINS, RECORD_DOMAINS, type Domain } from '../domain/record-domains';
import type { GqlResolvers as Resolvers } from './__generated__/types';

async function push(ctx: Context, domain: Domain, sourceId: string, records: readonly unknown[]) {
  try {
    const source = checkPush(
      ctx.sources.registry.get(sourceId),
      sourceId,
      ctx.caller.kind === 'source' ? ctx.caller.sourceId : null,
      domain,
    );
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

/** One push mutation per record domain, named by its description (domain/record-domains/). */
export const ingestResolvers: Resolvers = {
  Mutation: Object.fromEntries(
    DOMAINS.map((d) => [
      RECORD_DOMAINS[d].graphql.ingest,
      (_p: unknown, { sourceId, records }: { sourceId: string; records: readonly unknown[] }, ctx: Context) =>
        push(ctx, d, sourceId, records),
    ]),
  ),
};
