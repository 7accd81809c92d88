/** DetentionRecord resolvers: thin; the store and loaders do the work. */
import type { DetentionRecordDoc } from '../datasources/store/models';
import { pageSize } from '../datasources/store/pagination';
import type { GqlResolvers as Resolvers } from './__generated__/types';
import { connectionFields, pathOf, personConnection, recordFields } from './common';

export const detentionResolvers: Resolvers = {
  Query: {
    detentionRecords: (_p, { filter, first, after }, ctx, info) =>
      ctx.sources.records.DETENTION.list(filter, pageSize(first, ctx.limits.maxPageSize), after, { regions: ctx.regions, report: (s, e) => ctx.reportSourceError(s, e, pathOf(info)), called: ctx.noteSourceCall }),
  },
  Person: {
    detentions: personConnection('DETENTION'),
  },
  DetentionRecord: recordFields<DetentionRecordDoc>('DETENTION'),
  DetentionRecordConnection: connectionFields<DetentionRecordDoc>(),
};
