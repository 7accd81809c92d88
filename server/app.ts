/**
 * The HTTP application: health, readiness, the IDE and GraphQL, wired over a connected store.
 * `createHub` does no listening itself, so tests and `main.ts` share it.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import type { Connection, Model } from 'mongoose';
import type { Domain } from '../domain/records';
import type { AnyRecordDoc, DataSourceDoc } from '../datasources/models';
import type { Caller, Context, Limits } from '../datasources/context';
import { createDataSources, type DataSources } from '../datasources';
import { createLoaders } from '../datasources/loaders';
import { createModels, ensureIndexes } from '../datasources/models';
import { resolvers } from '../resolvers';
import { ideRouter } from './ide';
import { createFormatError } from './errors';
import type { Logger } from './logger';
import { projectRoot, schemaDir } from './paths';
import { pingStore } from './store';
import { createMetrics } from './metrics';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { applyAuthorization } from './authorization';
import { createJwtVerifier, type JwtSettings } from './jwt';
import { DEFAULT_DOCUMENT_LIMITS, documentProtection, type DocumentLimits } from './limits';
import { callerOf } from './auth';
import { ingestHandler } from './ingest-route';

export const GRAPHQL_PATH = '/graphql';

const FAILED = Symbol('failed live sources');
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
  /** how people's tokens are verified */
  jwt: JwtSettings;
  /** depth, alias, directive, token and cost limits (SECURITY.md defaults) */
  documentLimits?: DocumentLimits;
  /** largest NDJSON push body (default 64 MiB) */
  ingestLimitBytes?: number;
}

export interface Hub {
  app: Express;
  apollo: ApolloServer<Context>;
  sources: DataSources;
  /** a per-request context, as the HTTP handler builds it (tests use it with executeOperation) */
  context(requestId?: string, caller?: Caller): Context;
  stop(): Promise<void>;
}

/** The executable schema with authorization applied (default deny: every root field has @auth). */
export function buildHubSchema(): GraphQLSchema {
  return applyAuthorization(makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never }));
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

export async function createHub(options: HubOptions): Promise<Hub> {
  const { connection, logger } = options;
  const models = createModels(connection);
  await ensureIndexes(models);
  const sources = createDataSources(models, { registryRefreshMs: options.registryRefreshMs });
  await sources.registry.load();
  sources.registry.start((err) => logger.warn({ err }, 'registry refresh failed'));

  sources.health.start((err) => logger.warn({ err }, 'source health flush failed'));

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
    const ctx: Context & { [FAILED]: SourceFailures } = {
      caller, sources, loaders: createLoaders(sources, { regions, report: reportSourceError }), limits: options.limits, requestId, hub: hubInfo,
      reportSourceError, regions, [FAILED]: failed,
    };
    return ctx;
  };

  const verify = createJwtVerifier(options.jwt);
  const metrics = createMetrics();
  const protection = documentProtection(options.documentLimits ?? DEFAULT_DOCUMENT_LIMITS, options.production);
  const apollo = new ApolloServer<Context>({
    schema: buildHubSchema(),
    introspection: !options.production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGINT/SIGTERM: it stops HTTP, Apollo, the store connection and the embedded store in order.
    stopOnTerminationSignals: false,
    formatError: createFormatError(logger.child({ component: 'graphql' }), !options.production),
    plugins: [ApolloServerPluginLandingPageDisabled(), metrics.plugin, sourceErrorsPlugin(logger), ...(protection.plugins as ApolloServerPlugin<Context>[])],
    validationRules: protection.validationRules,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    try {
      await pingStore(connection, options.storeTimeoutMs);
      res.json({ status: 'ready', store: options.storeKind });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', reason: `store: ${(err as Error).message}` });
    }
  });

  // The IDE opens with a dossier query for a person who exists (the first one stored).
  app.post('/ingest/:sourceId', ingestHandler(sources, logger.child({ component: 'ingest' }), options.ingestLimitBytes, verify));

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  let exampleId: string | undefined;
  app.use(ideRouter(GRAPHQL_PATH, async () => {
    exampleId ??= await firstPersonId(sources);
    return exampleId;
  }));

  app.use(
    GRAPHQL_PATH,
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const header = req.headers['x-request-id'];
        const requestId = typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
        return context(requestId, await callerOf(req.headers.authorization, sources, verify, req.headers['x-purpose']));
      },
    }),
  );

  return {
    app,
    apollo,
    sources,
    context,
    stop: async () => {
      sources.registry.stop();
      sources.health.stop();
      await sources.health.flush().catch(() => undefined);
      await apollo.stop();
    },
  };
}
