/** EnforcementCase resolvers: thin; the store and loaders do the work. */
import type { EnforcementCaseDoc } from '../datasources/store/models';
import { pageSize } from '../datasources/store/pagination';
import type { GqlResolvers as Resolvers } from './__generated__/types';
import { connectionFields, pathOf, personConnection, recordFields } from './common';

export const enforcementResolvers: Resolvers = {
  Query: {
    enforcementCases: (_p, { filter, first, after }, ctx, info) =>
      ctx.sources.records.ENFORCEMENT_CASE.list(filter, pageSize(first, ctx.limits.maxPageSize), after, { regions: ctx.regions, report: (s, e) => ctx.reportSourceError(s, e, pathOf(info)), called: ctx.noteSourceCall }),
  },
  Person: {
    enforcementCases: personConnection('ENFORCEMENT_CASE'),
  },
  EnforcementCase: recordFields<EnforcementCaseDoc>('ENFORCEMENT_CASE'),
  EnforcementCaseConnection: connectionFields<EnforcementCaseDoc>(),
};
