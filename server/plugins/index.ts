/**
 * The Apollo plugins of the hub, in the order they run. Apollo starts each hook of every plugin in
 * this order and awaits them together, so what a hook does before its first `await` is seen by the
 * plugins after it: in `didResolveOperation` the first refusal in this order is the one the client
 * gets; in `willSendResponse` a later plugin reads the errors an earlier one added.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Context } from '../../datasources/request/context';
import type { AuditLog } from '../../datasources/services/audit';
import type { Logger } from '../../lib/logger';
import { introspectionPlugin, trustedOperationsPlugin } from '../authorization';
import { requestErrorStatusPlugin } from '../errors';
import { listCostPlugin } from '../list-cost';
import type { HubMetrics } from '../metrics';
import { auditPlugin } from './audit';
import { projectionPlugin } from './projection';
import { sourceErrorsPlugin } from './source-errors';

export interface PluginParts {
  audit: AuditLog;
  metrics: HubMetrics;
  logger: Logger;
  /** procurators and departments may run only registered operations */
  requireTrustedOperations: boolean;
  /** the analysts' list cost budget (server/list-cost.ts) */
  costBudget: number;
  /** graphql-armor's plugins (server/limits.ts) */
  armor: ApolloServerPlugin<Context>[];
}

export function hubPlugins(parts: PluginParts): ApolloServerPlugin<Context>[] {
  return [
    // Switches rather than hooks (Apollo looks for them anywhere in the list): no landing page (the
    // hub serves its own IDE), and no cache hints: answers carry personal data and are never cached
    // (the CSV export and the IDE say `no-store`); the default cache-control plugin would hook every field.
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginCacheControlDisabled(),
    // First to see the answer: the HTTP status of a refusal from its error codes, before any plugin
    // below adds errors (it acts only on answers without data, which the ones below never add).
    requestErrorStatusPlugin(),
    // Sets which record fields the loaders fetch as soon as the operation is known; before the
    // refusals, which do not depend on it.
    projectionPlugin(),
    // Counts the answer by its first error before the live-source errors and the audit's own refusal
    // are added: an answer with data from every other source counts by its own outcome.
    parts.metrics.plugin,
    // Adds SOURCE_UNAVAILABLE per failed live source before the audit reads the errors: the entry
    // then says ERROR and lists the code.
    sourceErrorsPlugin(parts.logger),
    // Writes the audit entry from the answer as the client will get it (errors included); withholds
    // the data when the entry cannot be written.
    auditPlugin(parts.audit, parts.logger),
    // The refusals, in `didResolveOperation`, the cheapest and most basic first: introspection by
    // role, then unregistered operations, then the list cost (it may ask the store whether trusted).
    introspectionPlugin(),
    trustedOperationsPlugin(parts.requireTrustedOperations),
    listCostPlugin(parts.costBudget),
    // graphql-armor's (no "Did you mean …?" in production error messages), last as it hands them.
    ...parts.armor,
  ];
}
