/** Supervision documents (检察建议, 纠正违法通知书): thin resolvers over datasources/services/documents.ts. */
import type { Context } from '../datasources/request/context';
import { encodeDocumentCursor, type DocumentCaller, type SupervisionDocumentDoc } from '../datasources/services/documents';
import type { AnyRecordDoc } from '../datasources/store/models';
import { pageSize } from '../datasources/store/pagination';
import { KIND_LABELS } from '../domain/documents';
import { forbidden } from '../lib/errors';
import type { GqlResolvers as Resolvers } from './__generated__/types';

/** The caller as the documents service needs it (only people reach these fields: @auth). */
export function callerOf(ctx: Context): DocumentCaller {
  if (ctx.caller.kind !== 'person') throw forbidden('supervision documents are for people');
  const { sub, org, role, regions } = ctx.caller;
  return { sub, org, role, regions };
}

const isDepartment = (ctx: Context) => ctx.caller.kind === 'person' && ctx.caller.role === 'DEPARTMENT';

export const documentResolvers: Resolvers = {
  Query: {
    supervisionDocuments: (_p, { filter, first, after }, ctx) =>
      ctx.sources.documents.list(filter, pageSize(first, ctx.limits.maxPageSize), after, callerOf(ctx)),
    supervisionDocument: (_p, { id }, ctx) => ctx.sources.documents.get(id, callerOf(ctx)),
    documentAlerts: (_p, { regions }, ctx) => ctx.sources.documents.alerts(callerOf(ctx), regions),
    documentSettings: (_p, _a, ctx) => {
      const caller = callerOf(ctx);
      return ctx.sources.documents.settingsView(caller.role === 'DEPARTMENT' ? caller.org : undefined);
    },
  },
  Mutation: {
    issueDocument: (_p, { input }, ctx) => ctx.sources.documents.issue(input, callerOf(ctx)),
    signDocumentReceipt: (_p, { id, note }, ctx) => ctx.sources.documents.signReceipt(id, note, callerOf(ctx)),
    reportDocumentToSuperior: (_p, { id, superior, note }, ctx) =>
      ctx.sources.documents.reportToSuperior(id, superior, note, callerOf(ctx)),
    answerDocument: (_p, { id, input }, ctx) => ctx.sources.documents.answer(id, input, callerOf(ctx)),
    objectToDocument: (_p, { id, reasons }, ctx) => ctx.sources.documents.object(id, reasons, callerOf(ctx)),
    reviseDocument: (_p, { id, input }, ctx) => ctx.sources.documents.revise(id, input, callerOf(ctx)),
    upholdDocument: (_p, { id, reasons }, ctx) => ctx.sources.documents.uphold(id, reasons, callerOf(ctx)),
    withdrawDocument: (_p, { id, note }, ctx) => ctx.sources.documents.withdraw(id, note, callerOf(ctx)),
    acceptDocumentAnswer: (_p, { id, outcome, note }, ctx) => ctx.sources.documents.accept(id, outcome, note, callerOf(ctx)),
    askDocumentAgain: (_p, { id, note, replyWithinDays }, ctx) => ctx.sources.documents.askAgain(id, note, replyWithinDays, callerOf(ctx)),
    closeDocument: (_p, { id, outcome, note }, ctx) => ctx.sources.documents.close(id, outcome, note, callerOf(ctx)),
    updateDocumentSettings: (_p, { settings, note }, ctx) => ctx.sources.documents.changeSettings(settings, note, callerOf(ctx).sub),
    updateDepartmentWorkflow: (_p, { code, superior, reportWithinWorkingDays, note }, ctx) =>
      ctx.sources.documents.changeDepartmentWorkflow(
        code,
        superior ? { superior, reportWithinWorkingDays: reportWithinWorkingDays as number } : null,
        note,
        callerOf(ctx).sub,
      ),
    assignLead: (_p, { id, assignee, office, note }, ctx) =>
      ctx.sources.leads.assign(id, { sub: assignee, office }, note, callerOf(ctx).sub, ctx.regions),
    reopenLead: (_p, { id, reason }, ctx) => ctx.sources.leads.reopen(id, reason, callerOf(ctx).sub, ctx.regions),
  },
  SupervisionDocument: {
    id: (d) => d._id.toHexString(),
    kindLabel: (d) => KIND_LABELS[d.kind],
    region: (d) => d.region,
    daysLeft: (d, _a, ctx) => (d.dueDay == null ? null : d.dueDay - ctx.sources.documents.today()),
    overdue: (d, _a, ctx) => d.status === 'RECEIVED' && d.dueDay != null && ctx.sources.documents.today() > d.dueDay,
    leads: (d, _a, ctx) => ctx.sources.documents.leadsOf(d),
    records: async (d: SupervisionDocumentDoc, _a, ctx) => {
      const caller = callerOf(ctx);
      const out: AnyRecordDoc[] = [];
      for (const ref of d.records) {
        if (caller.role === 'DEPARTMENT' && !ctx.sources.documents.departmentOwnsSource(ref.sourceId, caller.org)) continue;
        const list = (await ctx.loaders.records[ref.domain].load(ref.idNumber)) as AnyRecordDoc[];
        const r = list.find((x) => x.sourceId.toHexString() === ref.sourceId && x.externalId === ref.externalId);
        if (r) out.push(r);
      }
      return out;
    },
  },
  DocumentLead: {
    rule: (l) => l.rule,
    ruleTitle: async (l, _a, ctx) => (await ctx.sources.leads.rules()).find((r) => r.id === l.rule)?.title ?? l.rule,
    explanation: (l, _a, ctx) => {
      // as read today: the day counts are the reading day's (LeadStore.read)
      const { explanation } = ctx.sources.leads.read(l);
      if (!isDepartment(ctx)) return explanation;
      const { org } = callerOf(ctx);
      return l.records.every((r) => ctx.sources.documents.departmentOwnsSource(r.sourceId, org)) ? explanation : null;
    },
    lead: (l, _a, ctx) => (isDepartment(ctx) ? null : l),
  },
  DocumentAnswer: {
    attachments: (a) => a.attachments.map((m) => ({ ...m, url: `/attachments/${m.sha256}` })),
  },
  SupervisionDocumentConnection: {
    edges: (page) => page.nodes.map((node) => ({ cursor: encodeDocumentCursor(node._id), node })),
    pageInfo: (page) => ({
      hasNextPage: page.hasNextPage,
      endCursor: page.nodes.length ? encodeDocumentCursor(page.nodes[page.nodes.length - 1]._id) : null,
    }),
    totalCount: (page) => page.totalCount(),
  },
  SupervisionLead: {
    assignee: (l) => l.assignee ?? null,
  },
};
