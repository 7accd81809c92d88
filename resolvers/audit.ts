/** The audit trail for administrators. */
import { badInput } from '../lib/errors';
import { pageSize } from '../datasources/store/pagination';
import type { GqlResolvers as Resolvers } from './__generated__/types';

export const auditResolvers: Resolvers = {
  AuditEntry: {
    operationText: (e, _a, ctx) => (e.operationTextHash ? ctx.audit.text(e.operationTextHash) : null),
  },
  Query: {
    auditLog: async (_p, { filter, first, after }, ctx) => {
      const n = pageSize(first, ctx.limits.maxPageSize);
      const before = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) : null;
      if (after && (!Number.isInteger(before) || before! < 1)) throw badInput('after', 'is not a cursor of the audit log');
      const { entries, hasNextPage } = await ctx.audit.page(filter ?? {}, n, before);
      const cursor = (seq: number) => Buffer.from(String(seq)).toString('base64url');
      return {
        edges: entries.map((e) => ({ cursor: cursor(e._id), node: { ...e, seq: e._id } })),
        pageInfo: { hasNextPage, endCursor: entries.length ? cursor(entries[entries.length - 1]._id) : null },
      };
    },
  },
};
