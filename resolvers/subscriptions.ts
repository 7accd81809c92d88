/**
 * Subscriptions: thin resolvers over the process's event feed (datasources/services/event-feed.ts).
 * A subscriber's filter and jurisdiction are checked on every event before it is resolved; the lead
 * or document is then resolved by its own type's resolvers, as the list queries resolve it.
 */
import type { Context } from '../datasources/request/context';
import { documentMatcher, leadMatcher, type DocumentFeedEvent, type LeadFeedEvent } from '../datasources/services/event-feed';
import type { SupervisionDocumentDoc } from '../datasources/services/documents';
import { ruleById } from '../domain/rules';
import type { GqlResolvers as Resolvers } from './__generated__/types';
import { callerOf } from './documents';
import { checkArguments } from './inputs';

export const subscriptionResolvers: Resolvers = {
  Subscription: {
    leadChanged: {
      subscribe: (_p, args, ctx: Context) => {
        checkArguments(args);
        const match = leadMatcher(args.filter, ctx.regions, (id) => !!ruleById(id));
        return ctx.sources.feed.open('lead', match, args.after) as never;
      },
      resolve: (event: LeadFeedEvent) => event,
    },
    documentChanged: {
      subscribe: (_p, args, ctx: Context) => {
        checkArguments(args);
        const caller = callerOf(ctx);
        const match = documentMatcher<SupervisionDocumentDoc>(
          args.filter,
          (d) => ctx.sources.documents.visibleTo(d, caller),
          caller.role === 'PROCURATOR' ? caller.regions : null,
        );
        return ctx.sources.feed.open('document', match, args.after) as never;
      },
      resolve: (event: DocumentFeedEvent) => event,
    },
  },
  LeadEvent: {
    cursor: (e) => e.id,
    status: (e) => e.status as never,
    lead: (e) => e.doc,
  },
  DocumentEvent: {
    cursor: (e) => e.id,
    status: (e) => e.status as never,
    alert: (e) => (e.alert ?? null) as never,
    document: (e) => e.doc,
  },
};
