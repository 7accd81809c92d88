/** Supervision rules, leads and evaluations: thin resolvers over datasources/services/leads.ts and datasources/services/evaluation/. */
import { GraphQLError } from 'graphql';
import type { Context } from '../datasources/request/context';
import { badInput } from '../lib/errors';
import { EvaluationBusyError } from '../datasources/services/evaluation';
import { encodeLeadCursor, type LeadDoc } from '../datasources/services/leads';
import type { AnyRecordDoc } from '../datasources/store/models';
import { personOfRecord } from '../datasources/store/persons';
import { pageSize } from '../datasources/store/pagination';
import type { GqlResolvers as Resolvers } from './__generated__/types';

function actorOf(ctx: Context): string {
  return ctx.caller.kind === 'person' ? ctx.caller.sub : ctx.caller.kind === 'source' ? `source:${ctx.caller.sourceId}` : 'anonymous';
}

export const leadResolvers: Resolvers = {
  Query: {
    supervisionRules: (_p, _a, ctx) => ctx.sources.leads.rules(),
    supervisionLeads: (_p, { filter, first, after }, ctx) =>
      ctx.sources.leads.list(filter, pageSize(first, ctx.limits.maxPageSize), after, ctx.regions),
    supervisionLead: (_p, { id }, ctx) => ctx.sources.leads.get(id, ctx.regions),
    evaluationRuns: (_p, { first }, ctx) => {
      const n = first ?? 10;
      if (!Number.isInteger(n) || n < 1 || n > 100) throw badInput('first', `must be between 1 and 100, got ${n}`);
      return ctx.sources.evaluator.runs(n);
    },
  },
  Mutation: {
    evaluateRules: async (_p, { rules }, ctx) => {
      try {
        return await ctx.sources.evaluator.evaluate({ rules: rules ?? null, actor: actorOf(ctx), trigger: 'manual' });
      } catch (e) {
        if (e instanceof EvaluationBusyError) throw new GraphQLError(e.message, { extensions: { code: 'EVALUATION_RUNNING' } });
        throw e;
      }
    },
    updateLeadStatus: (_p, { id, status, note }, ctx) => ctx.sources.leads.changeStatus(id, status, note, actorOf(ctx), ctx.regions),
    updateSupervisionRule: async (_p, { id, parameters, note }, ctx) => {
      const rule = await ctx.sources.leads.changeRule(id, parameters, note, actorOf(ctx));
      // the leads and every person's next change rest on the old parameters: a full run follows
      ctx.sources.evaluator.parametersChanged(actorOf(ctx));
      return rule;
    },
  },
  Person: {
    leads: async (person, { status }, ctx) => {
      const all = await ctx.loaders.leads.load(person.idNumber);
      return status ? all.filter((l) => l.status === status) : all;
    },
  },
  SupervisionLead: {
    id: (l) => l._id.toHexString(),
    rule: async (l, _a, ctx) => (await ctx.sources.leads.rules()).find((r) => r.id === l.rule)!,
    person: async (l, _a, ctx) =>
      (await ctx.loaders.person.load(l.idNumber)) ?? personOfRecord({ idNumber: l.idNumber, name: l.name || '—' }),
    records: async (l: LeadDoc, _a, ctx) => {
      const out: AnyRecordDoc[] = [];
      for (const ref of l.records) {
        const list = (await ctx.loaders.records[ref.domain].load(l.idNumber)) as AnyRecordDoc[];
        const r = list.find((x) => x.sourceId.toHexString() === ref.sourceId && x.externalId === ref.externalId);
        if (r) out.push(r);
      }
      return out;
    },
    region: (l) => l.region,
    // the stored figures carry dates; the day counts are the reading day's
    explanation: (l, _a, ctx) => ctx.sources.leads.read(l).explanation,
    explanationEn: (l, _a, ctx) => ctx.sources.leads.read(l).explanationEn,
    numbers: (l, _a, ctx) => ctx.sources.leads.read(l).numbers,
    updatedAt: (l) => l.updatedAt ?? l.detectedAt,
    resolvedByData: (l) => l.resolvedByData === true,
  },
  SupervisionLeadConnection: {
    edges: (page) => page.nodes.map((node) => ({ cursor: encodeLeadCursor(node._id), node })),
    pageInfo: (page) => ({
      hasNextPage: page.hasNextPage,
      endCursor: page.nodes.length ? encodeLeadCursor(page.nodes[page.nodes.length - 1]._id) : null,
    }),
    totalCount: (page) => page.totalCount(),
  },
  EvaluationRun: {
    id: (r) => r._id,
    persons: (r) => r.progress?.persons ?? 0,
    records: (r) => r.progress?.records ?? 0,
    totalRecords: (r) => r.progress?.totalRecords ?? 0,
    peakRssMiB: (r) => (r.peakRss ? Math.round((r.peakRss / 1048576) * 10) / 10 : null),
  },
};
