/**
 * The Apollo plugins of the hub, in the order they run. Apollo calls a hook of every plugin in this
 * order and awaits them together (Promise.all), so what a hook does before its first `await` happens
 * in this order: in `didResolveOperation` a refusal thrown there wins over those of the plugins after
 * it; in `willSendResponse` a plugin reads the errors that the plugins before it added.
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
    // First to see the answer: a refusal (an answer without data) gets the HTTP status of its error
    // codes. The errors added below come with data, or after an await (the audit's), and leave it be.
    requestErrorStatusPlugin(),
    // Notes which stored record fields the loaders fetch, once the operation is known; it refuses
    // nothing, so its place before the refusals below changes no answer.
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
    // The refusals, in `didResolveOperation`, the one that needs no store first: introspection by
    // role (synchronous, so it wins over the others), then unregistered operations, then the list
    // cost (over the budget, it asks the store whether the operation is trusted before refusing).
    introspectionPlugin(),
    trustedOperationsPlugin(parts.requireTrustedOperations),
    listCostPlugin(parts.costBudget),
    // graphql-armor's (no "Did you mean …?" in production error messages), last as it hands them.
    ...parts.armor,
  ];
}
