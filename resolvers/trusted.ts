/** Trusted operations: registration and listing for administrators. */
import { GraphQLError, parse, validate } from 'graphql';
import type { GqlResolvers as Resolvers } from './__generated__/types';

export const trustedResolvers: Resolvers = {
  Query: {
    trustedOperations: async (_p, _a, ctx) => (await ctx.trusted.list()).map((o) => ({ ...o, hash: o._id })),
  },
  Mutation: {
    registerTrustedOperation: async (_p, { name, query }, ctx, info) => {
      let problems: string[];
      try {
        problems = validate(info.schema, parse(query)).map((e) => e.message);
      } catch (e) {
        problems = [(e as Error).message];
      }
      if (problems.length > 0) {
        throw new GraphQLError(`query: not a valid operation for this schema: ${problems.join('; ')}`, {
          extensions: { code: 'BAD_USER_INPUT', field: 'query' },
        });
      }
      const op = await ctx.trusted.register(name, query, ctx.caller.kind === 'person' ? ctx.caller.sub : 'unknown');
      return { ...op, hash: op._id };
    },
  },
};
