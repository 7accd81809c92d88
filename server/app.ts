/**
 * The HTTP application: health, readiness, the IDE and GraphQL, wired over a connected store.
 * `createHub` does no listening itself, so tests and `main.ts` share it.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import type { Connection, Model } from 'mongoose';
import type { Domain } from '../domain/records';
import type { AnyRecordDoc, DataSourceDoc } from '../datasources/store/models';
import type { Caller, Context, Limits } from '../datasources/request/context';
import { createDataSources, type DataSources } from '../datasources';
import { createLoaders } from '../datasources/request/loaders';
import { createModels } from '../datasources/store/models';
import { EvaluationBusyError, EvaluationStoppedError } from '../datasources/services/evaluation';
import { EVALUATION_ACTOR } from '../datasources/services/leads';
import { Periodic } from '../lib/periodic';
import { runMigrations } from '../datasources/store/migrations';
import { MIGRATIONS } from '../datasources/migrations';
import { REJECTION_PURGE_MS } from '../datasources/services/quality';
import { resolvers } from '../resolvers';
import { ideRouter, wantsIde } from './ide';
import { createRateLimiter, type RateLimitSettings } from './rate-limit';
import { createFormatError, requestErrorStatusPlugin } from './errors';
import { escapeControls } from '../domain/text';
import type { Logger } from '../lib/logger';
import { projectRoot, schemaDir } from './paths';
import { pingStore, StoreWatch } from '../datasources/store/connection';
import { chooseStoreProfile, type StoreName } from '../datasources/store/profile';
import { countStoreCommands, createMetrics, timeStoreRoundTrips } from './metrics';
import { recordProjections } from '../datasources/store/projection';
import type { BatchLookup } from '../datasources/store/lookup';
import type { ListReads } from '../datasources/store/record-store';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { applyAuthorization, introspectionPlugin, trustedOperationsPlugin } from './authorization';
import { noteReturnedValues, returnedValues } from './returned';
import { listCostPlugin } from './list-cost';
import { createJwtVerifier, type JwtSettings } from './jwt';
import { AuditLog } from '../datasources/services/audit';
import { TrustedOperations } from '../datasources/services/trusted-operations';
import { DEFAULT_DOCUMENT_LIMITS, documentProtection, parseOptions, type DocumentLimits } from './limits';
import { callerOf } from './auth';
import { ingestHandler } from './ingest-route';
import { bodyIdleTimeout, Connections } from './connections';
import { EXPORT_PATH, exportRouter } from './csv-export';

export const GRAPHQL_PATH = '/graphql';

const FAILED = Symbol('failed live sources');
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A JSON body must be valid UTF-8 (RFC 8259); anything else is refused with 400, not guessed at. */
function requireUtf8(_req: unknown, _res: unknown, buf: Buffer): void {
  try {
    UTF8.decode(buf);
  } catch {
    throw Object.assign(new Error('the request body is not valid UTF-8'), { status: 400, type: 'encoding.unsupported' });
  }
}
const CLIENT = Symbol('client address');
const CALLS = Symbol('live sources called');
type SourceCalls = Map<string, 'ok' | 'failed'>;

/**
 * One audit entry per operation, written before the answer leaves: if it cannot be written, the
 * answer's data is withheld and the client gets SERVICE_UNAVAILABLE instead.
 */
function auditPlugin(audit: AuditLog, logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const started = Date.now();
      return {
        async willSendResponse({ contextValue: ctx, response, operationName, document }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          // noted as the fields resolved; an answer without data returned none of them
          const { idNumbers: ids, recordIds } = result.data == null ? returnedValues() : ctx.returned;
          const caller = ctx.caller;
          const failed = (ctx as Context & { [FAILED]?: SourceFailures })[FAILED];
          try {
            await audit.append({
              at: new Date(),
              requestId: ctx.requestId,
              actor: caller.kind === 'person' ? { kind: 'person', sub: caller.sub, org: caller.org, role: caller.role }
                : caller.kind === 'source' ? { kind: 'source', sourceId: caller.sourceId } : { kind: 'anonymous' },
              purpose: caller.kind === 'person' ? caller.purpose : null,
              // a client's operation name may hold what the store cannot keep (U+0000): escaped
              operationName: operationName ?? (request.operationName != null ? escapeControls(request.operationName) : null),
              operationHash: request.query ? createHash('sha256').update(request.query).digest('hex') : null,
              variables: request.variables ? JSON.stringify(audit.scrub(request.variables)) : null,
              idNumbers: [...ids].map((id) => audit.personal(id)),
              recordIds: [...recordIds],
              failedSources: failed ? [...failed.keys()] : [],
              sourcesCalled: [...((ctx as Context & { [CALLS]?: SourceCalls })[CALLS] ?? new Map())].map(([id, outcome]) => `${id}:${outcome}`),
              status: result.errors?.length ? 'ERROR' : 'OK',
              errorCodes: [...new Set((result.errors ?? []).map((e) => String(e.extensions?.code ?? 'ERROR')))],
              durationMs: Date.now() - started,
              clientAddress: (ctx as Context & { [CLIENT]?: string })[CLIENT] ?? null,
            }, request.query ? { text: request.query, document } : undefined);
          } catch (err) {
            logger.error({ err, requestId: ctx.requestId }, 'audit entry not written: answer withheld');
            result.data = null;
            result.errors = [{ message: 'the access could not be recorded in the audit trail, so no data is returned; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } }];
          }
        },
      };
    },
  };
}
type SourceFailures = Map<string, { message: string; path?: readonly (string | number)[] }>;

/**
 * Adds one SOURCE_UNAVAILABLE error per failed live source to an answer that otherwise succeeded:
 * the data of every other source is there, and the error names the source and where data is missing.
 */
function sourceErrorsPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const failed = (contextValue as Context & { [FAILED]?: SourceFailures })[FAILED];
          if (!failed?.size || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errors = [...failed].map(([sourceId, f]) => ({
            message: `data source unavailable: ${f.message}`,
            ...(f.path ? { path: [...f.path] } : {}),
            extensions: { code: 'SOURCE_UNAVAILABLE', sourceId },
          }));
          logger.warn({ sources: [...failed.keys()], requestId: contextValue.requestId }, 'answered without failed live sources');
          result.errors = [...(result.errors ?? []), ...errors];
        },
      };
    },
  };
}

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
  /** per-actor request budget (SECURITY.md); off when absent */
  rateLimit?: RateLimitSettings;
  /** how people's tokens are verified */
  jwt: JwtSettings;
  /** depth, alias, directive, token and cost limits (SECURITY.md defaults) */
  documentLimits?: DocumentLimits;
  /** largest NDJSON push body (default 64 MiB) */
  ingestLimitBytes?: number;
  /** a request body (a push, a GraphQL or export request) that sends no bytes for this long is cut (default 30 s) */
  bodyIdleTimeoutMs?: number;
  /** records the evaluation holds in memory at once */
  evaluationChunkRecords?: number;
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
}

export interface Hub {
  app: Express;
  /** serves the app with the hub's connection timeouts (server/connections.ts); `drain` stops that server */
  listen(port: number, host: string): Server;
  /** stops accepting, lets requests in flight finish within `graceMs`, then stops pushes (they answer what they stored) and closes the rest */
  drain(graceMs: number): Promise<void>;
  apollo: ApolloServer<Context>;
  sources: DataSources;
  /** a per-request context, as the HTTP handler builds it (tests use it with executeOperation) */
  context(requestId?: string, caller?: Caller): Context;
  /** evaluates the supervision rules every `intervalMs` (the first run 10 s later); 0 stops it */
  scheduleEvaluation(intervalMs: number): void;
  /** settles when the start-up work in the background is over (month/day backfill, days registry, statistics partitions and counts); never rejects */
  startupWork: Promise<void>;
  stop(): Promise<void>;
}

/** The executable schema with authorization applied (default deny: every root field has @auth). */
export function buildHubSchema(): GraphQLSchema {
  // the audit notes returned values around whatever authorization returns (masked or not): applied last
  return noteReturnedValues(applyAuthorization(makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never })));
}

/** The SDL: every file of schema/, in name order. */
export function loadTypeDefs(): string {
  return fs.readdirSync(schemaDir).filter((f) => f.endsWith('.graphql')).sort()
    .map((f) => fs.readFileSync(path.join(schemaDir, f), 'utf8')).join('\n');
}

const VERSION: string = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version;

/**
 * An ID number to show in examples: a person with records in all four domains among the first
 * few dozen prison records, else any person. Equality lookups only (cheap on every store).
 */
export async function firstPersonId(sources: DataSources): Promise<string | undefined> {
  const model = (d: Domain) => sources.models.records[d] as unknown as Model<AnyRecordDoc>;
  const candidates = (await model('PRISON').find({}, { idNumber: 1 }).limit(40).lean()).map((r) => r.idNumber);
  for (const id of candidates) {
    const found = await Promise.all((['DETENTION', 'COMMUNITY_CORRECTION', 'ENFORCEMENT_CASE'] as const)
      .map((d) => model(d).exists({ idNumber: id })));
    if (found.every(Boolean)) return id;
  }
  if (candidates.length > 0) return candidates[0];
  for (const d of ['DETENTION', 'COMMUNITY_CORRECTION', 'ENFORCEMENT_CASE'] as const) {
    const r = await model(d).findOne({}, { idNumber: 1 }).lean();
    if (r) return r.idNumber;
  }
  return undefined;
}

/** Whether the store holds no record at all (then `npm start` seeds the demo data). */
export async function storeIsEmpty(sources: DataSources): Promise<boolean> {
  for (const m of Object.values(sources.models.records) as Model<AnyRecordDoc>[]) {
    if (await m.exists({})) return false;
  }
  return true;
}

/**
 * The scheduled evaluation of the supervision rules. Every replica schedules it; the store's lease
 * lets one of them run at a time, and the others skip that turn.
 */
function scheduleEvaluation(sources: DataSources, logger: Logger, intervalMs: number | undefined): { stop(): void } {
  if (!intervalMs) return { stop: () => undefined };
  const log = logger.child({ component: 'evaluation' });
  const run = async () => {
    const started = Date.now();
    let lastLog = 0;
    try {
      const report = await sources.evaluator.evaluate({
        actor: EVALUATION_ACTOR, trigger: 'schedule',
        onProgress: (p) => {
          if (Date.now() - lastLog < 10_000) return;
          lastLog = Date.now();
          log.info({ records: p.records, totalRecords: p.totalRecords, persons: p.persons, chunk: p.chunk, chunks: p.chunks }, 'evaluating supervision rules');
        },
      });
      log.info({ ...report, ms: Date.now() - started }, 'supervision rules evaluated');
    } catch (err) {
      if (err instanceof EvaluationBusyError) log.debug({ err: err.message }, 'evaluation skipped: another one is running');
      else if (err instanceof EvaluationStoppedError) log.info({ reason: err.message }, 'scheduled evaluation stopped before it finished');
      else log.warn({ err }, 'scheduled evaluation failed');
    }
  };
  const first = setTimeout(() => { void run(); }, Math.min(intervalMs, 10_000));
  first.unref();
  const periodic = new Periodic(intervalMs, run);
  periodic.start();
  return { stop: () => { clearTimeout(first); periodic.stop(); } };
}

export async function createHub(options: HubOptions): Promise<Hub> {
  const { connection, logger } = options;
  const models = createModels(connection);
  const store = await chooseStoreProfile(connection, {
    profile: options.storeProfile, batchLookup: options.batchLookup, listReads: options.listReads, statisticsAhead: options.statisticsAhead,
    postgresUrl: options.storePostgresUrl, vacuumCheckMs: options.storeVacuumCheckMs,
  });
  await store.ensureIndexes(models);
  const sources = createDataSources(models, {
    store, registryRefreshMs: options.registryRefreshMs, evaluation: { chunkRecords: options.evaluationChunkRecords }, statisticsMaxBuckets: options.statisticsMaxBuckets,
    clock: options.clock, futureSkewMs: options.ingestFutureSkewMs, rejectionRetentionDays: options.rejectionRetentionDays,
  });
  await sources.claims.ensure();
  await sources.leads.ensureIndexes();
  await sources.evaluator.ensureIndexes();
  await sources.registry.load();
  await sources.health.load();
  sources.registry.start((err) => logger.warn({ err }, 'registry refresh failed'));

  sources.health.start((err) => logger.warn({ err }, 'source health flush failed'));
  let evaluation = { stop: () => undefined as void };
  // In the background (readiness does not wait): the numbered migrations (datasources/migrations.ts:
  // month/day stamps, the days registry, the statistics partitions), then every partition's counts
  // made ready, so the first question does not wait for them (statistics aggregates in the store until then).
  const statsLog = logger.child({ component: 'statistics' });
  const startupWork = runMigrations(connection.db!, MIGRATIONS, { sources, log: logger.child({ component: 'migrations' }) }, logger.child({ component: 'migrations' }))
    .then(async () => { if (store.statisticsAhead) await sources.counted.refresh(statsLog); })
    .then(() => undefined, (err) => logger.warn({ err }, 'start-up work failed (migrations or statistics counts)'));
  // Shown on /readyz: answers are right meanwhile, but slower, and the store is busy with it.
  let startupState: 'running' | 'done' = 'running';
  const startupStarted = Date.now();
  void startupWork.then(() => {
    startupState = 'done';
    logger.info({ ms: Date.now() - startupStarted }, 'start-up work finished');
  });

  const hubInfo = { version: VERSION, store: options.storeKind };
  const context = (requestId: string = randomUUID(), caller: Caller = { kind: 'anonymous' }): Context => {
    const failed: SourceFailures = new Map();
    const reportSourceError = (source: DataSourceDoc, error: Error, path?: readonly (string | number)[]) => {
      const id = source._id.toHexString();
      if (!failed.has(id)) failed.set(id, { message: error.message, path });
    };
    // Jurisdiction: a person sees their regions; an API key or anonymous caller sees no records
    // (the schema refuses them the data fields anyway).
    const regions = caller.kind === 'person' ? caller.regions : [];
    const calls: SourceCalls = new Map();
    const noteSourceCall = (source: DataSourceDoc, ok: boolean) => {
      const id = source._id.toHexString();
      if (calls.get(id) !== 'failed') calls.set(id, ok ? 'ok' : 'failed');
    };
    const recordFields: Context['recordFields'] = {};
    const ctx: Context & { [FAILED]: SourceFailures; [CALLS]: SourceCalls } = {
      caller, sources, loaders: createLoaders(sources, { regions, report: reportSourceError, called: noteSourceCall, projection: (d) => recordFields.projections?.[d] }), limits: options.limits, requestId, hub: hubInfo,
      reportSourceError, noteSourceCall, regions, audit, trusted, recordFields, returned: returnedValues(), [FAILED]: failed, [CALLS]: calls,
    };
    return ctx;
  };

  const verify = createJwtVerifier(options.jwt);
  const audit = new AuditLog(connection, options.auditKey, store.auditChainEnd);
  const trusted = new TrustedOperations(connection);
  await trusted.load();
  const stopUpkeep = await store.startUpkeep(connection, logger);
  logger.info({ profile: store.name, batchLookup: store.batchLookup, listReads: store.listReads, statisticsAhead: store.statisticsAhead }, 'store');
  // Rejected records past their retention are deleted here (FerretDB 1.24 has no TTL index): at start, then every hour.
  const purgeRejections = () => sources.rejections.purge(new Date())
    .catch((err: Error) => logger.warn({ err: err.message }, 'purging expired ingest rejections failed'));
  const rejectionsPurged = purgeRejections();
  const rejectionPurge = new Periodic(REJECTION_PURGE_MS, () => purgeRejections());
  rejectionPurge.start();
  const metrics = createMetrics();
  timeStoreRoundTrips(metrics.registry, connection);
  if (connection.getClient().options.monitorCommands) countStoreCommands(metrics.registry, connection);
  const protection = documentProtection(options.documentLimits ?? DEFAULT_DOCUMENT_LIMITS, options.production);
  const schema = buildHubSchema();
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGINT/SIGTERM: it stops HTTP, Apollo, the store connection and the embedded store in order.
    stopOnTerminationSignals: false,
    formatError: createFormatError(logger.child({ component: 'graphql' }), !options.production),
    // No cache hints: answers carry personal data and are never cached (the CSV export and the IDE say
    // `no-store`). Apollo's default cache-control plugin would still hook every resolved field.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), requestErrorStatusPlugin(), projectionPlugin(), metrics.plugin, sourceErrorsPlugin(logger), auditPlugin(audit, logger), introspectionPlugin(), trustedOperationsPlugin(options.requireTrustedOperations ?? false), listCostPlugin((options.documentLimits ?? DEFAULT_DOCUMENT_LIMITS).cost), ...(protection.plugins as ApolloServerPlugin<Context>[])],
    validationRules: protection.validationRules,
    parseOptions: parseOptions(options.documentLimits ?? DEFAULT_DOCUMENT_LIMITS),
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  const connections = new Connections(logger.child({ component: 'http' }));
  app.use(connections.track, bodyIdleTimeout(options.bodyIdleTimeoutMs ?? 30_000, logger.child({ component: 'http' })));
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    try {
      await pingStore(connection, options.storeTimeoutMs);
      res.json({ status: 'ready', store: options.storeKind, startupWork: startupState });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', reason: `store: ${(err as Error).message}` });
    }
  });

  // The IDE opens with a dossier query for a person who exists (the first one stored).
  const limiter = options.rateLimit ? await createRateLimiter(options.rateLimit, logger.child({ component: 'rate-limit' })) : undefined;
  if (limiter) {
    app.use(GRAPHQL_PATH, (req, res, next) => (wantsIde(req) ? next() : limiter.middleware(req, res, next)));
    app.use('/ingest', limiter.middleware);
    app.use(EXPORT_PATH, limiter.middleware);
  }

  app.post('/ingest/:sourceId', ingestHandler(sources, logger.child({ component: 'ingest' }), options.ingestLimitBytes, verify,
    { idleMs: options.bodyIdleTimeoutMs ?? 30_000, stop: connections.pushStop }));

  // Metrics tell operation names and volumes: ADMIN tokens only (Prometheus sends one as bearer_token).
  app.get('/metrics', async (req, res) => {
    try {
      const caller = await callerOf(req.headers.authorization, sources, verify);
      if (caller.kind !== 'person' || caller.role !== 'ADMIN') {
        res.status(caller.kind === 'anonymous' ? 401 : 403).json({ errors: [{ message: '/metrics needs an ADMIN token', extensions: { code: caller.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN' } }] });
        return;
      }
    } catch (e) {
      res.status(401).json({ errors: [{ message: (e as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  let exampleId: string | undefined;
  app.use(ideRouter(GRAPHQL_PATH, async () => {
    exampleId ??= await firstPersonId(sources);
    return exampleId;
  }));

  // Request time limit: an answer not started within requestTimeoutMs is replaced by a 503; whatever
  // the operation produces later is dropped (the error handler below sees the response already sent).
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  app.use(GRAPHQL_PATH, (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      logger.warn({ path: req.path, ms: requestTimeoutMs }, 'request over the time limit');
      // the operation may go on, its answer dropped; a body still coming closes the connection (connections.ts)
      res.status(503).json({ errors: [{ message: `the request took longer than ${requestTimeoutMs / 1000} s and was stopped`, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    }, requestTimeoutMs);
    res.once('close', () => clearTimeout(timer));
    res.once('finish', () => clearTimeout(timer));
    next();
  });
  // A store that stops answering: every request needs it (at least for its audit entry), so it is
  // answered when the store is declared down, not after each of its store operations timed out.
  const storeWatch = new StoreWatch(connection);
  app.use(GRAPHQL_PATH, (req, res, next) => {
    const unavailable = (reason: string) => {
      if (res.headersSent) return;
      logger.warn({ path: req.path, reason }, 'store unavailable: request answered without waiting for it');
      res.status(503).json({ errors: [{ message: 'the hub\'s store is not reachable; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    };
    if (storeWatch.down) return unavailable(storeWatch.down);
    const stop = storeWatch.onDown(unavailable);
    res.once('close', stop);
    res.once('finish', stop);
    next();
  });
  /** The context of a request to /graphql or /export: the caller from its headers, its client address. */
  const requestContext = async (req: express.Request, requestId: string): Promise<Context> => {
    const ctx = context(requestId, await callerOf(req.headers.authorization, sources, verify, req.headers['x-purpose']));
    (ctx as Context & { [CLIENT]?: string })[CLIENT] = req.ip ?? req.socket.remoteAddress ?? undefined;
    return ctx;
  };
  const jsonBody = express.json({ limit: '1mb', verify: requireUtf8 });
  app.use(
    GRAPHQL_PATH,
    jsonBody,
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const header = req.headers['x-request-id'];
        const requestId = typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
        return requestContext(req, requestId);
      },
    }),
  );

  // CSV export (server/csv-export.ts): every page runs through this Apollo server and this context.
  app.use(EXPORT_PATH, exportRouter({
    apollo, schema, context: requestContext, jsonBody, logger: logger.child({ component: 'export' }),
    maxPageSize: options.limits.maxPageSize, costBudget: (options.documentLimits ?? DEFAULT_DOCUMENT_LIMITS).cost, pageTimeoutMs: requestTimeoutMs,
  }));

  // Errors outside GraphQL (bodies too large, not JSON, not UTF-8): a JSON answer, never a stack trace.
  app.use((err: { status?: number; statusCode?: number; type?: string; message?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (res.headersSent) return; // e.g. the answer of an operation that ran over the time limit
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) logger.error({ err }, 'HTTP error');
    const message = status === 413 ? 'the request body is over the size limit (1 MiB)'
      : status < 500 ? (err.type === 'entity.parse.failed' ? 'the request body is not valid JSON' : err.message ?? 'bad request')
        : 'internal error; the hub logged it';
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR' } }] });
  });

  return {
    app,
    listen: (port, host) => connections.listen(app, port, host),
    drain: (graceMs) => connections.drain(graceMs),
    apollo,
    sources,
    context,
    startupWork,
    scheduleEvaluation: (intervalMs) => {
      evaluation.stop();
      evaluation = scheduleEvaluation(sources, logger, intervalMs);
    },
    stop: async () => {
      stopUpkeep();
      rejectionPurge.stop();
      await rejectionsPurged;
      await limiter?.close();
      sources.registry.stop();
      sources.health.stop();
      evaluation.stop();
      // a running evaluation ends at its next step as FAILED and gives its lease back, before the store closes
      await sources.evaluator.stop('the hub is shutting down');
      await sources.health.flush().catch(() => undefined);
      // the statistics marks of pushes that were answered before them (stat-counts.ts)
      await sources.counted.flush();
      await apollo.stop();
    },
  };
}

/** Reads, once per document, which stored record fields the operation can need (datasources/projection.ts). */
function projectionPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, contextValue }) {
          contextValue.recordFields.projections = recordProjections(schema, document);
        },
      };
    },
  };
}
