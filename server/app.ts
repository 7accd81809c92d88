/**
 * The HTTP application: health, readiness, metrics, pushes, the IDE, GraphQL and the CSV export, wired
 * over a connected store. `createHub` does no listening itself, so tests and `main.ts` share it. Its
 * parts: startup.ts (the data side from start to stop), request-context.ts, plugins/ (the Apollo
 * plugins in order), routes/ (one file per route).
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { DataSources } from '../datasources';
import type { Caller, Context, Limits } from '../datasources/request/context';
import type { BatchLookup } from '../datasources/store/lookup';
import type { StoreName } from '../datasources/store/profile';
import type { ListReads } from '../datasources/store/record-store';
import type { Logger } from '../lib/logger';
import { bodyIdleTimeout, Connections } from './connections';
import { createFormatError } from './errors';
import type { Gateways } from './gateways';
import { createJwtVerifier, type JwtSettings } from './jwt';
import { DEFAULT_DOCUMENT_LIMITS, documentProtection, parseOptions, type DocumentLimits } from './limits';
import { countStoreCommands, createMetrics, evaluationMetrics, subscriptionMetrics, timeStoreRoundTrips } from './metrics';
import { projectRoot } from './paths';
import { hubPlugins } from './plugins';
import { createRateLimiter, mountRateLimit, type RateLimitSettings } from './rate-limit';
import { contextBuilder, httpContext } from './request-context';
import { ATTACHMENTS_PATH, attachmentsRouter } from './routes/attachments';
import { jsonErrors } from './routes/errors';
import { EXPORT_PATH, exportRouter } from './routes/export';
import { jsonBody, mountGraphql } from './routes/graphql';
import { mountHealth } from './routes/health';
import { mountIde } from './routes/ide';
import { mountWorkbench, type OidcSettings } from './routes/workbench';
import { ingestHandler } from './routes/ingest';
import { mountMetrics } from './routes/metrics';
import { buildHubSchema } from './schema';
import { firstPersonId } from './seed-runner';
import { startUp } from './startup';
import { redisWake } from './event-wake';
import { createSubscriptions, DEFAULT_SUBSCRIPTION_LIMITS, type SubscriptionLimits, type Subscriptions } from './subscriptions';

// what tests, benchmarks and main.ts import from here
export { GRAPHQL_PATH } from './paths';
export { buildHubSchema, loadTypeDefs } from './schema';
export { demoSeedWanted, firstPersonId, markDemoSeed, storeIsEmpty } from './seed-runner';

export interface HubOptions {
  connection: Connection;
  logger: Logger;
  limits: Limits;
  production: boolean;
  storeKind: string;
  storeTimeoutMs: number;
  registryRefreshMs?: number;
  /** key of the HMACs that stand for personal values in the audit trail */
  auditKey: string;
  /** longest a GraphQL request may take before it is answered 503 (default 30 s) */
  requestTimeoutMs?: number;
  /** procurators and departments may run only registered operations */
  requireTrustedOperations?: boolean;
  /** serve /graphql as an Apollo Federation 2 subgraph (`_entities`, `_service`; docs/federation.md) */
  federation?: boolean;
  /** gateways that may call through (FEDERATION_GATEWAYS: a name by the SHA-256 of its key) */
  gateways?: Gateways;
  /** per-actor request budget (docs/security.md); off when absent */
  rateLimit?: RateLimitSettings;
  /** how people's tokens are verified */
  jwt: JwtSettings;
  /** the workbench signs people in at this OpenID Connect provider; absent: development sign-in (not in production) */
  oidc?: OidcSettings;
  /** the workbench's build (default dist/app; tests build their own) */
  workbenchDir?: string;
  /** depth, alias, directive, token and cost limits (defaults in server/limits.ts, docs/security.md) */
  documentLimits?: DocumentLimits;
  /** largest NDJSON push body (default 64 MiB) */
  ingestLimitBytes?: number;
  /** a request body (a push, a GraphQL or export request) that sends no bytes for this long is cut (default 30 s) */
  bodyIdleTimeoutMs?: number;
  /** which proxies' X-Forwarded-For gives the client's address (Express's `trust proxy`; TRUST_PROXY) */
  trustProxy?: boolean | number | string[];
  /** largest attachment (`POST /attachments`, default 10 MiB) */
  attachmentMaxBytes?: number;
  /** records the evaluation holds in memory at once */
  evaluationChunkRecords?: number;
  /** evaluate the persons pushes marked every this many ms (incremental evaluation), and those due each day (wake-ups); 0 or absent: off */
  incrementalEvaluationMs?: number;
  /** how old a batch's evaluation intent must be before its writer is taken for dead (default 60 s; tests shorten it) */
  markIntentStaleMs?: number;
  /** a full run this many ms after a change of rule parameters; 0 or absent: none */
  evaluationAfterChangeMs?: number;
  /** how long the evaluation lease lasts without renewal (default 120 s; tests shorten it) */
  evaluationLeaseMs?: number;
  /** how far ahead of the hub's clock a pushed or live record's times may lie (default 1 day) */
  ingestFutureSkewMs?: number;
  /** how batches of ID numbers are looked up; `auto` (default): parallel equalities on FerretDB, `$in` elsewhere */
  batchLookup?: BatchLookup | 'auto';
  /** how list pages are read: `sorted` by the store, or `by-day` (FerretDB); `auto` picks by the store */
  listReads?: ListReads | 'auto';
  /** answer `statistics` from counts kept per partition (stat-counts.ts); false: aggregate in the store every time; default: the profile's (FerretDB yes, MongoDB no) */
  statisticsAhead?: boolean;
  /** most buckets one `statistics` answer may hold (default 10,000); more is QUERY_TOO_COMPLEX */
  statisticsMaxBuckets?: number;
  /** the store profile (datasources/store/profile.ts); `auto` (default): by what the store says it is */
  storeProfile?: StoreName | 'auto';
  /** the PostgreSQL database behind a FerretDB store: the hub adds the equality indexes FerretDB needs */
  storePostgresUrl?: string;
  /** with `storePostgresUrl`: how often to VACUUM tables that hold more dead row versions than rows (ms; 0: at start only) */
  storeVacuumCheckMs?: number;
  /** the clock of the statistics partitions' write leases (ms since the epoch; default Date.now): tests move it past a lease */
  clock?: () => number;
  /** days a rejected record is kept (default 180) */
  rejectionRetentionDays?: number;
  /**
   * GraphQL subscriptions (server/subscriptions.ts): limits per connection and caller; how often the
   * change events are polled, how far back each poll reads again, how long they are kept (ms); the
   * Redis that wakes the other replicas' polls (REDIS_URL)
   */
  subscriptions?: Partial<SubscriptionLimits> & { pollMs?: number; overlapMs?: number; retentionMs?: number; redisUrl?: string };
}

export interface Hub {
  app: Express;
  /** serves the app with the hub's connection timeouts (server/connections.ts); `drain` stops that server */
  listen(port: number, host: string): Server;
  /** stops accepting, lets requests in flight finish within `graceMs`, then stops pushes (they answer what they stored) and closes the rest */
  drain(graceMs: number): Promise<void>;
  apollo: ApolloServer<Context>;
  sources: DataSources;
  /** the WebSocket side: its connections, and its close */
  subscriptions: Subscriptions;
  /** a per-request context, as the HTTP handler builds it (tests use it with executeOperation) */
  context(requestId?: string, caller?: Caller): Context;
  /** evaluates the supervision rules every `intervalMs` (the first run 10 s later); 0 stops it */
  scheduleEvaluation(intervalMs: number): void;
  /** settles when the start-up work in the background is over (month/day backfill, days registry, statistics partitions and counts); never rejects */
  startupWork: Promise<void>;
  stop(): Promise<void>;
}

const VERSION: string = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version;

export async function createHub(options: HubOptions): Promise<Hub> {
  const { connection, logger } = options;
  // first: settings that cannot work (a JWKS file that is not there) fail before anything has started
  const verify = createJwtVerifier(options.jwt);
  const running = await startUp(options);
  const { sources } = running;
  const context = contextBuilder({
    sources,
    limits: options.limits,
    audit: running.audit,
    trusted: running.trusted,
    hub: { version: VERSION, store: options.storeKind },
  });

  const metrics = createMetrics();
  timeStoreRoundTrips(metrics.registry, connection);
  if (connection.getClient().options.monitorCommands) countStoreCommands(metrics.registry, connection);
  evaluationMetrics(metrics.registry, running.sources.marks, running.incremental);
  subscriptionMetrics(metrics.registry, sources.feed);
  const documentLimits = options.documentLimits ?? DEFAULT_DOCUMENT_LIMITS;
  const protection = documentProtection(documentLimits, options.production);
  const schema = buildHubSchema({ federation: options.federation });
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGINT/SIGTERM: it stops HTTP, Apollo, the store connection and the embedded store in order.
    stopOnTerminationSignals: false,
    formatError: createFormatError(logger.child({ component: 'graphql' }), !options.production),
    plugins: [
      ...hubPlugins({
        audit: running.audit,
        metrics,
        logger,
        requireTrustedOperations: options.requireTrustedOperations ?? false,
        costBudget: documentLimits.cost,
        armor: protection.plugins as ApolloServerPlugin<Context>[],
      }),
      // a subgraph's inline trace (ftv1) would hand any gateway that asks the timing of every field: off
      ...(options.federation ? [ApolloServerPluginInlineTraceDisabled()] : []),
    ],
    validationRules: protection.validationRules,
    parseOptions: parseOptions(documentLimits),
  });
  await apollo.start();

  // The routes, in the order Express tries them.
  const app = express();
  app.disable('x-powered-by');
  // the client's address in the audit trail and the anonymous rate-limit key comes through these proxies only
  app.set('trust proxy', options.trustProxy ?? false);
  const httpLog = logger.child({ component: 'http' });
  const connections = new Connections(httpLog);
  const bodyIdleMs = options.bodyIdleTimeoutMs ?? 30_000;
  app.use(connections.track, bodyIdleTimeout(bodyIdleMs, httpLog));
  mountHealth(app, { connection, storeKind: options.storeKind, storeTimeoutMs: options.storeTimeoutMs, startupWork: running.startupState });
  const limiter = options.rateLimit ? await createRateLimiter(options.rateLimit, logger.child({ component: 'rate-limit' })) : undefined;
  if (limiter) mountRateLimit(app, limiter);
  app.post(
    '/ingest/:sourceId',
    ingestHandler({
      sources,
      logger: logger.child({ component: 'ingest' }),
      limitBytes: options.ingestLimitBytes,
      verify,
      idleMs: bodyIdleMs,
      stop: connections.pushStop,
    }),
  );
  mountMetrics(app, { metrics, sources, verify });
  mountIde(app, () => firstPersonId(sources));
  mountWorkbench(app, {
    production: options.production,
    oidc: options.oidc,
    jwt: options.jwt,
    dir: options.workbenchDir,
    maxPageSize: options.limits.maxPageSize,
  });
  // Subscriptions over WebSocket on the GraphQL path: the same caller, limits, checks and audit as queries.
  const wake = options.subscriptions?.redisUrl
    ? redisWake(options.subscriptions.redisUrl, sources.events, sources.feed, logger.child({ component: 'subscriptions' }))
    : null;
  const subscriptions = createSubscriptions({
    schema,
    context,
    sources,
    verify,
    audit: running.audit,
    logger,
    maxTokens: documentLimits.tokens,
    validationRules: protection.validationRules,
    costBudget: documentLimits.cost,
    requireTrustedOperations: options.requireTrustedOperations ?? false,
    formatError: createFormatError(logger.child({ component: 'graphql' }), !options.production),
    limits: { ...DEFAULT_SUBSCRIPTION_LIMITS, ...options.subscriptions },
    production: options.production,
    clientAddress: (req) => Object.assign(Object.create(app.request), { app, headers: req.headers, socket: req.socket }).ip,
  });
  const requestContext = httpContext(context, sources, verify, options.gateways ?? new Map());
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  mountGraphql(app, { apollo, context: requestContext, connection, requestTimeoutMs, logger });
  // CSV export: every page runs through this Apollo server and this context.
  app.use(
    EXPORT_PATH,
    exportRouter({
      apollo,
      schema,
      context: requestContext,
      jsonBody,
      logger: logger.child({ component: 'export' }),
      maxPageSize: options.limits.maxPageSize,
      costBudget: documentLimits.cost,
      pageTimeoutMs: requestTimeoutMs,
    }),
  );
  // Attachments: files uploaded raw and served to the units they were shared with, each access audited.
  app.use(
    ATTACHMENTS_PATH,
    attachmentsRouter({
      sources,
      audit: running.audit,
      verify,
      maxBytes: options.attachmentMaxBytes,
      logger: logger.child({ component: 'attachments' }),
    }),
  );
  app.use(jsonErrors(logger));

  return {
    app,
    listen: (port, host) => {
      const server = connections.listen(app, port, host);
      subscriptions.attach(server);
      return server;
    },
    drain: async (graceMs) => {
      // subscribers reconnect (to another replica) with their last cursor while the requests finish
      await subscriptions.close();
      await connections.drain(graceMs);
    },
    subscriptions,
    apollo,
    sources,
    context,
    startupWork: running.startupWork,
    scheduleEvaluation: running.scheduleEvaluation,
    stop: async () => {
      await subscriptions.close();
      await wake?.close();
      await running.stop({ limiter, apollo });
    },
  };
}
