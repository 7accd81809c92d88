/**
 * `npm start`: the hub as a process. Starts the embedded store when MONGODB_URI is unset (the embedded
 * PostgreSQL, then FerretDB on it: datasources/store/embedded/backend.ts), seeds the
 * demo data into an empty store, serves GraphQL, and shuts everything down on SIGINT/SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config';
import { createLogger } from '../lib/logger';
import { startEmbeddedStore, type EmbeddedStore, MissingFerretDBError } from '../datasources/store/embedded/ferretdb';
import { connectStore } from '../datasources/store/connection';
import { createHub, demoSeedWanted, firstPersonId, GRAPHQL_PATH, markDemoSeed } from './app';
import { seedDemoData } from './seed-runner';
import { WRITE_LEASE_MS } from '../datasources/services/stat-counts';
import { chooseEmbeddedBackend } from '../datasources/store/embedded/backend';
import { MissingEmbeddedPostgresError, type EmbeddedPostgres } from '../datasources/store/embedded/postgres-server';
import { discoverJwksUrl, ROLES, signToken } from './jwt';
import { WORKBENCH_PATH } from './routes/workbench';

/** What a failed start stops before the process exits (the store processes it started). */
const stopOnFailure: (() => Promise<unknown>)[] = [];
/** The signal that stopped the start, if one did: the start's work then fails as the store goes, which is not a failure to start. */
let stoppedBy: NodeJS.Signals | undefined;

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);

  let embedded: EmbeddedStore | undefined;
  /** the embedded PostgreSQL behind the embedded FerretDB, when the hub started one */
  let embeddedPostgres: EmbeddedPostgres | undefined;
  let uri = config.MONGODB_URI;
  let storeLabel = 'MONGODB_URI';
  let storePostgresUrl = config.STORE_POSTGRES_URL;
  if (!uri) {
    try {
      const backend = await chooseEmbeddedBackend(config, logger.child({ component: 'postgres' }));
      embeddedPostgres = backend.postgres;
      embedded = await startEmbeddedStore({
        bin: config.ferretdbBin,
        port: config.FERRETDB_PORT,
        dataDir: config.dataDir,
        logger: logger.child({ component: 'ferretdb' }),
        handler: backend.handler,
        postgresUrl: backend.postgresUrl,
      });
      if (backend.handler === 'postgresql') storePostgresUrl = backend.postgresUrl;
      storeLabel = `embedded FerretDB on ${backend.description}`;
    } catch (err) {
      await embeddedPostgres?.stop();
      if (err instanceof MissingFerretDBError || err instanceof MissingEmbeddedPostgresError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(1);
      }
      throw err;
    }
    uri = embedded.uri;
    const [ferret, postgres] = [embedded, embeddedPostgres];
    stopOnFailure.push(async () => {
      await ferret.stop();
      await postgres?.stop();
    });
  }
  // A signal before the hub is ready (while it connects, migrates or seeds) stops the store processes
  // it started, so that none is left running; the full drain is installed once there is a server.
  const stopBeforeReady = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    logger.info({ signal }, 'stopping before the hub was ready');
    void (async () => {
      for (const stop of stopOnFailure) await stop().catch(() => undefined);
    })().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopBeforeReady);
  process.once('SIGTERM', stopBeforeReady);
  const connection = await connectStore({
    uri,
    dbName: config.MONGODB_DB,
    timeoutMs: config.STORE_TIMEOUT_MS,
    maxPoolSize: config.STORE_POOL_SIZE,
    monitorCommands: config.STORE_COMMAND_METRICS,
    onError: (err) => logger.warn({ err }, 'store connection error'),
  });
  // tokens of an OpenID Connect provider: checked by the keys its discovery document names
  const jwt =
    config.oidc && !config.jwt.secret && !config.jwt.jwksFile && !config.jwt.jwksUrl
      ? { ...config.jwt, jwksUrl: await discoverJwksUrl(config.oidc.issuer) }
      : config.jwt;
  const hub = await createHub({
    connection,
    logger,
    limits: { maxPageSize: config.MAX_PAGE_SIZE, maxDossierIds: config.MAX_DOSSIER_IDS },
    production: config.NODE_ENV === 'production',
    storeKind: embedded ? 'embedded-ferretdb' : 'external',
    storeTimeoutMs: config.STORE_TIMEOUT_MS,
    storeProfile: config.STORE_PROFILE,
    batchLookup: config.STORE_BATCH_LOOKUP,
    listReads: config.STORE_LIST_READS,
    statisticsAhead: config.STATISTICS_AHEAD,
    statisticsMaxBuckets: config.STATISTICS_MAX_BUCKETS,
    storePostgresUrl,
    storeVacuumCheckMs: config.STORE_VACUUM_CHECK_MS,
    registryRefreshMs: config.REGISTRY_REFRESH_MS,
    evaluationChunkRecords: config.EVALUATION_CHUNK_RECORDS,
    incrementalEvaluationMs: config.INCREMENTAL_EVALUATION_MS,
    evaluationAfterChangeMs: config.EVALUATION_AFTER_CHANGE_MS,
    ingestFutureSkewMs: config.INGEST_FUTURE_SKEW_S * 1000,
    rejectionRetentionDays: config.REJECTION_RETENTION_DAYS,
    attachmentMaxBytes: config.ATTACHMENT_MAX_BYTES,
    jwt,
    oidc: config.oidc,
    auditKey: config.auditKey,
    requireTrustedOperations: config.REQUIRE_TRUSTED_OPERATIONS,
    federation: config.FEDERATION === 'subgraph',
    gateways: config.FEDERATION_GATEWAYS,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    bodyIdleTimeoutMs: config.BODY_IDLE_TIMEOUT_MS,
    trustProxy: config.TRUST_PROXY as boolean | number | string[],
    rateLimit:
      config.RATE_LIMIT_POINTS > 0
        ? { points: config.RATE_LIMIT_POINTS, windowSeconds: config.RATE_LIMIT_WINDOW_S, redisUrl: config.REDIS_URL }
        : undefined,
    subscriptions: {
      perConnection: config.SUBSCRIPTIONS_PER_CONNECTION,
      connectionsPerActor: config.SUBSCRIPTION_CONNECTIONS_PER_ACTOR,
      pollMs: config.SUBSCRIPTION_POLL_MS,
      overlapMs: config.SUBSCRIPTION_OVERLAP_MS,
      retentionMs: config.SUBSCRIPTION_EVENTS_RETENTION_S * 1000,
      redisUrl: config.REDIS_URL,
    },
    documentLimits: {
      depth: config.LIMIT_DEPTH,
      aliases: config.LIMIT_ALIASES,
      directives: config.LIMIT_DIRECTIVES,
      tokens: config.LIMIT_TOKENS,
      cost: config.LIMIT_COST,
    },
  });

  /** set once a signal asks the hub to stop */
  let stopping = false;
  const seedWanted = config.SEED_ON_EMPTY ? await demoSeedWanted(hub.sources) : null;
  if (seedWanted) {
    process.stdout.write(
      seedWanted === 'empty'
        ? `The store is empty: generating the demo data set (${config.SEED_PERSONS} persons, seed ${config.SEED}).\n`
        : `The demo data set was cut short when the hub last stopped: completing it (${config.SEED_PERSONS} persons, seed ${config.SEED}).\n`,
    );
    await markDemoSeed(hub.sources, 'running');
    await seedDemoData(hub.sources, { persons: config.SEED_PERSONS, seed: config.SEED, progress: true });
    await markDemoSeed(hub.sources, 'done');
    await hub.sources.registry.load();
    // The statistics counts of the new records are kept once the seed's write lease has run out
    // (until then each answer counts them from the records): made in the background then.
    if (hub.sources.store.statisticsAhead) {
      setTimeout(() => {
        hub.sources.counted.refresh(logger.child({ component: 'statistics' })).catch((err) => {
          // Stopped by a shutdown: nothing is lost, a partition without counts is counted when first asked.
          if (stopping) logger.info('statistics counts after seeding stopped by the shutdown; the rest are made when first asked');
          else logger.warn({ err }, 'statistics counts after seeding failed');
        });
      }, WRITE_LEASE_MS + 1000).unref();
    }
  }

  // After seeding, so the first evaluation sees the whole demo data set.
  hub.scheduleEvaluation(config.EVALUATION_INTERVAL_MS);
  const server = hub.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  // Before the ready line: a SIGTERM that arrives once a supervisor has read it must drain, not kill (a
  // signal with no listener yet ends the process at once).
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Whatever hangs, the process ends within 10 s of the drain's bound (the grace period, then up to
    // 10 s for the pushes it cut to answer); the embedded store is stopped in every case.
    setTimeout(() => {
      void (async () => {
        await embedded?.kill();
        await embeddedPostgres?.stop();
      })().finally(() => process.exit(1));
    }, config.SHUTDOWN_GRACE_MS + 20_000).unref();
    const t0 = Date.now();
    // Requests in flight finish (pushes cut by the grace period answer what they stored) before the store goes.
    await hub.drain(config.SHUTDOWN_GRACE_MS);
    await hub.stop().catch(() => undefined);
    logger.debug({ ms: Date.now() - t0 }, 'graphql stopped');
    await connection.close().catch(() => undefined);
    logger.debug({ ms: Date.now() - t0 }, 'store connection closed');
    await embedded?.stop();
    // After FerretDB, its only client.
    await embeddedPostgres?.stop();
    logger.info({ ms: Date.now() - t0 }, 'stopped');
    process.exit(0);
  };
  process.off('SIGINT', stopBeforeReady);
  process.off('SIGTERM', stopBeforeReady);
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const { port } = server.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
  const url = `http://${host}:${port}${GRAPHQL_PATH}`;
  const exampleId = await firstPersonId(hub.sources);
  // Ready-made development tokens, one per role (only when signing with a secret: not for JWKS setups).
  const devTokens: [string, string][] =
    config.jwt.secret && config.NODE_ENV !== 'production'
      ? await Promise.all(
          ROLES.map(
            async (role) =>
              [role, await signToken(config.jwt, { sub: `dev-${role.toLowerCase()}`, org: 'DEV', role, regions: ['50'] })] as [
                string,
                string,
              ],
          ),
        )
      : [];
  const analyst = devTokens.find(([r]) => r === 'ANALYST')?.[1] ?? '<token>';

  process.stdout.write(
    [
      '',
      `Hub ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${url}  (store: ${storeLabel})`,
      ...(devTokens.length ? ['Development tokens (whole city, 8 h; npm run token -- --role … makes others):'] : []),
      ...devTokens.map(([role, tok]) => `  ${role.padEnd(10)} ${tok}`),
      `Workbench (工作台): ${url.replace(GRAPHQL_PATH, WORKBENCH_PATH)}/${config.NODE_ENV === 'production' ? '' : '  (development sign-in: pick a role and a region)'}`,
      `IDE, signed in as an analyst: ${url}#token=${analyst}`,
      `or try:`,
      `  curl -s ${url} -H 'content-type: application/json' -H "authorization: Bearer $(npm run --silent token -- --role PROCURATOR)" -H 'x-purpose: 2025-JC-001' \\`,
      `    -d '{"query":"{ person(idNumber: \\"${exampleId ?? '50010119900101123X'}\\") { name detentions { totalCount } imprisonments { totalCount } corrections { totalCount } enforcementCases { totalCount } } }"}'`,
      '',
    ].join('\n'),
  );
  logger.info({ url }, 'hub listening');
}

main().catch(async (err) => {
  // the store went away under the start because a signal stopped it: stopBeforeReady exits with the signal's code
  if (stoppedBy) return;
  process.stderr.write(`The hub could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  for (const stop of stopOnFailure) await stop().catch(() => undefined);
  process.exit(1);
});
