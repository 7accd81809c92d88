/** The document ledger and the assessment: thin resolvers over datasources/services/ledger.ts. */
import type { GqlResolvers as Resolvers } from './__generated__/types';
import { callerOf } from './documents';

export const ledgerResolvers: Resolvers = {
  Query: {
    documentLedger: (_p, { period, groupBy, kinds, regions }, ctx) =>
      ctx.sources.ledger.rows(callerOf(ctx), period, groupBy, { kinds, regions }),
    documentAssessment: (_p, { period, regions }, ctx) => ctx.sources.ledger.assessment(callerOf(ctx), period, { regions }),
  },
};
