/** Person resolvers: dossiers by ID number, batched through the per-request loaders. */
import { badInput } from '../lib/errors';
import type { GqlResolvers as Resolvers } from './__generated__/types';

export const personResolvers: Resolvers = {
  Query: {
    person: (_p, { idNumber }, ctx) => ctx.loaders.person.load(idNumber),
    persons: (_p, { idNumbers }, ctx) => {
      if (idNumbers.length > ctx.limits.maxDossierIds) {
        throw badInput('idNumbers', `at most ${ctx.limits.maxDossierIds} ID numbers per query, got ${idNumbers.length}`);
      }
      return ctx.loaders.person.loadMany(idNumbers).then((people) =>
        people.map((p) => {
          if (p instanceof Error) throw p;
          return p;
        }),
      );
    },
  },
  Person: {
    region: (p) => p.region,
  },
};
