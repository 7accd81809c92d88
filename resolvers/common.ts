/** Resolvers shared by every domain: regions, the Record interface's fields, connections. */
import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { DOMAIN_OF_UNIT, RECORD_DOMAINS, type Domain } from '../domain/record-domains';
import { regionName } from '../domain/regions';
import type { Context } from '../datasources/request/context';
import type { AnyRecordDoc, PersonRef } from '../datasources/store/models';
import { personOfRecord } from '../datasources/store/persons';
import { encodeCursor, pageOf, pageSize, type Page, type Sortable } from '../datasources/store/pagination';
import type { GqlResolvers as Resolvers } from './__generated__/types';

export const commonResolvers: Resolvers = {
  Region: {
    code: (code) => code,
    name: (code) => regionName(code),
  },
  Record: {
    __resolveType: (record) => RECORD_DOMAINS[domainOf(record as AnyRecordDoc)].graphql.type as never,
  },
  Query: {
    hubInfo: (_p, _a, ctx) => ctx.hub,
  },
};

/** A record's domain, by its unit field (each domain's is its own: domain/record-domains/); never guessed. */
function domainOf(record: AnyRecordDoc): Domain {
  for (const field of Object.keys(DOMAIN_OF_UNIT)) if (field in record) return DOMAIN_OF_UNIT[field];
  throw new Error(`record ${String((record as { _id?: unknown })._id)} has no unit field of any record domain`);
}

/** Field resolvers of the `Record` interface, the same for the four record types. */
export function recordFields<T extends AnyRecordDoc>(domain: Domain) {
  return {
    id: (r: T) => r._id.toHexString(),
    domain: () => domain,
    // The person as this record names them: no store round trip for a list page's persons.
    person: (r: T) => personOfRecord(r),
    region: (r: T) => r.region,
    source: (r: T, _a: unknown, ctx: Context) => {
      const source = ctx.sources.registry.get(r.sourceId);
      if (!source) throw new Error(`data source ${r.sourceId.toHexString()} of record ${r._id.toHexString()} is not registered`);
      return source;
    },
  };
}

/** A resolver's path as a list, for errors that name where in the answer data is missing. */
export function pathOf(info: GraphQLResolveInfo): (string | number)[] {
  return responsePathAsArray(info.path);
}

/** Resolvers of a `…Connection` type over a `Page`. */
export function connectionFields<T extends Sortable>() {
  return {
    edges: (page: Page<T>) => page.nodes.map((node, i) => ({ cursor: page.cursors?.[i] ?? encodeCursor(node), node })),
    pageInfo: (page: Page<T>) => {
      const last = page.nodes.length - 1;
      return {
        hasNextPage: page.hasNextPage,
        endCursor: last < 0 ? null : (page.cursors?.[last] ?? encodeCursor(page.nodes[last])),
      };
    },
    totalCount: (page: Page<T>) => page.totalCount(),
  };
}

/** A `Person` connection of one domain: the person's records from the batched loader, paged in memory. */
export function personConnection<D extends Domain>(domain: D) {
  return async (person: PersonRef, args: { first?: number | null; after?: string | null }, ctx: Context) => {
    const first = pageSize(args.first, ctx.limits.maxPageSize);
    const records = await ctx.loaders.records[domain].load(person.idNumber);
    return pageOf(records, first, args.after);
  };
}
