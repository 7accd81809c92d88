/**
 * The hub's GraphQL schema: the SDL of schema/ with the resolvers, authorization and audit noting
 * applied; as an Apollo Federation 2 subgraph when asked (schema/federation/, docs/federation.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse, type GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers';
import { federationResolvers } from '../resolvers/federation';
import { applyAuthorization, type AuthRule } from './authorization';
import { schemaDir } from './paths';
import { noteReturnedValues } from './returned';

/**
 * Who may call the root fields federation adds (they carry no @auth in the SDL): `_entities` as the
 * `person` query (the same dossiers, through the same loaders), `_service` (the SDL, for composing)
 * administrators only.
 */
const FEDERATION_AUTH: Readonly<Record<string, AuthRule>> = {
  'Query._entities': { requires: ['PROCURATOR', 'ANALYST'], purpose: true },
  'Query._service': { requires: ['ADMIN'] },
};

export interface SchemaOptions {
  /** serve as an Apollo Federation 2 subgraph (FEDERATION=subgraph) */
  federation?: boolean;
}

/** The executable schema with authorization applied (default deny: every root field has @auth). */
export function buildHubSchema(options: SchemaOptions = {}): GraphQLSchema {
  const executable = options.federation
    ? buildSubgraphSchema([
        {
          typeDefs: parse(`${loadTypeDefs()}\n${fs.readFileSync(path.join(schemaDir, 'federation', 'subgraph.graphql'), 'utf8')}`),
          resolvers: { ...resolvers, ...mergeResolvers(resolvers as Record<string, object>, federationResolvers) } as never,
        },
      ])
    : makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never });
  // the audit notes returned values around whatever authorization returns (masked or not): applied last
  return noteReturnedValues(applyAuthorization(executable, options.federation ? FEDERATION_AUTH : {}));
}

/** The hub's resolvers with the entities' reference resolvers added to their types. */
function mergeResolvers(base: Record<string, object>, extra: Record<string, object>): Record<string, object> {
  const out: Record<string, object> = {};
  for (const [type, fields] of Object.entries(extra)) out[type] = { ...(base[type] ?? {}), ...fields };
  return out;
}

/** The SDL: every file of schema/, in name order. */
export function loadTypeDefs(): string {
  return fs
    .readdirSync(schemaDir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => fs.readFileSync(path.join(schemaDir, f), 'utf8'))
    .join('\n');
}
