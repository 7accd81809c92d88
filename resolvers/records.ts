/**
 * The resolvers of every record domain, from its description (domain/record-domains/): the list
 * query, the `Person` connection, the `Record` fields and the connection type. Thin: the stores
 * and loaders do the work.
 */
import { DOMAINS, RECORD_DOMAINS, type Domain } from '../domain/record-domains';
import type { AnyRecordDoc } from '../datasources/store/models';
import { pageSize } from '../datasources/store/pagination';
import type { Context } from '../datasources/request/context';
import type { GraphQLResolveInfo } from 'graphql';
import type { GqlResolvers as Resolvers } from './__generated__/types';
import { connectionFields, pathOf, personConnection, recordFields } from './common';

interface ListArgs {
  filter?: Record<string, unknown> | null;
  first?: number | null;
  after?: string | null;
}

function domainResolvers(d: Domain): Resolvers {
  const g = RECORD_DOMAINS[d].graphql;
  return {
    Query: {
      [g.list]: (_p: unknown, { filter, first, after }: ListArgs, ctx: Context, info: GraphQLResolveInfo) =>
        ctx.sources.records[d].list(filter as never, pageSize(first, ctx.limits.maxPageSize), after, {
          regions: ctx.regions,
          report: (s, e) => ctx.reportSourceError(s, e, pathOf(info)),
          called: ctx.noteSourceCall,
        }),
    },
    Person: { [g.personField]: personConnection(d) },
    [g.type]: recordFields<AnyRecordDoc>(d),
    [g.connection]: connectionFields<AnyRecordDoc>(),
  } as Resolvers;
}

/** One entry per domain, each with its own four types' resolvers. */
export const recordDomainResolvers: readonly Resolvers[] = DOMAINS.map(domainResolvers);
