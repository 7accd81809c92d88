/** All resolvers, merged per type. */
import type { GqlResolvers as Resolvers } from './__generated__/types';
import { DateScalar, DateTime, IdNumber, JSONScalar } from './scalars';
import { commonResolvers } from './common';
import { personResolvers } from './person';
import { sourceResolvers } from './source';
import { recordDomainResolvers } from './records';
import { registryResolvers } from './registry';
import { ingestResolvers } from './ingest';
import { auditResolvers } from './audit';
import { trustedResolvers } from './trusted';
import { leadResolvers } from './leads';
import { documentResolvers } from './documents';
import { qualityResolvers } from './quality';
import { statisticsResolvers } from './statistics';
import { consultationResolvers } from './consultations';
import { ledgerResolvers } from './ledger';
import { subscriptionResolvers } from './subscriptions';
import { withCheckedArguments } from './inputs';

function merge(...parts: Resolvers[]): Resolvers {
  const out: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part)) {
      out[type] = { ...(out[type] ?? {}), ...(fields as Record<string, unknown>) };
    }
  }
  return out as Resolvers;
}

export const resolvers: Resolvers = {
  ...withCheckedArguments(
    merge(
      commonResolvers,
      personResolvers,
      sourceResolvers,
      ...recordDomainResolvers,
      registryResolvers,
      ingestResolvers,
      auditResolvers,
      trustedResolvers,
      leadResolvers,
      documentResolvers,
      qualityResolvers,
      statisticsResolvers,
      consultationResolvers,
      ledgerResolvers,
    ),
  ),
  ...subscriptionResolvers,
  DateTime,
  Date: DateScalar,
  IdNumber,
  JSON: JSONScalar,
};
