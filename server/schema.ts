/** The hub's GraphQL schema: the SDL of schema/ with the resolvers, authorization and audit noting applied. */
import fs from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers';
import { applyAuthorization } from './authorization';
import { schemaDir } from './paths';
import { noteReturnedValues } from './returned';

/** The executable schema with authorization applied (default deny: every root field has @auth). */
export function buildHubSchema(): GraphQLSchema {
  // the audit notes returned values around whatever authorization returns (masked or not): applied last
  return noteReturnedValues(applyAuthorization(makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never })));
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
