/** Person resolvers: dossiers by ID number, batched through the per-request loaders. */
import { badInput } from '../lib/errors';
import { searchPersons } from '../datasources/services/person-search';
import type { GqlResolvers as Resolvers } from './__generated__/types';

/** This year in Beijing (UTC+8): the latest birth year a search takes. */
const beijingYear = () => new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

export const personResolvers: Resolvers = {
  Query: {
    person: (_p, { idNumber }, ctx) => ctx.loaders.person.load(idNumber),
    personSearch: (_p, args, ctx) => searchPersons(ctx.sources.records, args, ctx.regions, beijingYear()),
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
