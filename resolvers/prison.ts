/** PrisonRecord resolvers: thin; the store and loaders do the work. */
import type { PrisonRecordDoc } from '../datasources/store/models';
import { pageSize } from '../datasources/store/pagination';
import type { GqlResolvers as Resolvers } from './__generated__/types';
import { connectionFields, pathOf, personConnection, recordFields } from './common';

export const prisonResolvers: Resolvers = {
  Query: {
    prisonRecords: (_p, { filter, first, after }, ctx, info) =>
      ctx.sources.records.PRISON.list(filter, pageSize(first, ctx.limits.maxPageSize), after, { regions: ctx.regions, report: (s, e) => ctx.reportSourceError(s, e, pathOf(info)), called: ctx.noteSourceCall }),
  },
  Person: {
    imprisonments: personConnection('PRISON'),
  },
  PrisonRecord: recordFields<PrisonRecordDoc>('PRISON'),
  PrisonRecordConnection: connectionFields<PrisonRecordDoc>(),
};
