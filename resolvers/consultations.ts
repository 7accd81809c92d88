/** Two-way consultations (双向咨询) and attachments: thin resolvers over datasources/services/consultations.ts and attachments.ts. */
import type { Context } from '../datasources/request/context';
import { attachmentUrl } from '../datasources/services/attachments';
import { encodeConsultationCursor, type ConsultationActor } from '../datasources/services/consultations';
import { pageSize } from '../datasources/store/pagination';
import { unauthenticated } from '../lib/errors';
import type { GqlResolvers as Resolvers } from './__generated__/types';

/** The person calling (`@auth` lets only people through to these fields). */
function actorOf(ctx: Context): ConsultationActor {
  if (ctx.caller.kind !== 'person') throw unauthenticated('consultations are for people: Authorization: Bearer <token>');
  const { sub, org, role, regions } = ctx.caller;
  return { sub, org, role, regions };
}

export const consultationResolvers: Resolvers = {
  Query: {
    consultations: (_p, { filter, first, after }, ctx) =>
      ctx.sources.consultations.list(filter, pageSize(first, ctx.limits.maxPageSize), after, actorOf(ctx)),
    consultation: (_p, { id }, ctx) => ctx.sources.consultations.get(id, actorOf(ctx)),
    consultationCounts: (_p, { period, groupBy }, ctx) => ctx.sources.consultations.counts(period, groupBy, ctx.regions),
  },
  Mutation: {
    openConsultation: (_p, { input }, ctx) => ctx.sources.consultations.open(input, actorOf(ctx)),
    postConsultationMessage: async (_p, { id, text, attachments }, ctx) =>
      (await ctx.sources.consultations.post(id, { text, attachments }, actorOf(ctx))).consultation,
    closeConsultation: (_p, { id, settlement }, ctx) => ctx.sources.consultations.close(id, settlement, actorOf(ctx)),
  },
  Consultation: {
    id: (c) => c._id.toHexString(),
    attachments: (c) => c.attachments ?? [],
    messages: (c, _a, ctx) => ctx.sources.consultations.thread(c._id),
  },
  ConsultationMessage: {
    author: (m) => m.author.sub,
    org: (m) => m.author.org,
    attachments: (m) => m.attachments ?? [],
  },
  ConsultationConnection: {
    edges: (page) => page.nodes.map((node) => ({ cursor: encodeConsultationCursor(node), node })),
    pageInfo: (page) => ({
      hasNextPage: page.hasNextPage,
      endCursor: page.nodes.length ? encodeConsultationCursor(page.nodes[page.nodes.length - 1]) : null,
    }),
    totalCount: (page) => page.totalCount(),
  },
  Attachment: {
    url: (a) => attachmentUrl(a.sha256),
  },
};
