/** CommunityCorrection resolvers: thin; the store and loaders do the work. */
import type { CommunityCorrectionDoc } from '../datasources/store/models';
import { pageSize } from '../datasources/store/pagination';
import type { GqlResolvers as Resolvers } from './__generated__/types';
import { connectionFields, pathOf, personConnection, recordFields } from './common';

export const correctionResolvers: Resolvers = {
  Query: {
    communityCorrections: (_p, { filter, first, after }, ctx, info) =>
      ctx.sources.records.COMMUNITY_CORRECTION.list(filter, pageSize(first, ctx.limits.maxPageSize), after, { regions: ctx.regions, report: (s, e) => ctx.reportSourceError(s, e, pathOf(info)), called: ctx.noteSourceCall }),
  },
  Person: {
    corrections: personConnection('COMMUNITY_CORRECTION'),
  },
  CommunityCorrection: recordFields<CommunityCorrectionDoc>('COMMUNITY_CORRECTION'),
  CommunityCorrectionConnection: connectionFields<CommunityCorrectionDoc>(),
};
