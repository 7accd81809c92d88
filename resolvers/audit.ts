/** The audit trail for administrators, and the verification of its chain. */
import { badInput } from '../lib/errors';
import { pageSize } from '../datasources/store/pagination';
import type { GqlResolvers as Resolvers } from './__generated__/types';

export const auditResolvers: Resolvers = {
  AuditEntry: {
    operationText: (e, _a, ctx) => (e.operationTextHash ? ctx.audit.text(e.operationTextHash) : null),
  },
  AuditVerification: {
    id: (v) => v._id.toHexString(),
  },
  Mutation: {
    verifyAuditChain: (_p, _a, ctx) => ctx.sources.auditVerifications.start(ctx.caller.kind === 'person' ? ctx.caller.sub : 'anonymous'),
  },
  Query: {
    auditVerifications: (_p, { first }, ctx) => {
      const n = first ?? 5;
      if (!Number.isInteger(n) || n < 1 || n > 20) throw badInput('first', `must be between 1 and 20, got ${n}`);
      return ctx.sources.auditVerifications.latest(n);
    },
    auditLog: async (_p, { filter, first, after }, ctx) => {
      const n = pageSize(first, ctx.limits.maxPageSize);
      const before = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) : null;
      if (after && (!Number.isInteger(before) || before! < 1)) throw badInput('after', 'is not a cursor of the audit log');
      const { entries, hasNextPage } = await ctx.audit.page(filter ?? {}, n, before);
      const cursor = (seq: number) => Buffer.from(String(seq)).toString('base64url');
      return {
        edges: entries.map((e) => ({ cursor: cursor(e._id), node: { ...e, seq: e._id, gateway: e.via?.gateway ?? null } })),
        pageInfo: { hasNextPage, endCursor: entries.length ? cursor(entries[entries.length - 1]._id) : null },
      };
    },
  },
};
