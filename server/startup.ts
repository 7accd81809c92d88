/**
 * The hub's data side from start to stop: the store profile and its indexes, the data sources with
 * their registry and health timers, the numbered migrations and statistics counts in the background,
 * the audit trail, the store's upkeep, the hourly purge of expired rejections and the scheduled
 * evaluation; then their stop, in the order that loses nothing (`Running.stop`).
 */
import type { Connection } from 'mongoose';
import { createDataSources, type DataSources } from '../datasources';
import { MIGRATIONS } from '../datasources/migrations';
import { AuditLog } from '../datasources/services/audit';
import { EvaluationBusyError, EvaluationStoppedError, type IncrementalEvaluation } from '../datasources/services/evaluation';
import { EVALUATION_ACTOR } from '../datasources/services/leads';
import { REJECTION_PURGE_MS } from '../datasources/services/quality';
import { DAY_MS } from '../domain/calendar';
import { TrustedOperations } from '../datasources/services/trusted-operations';
import { workbenchOperations } from './routes/workbench';
import { runMigrations } from '../datasources/store/migrations';
import { createModels } from '../datasources/store/models';
import { chooseStoreProfile } from '../datasources/store/profile';
import type { Logger } from '../lib/logger';
import { Periodic } from '../lib/periodic';
import type { HubOptions } from './app';

export interface Running {
  sources: DataSources;
  audit: AuditLog;
  trusted: TrustedOperations;
  /** settles when the start-up work in the background is over; never rejects */
  startupWork: Promise<void>;
  /** what /readyz says of the start-up work */
  startupState(): 'running' | 'done';
  /** the incremental evaluation of marked persons, when `incrementalEvaluationMs` is set; its timer runs from the start */
  incremental: IncrementalEvaluation | null;
  /** evaluates the supervision rules every `intervalMs` (replacing the schedule before); 0 stops it */
  scheduleEvaluation(intervalMs: number): void;
  /**
   * Stops everything started here, with the HTTP side's parts in between: the store's upkeep and the
   * purge (waiting for one running), the rate limiter, the registry and health timers and the
   * evaluation schedule, a running evaluation, the last health figures and statistics marks, and
   * Apollo last. The store connection stays open (its owner closes it after this).
   */
  stop(http: { limiter?: { close(): Promise<void> }; apollo: { stop(): Promise<void> } }): Promise<void>;
}

export async function startUp(options: HubOptions): Promise<Running> {
  const { connection, logger } = options;
  const models = createModels(connection);
  const store = await chooseStoreProfile(connection, {
    profile: options.storeProfile,
    batchLookup: options.batchLookup,
    listReads: options.listReads,
    statisticsAhead: options.statisticsAhead,
    postgresUrl: options.storePostgresUrl,
    vacuumCheckMs: options.storeVacuumCheckMs,
  });
  await store.ensureIndexes(models);
  const sources = createDataSources(models, {
    store,
    registryRefreshMs: options.registryRefreshMs,
    evaluation: { chunkRecords: options.evaluationChunkRecords, leaseMs: options.evaluationLeaseMs },
    statisticsMaxBuckets: options.statisticsMaxBuckets,
    clock: options.clock,
    futureSkewMs: options.ingestFutureSkewMs,
    rejectionRetentionDays: options.rejectionRetentionDays,
    events: {
      retentionMs: options.subscriptions?.retentionMs,
      pollMs: options.subscriptions?.pollMs,
      overlapMs: options.subscriptions?.overlapMs,
    },
  });
  await sources.claims.ensure();
  await sources.leads.ensureIndexes();
  await sources.attachments.ensureIndexes();
  await sources.consultations.ensureIndexes();
  await sources.documents.ensureIndexes();
  await sources.evaluator.ensureIndexes();
  await sources.events.ensureCollection();
  await sources.registry.load();
  await sources.health.load();
  sources.registry.start((err) => logger.warn({ err }, 'registry refresh failed'));
  sources.health.start((err) => logger.warn({ err }, 'source health flush failed'));

  const background = startupWork(connection, sources, logger);
  const audit = new AuditLog(connection, options.auditKey, store.auditChainEnd);
  const trusted = new TrustedOperations(connection);
  await trusted.load();
  await registerWorkbenchOperations(trusted, logger);
  const stopUpkeep = await store.startUpkeep(connection, logger);
  // Rejected records past their retention: the store deletes them (a TTL index) where it can; else the hub does, at start and every hour (below).
  const storeExpires = await store.expireAfter(models.IngestRejection.collection, 'at', (sources.rejections.days * DAY_MS) / 1000);
  logger.info(
    {
      profile: store.name,
      batchLookup: store.batchLookup,
      listReads: store.listReads,
      statisticsAhead: store.statisticsAhead,
      rejectionsExpire: storeExpires ? 'ttl-index' : 'hourly-purge',
    },
    'store',
  );
  const purgeRejections = () =>
    sources.rejections
      .purge(new Date())
      .catch((err: Error) => logger.warn({ err: err.message }, 'purging expired ingest rejections failed'));
  const rejectionsPurged = storeExpires ? Promise.resolve() : purgeRejections();
  const rejectionPurge = new Periodic(REJECTION_PURGE_MS, () => purgeRejections());
  if (!storeExpires) rejectionPurge.start();
  // The subscriptions' change events past their retention: a TTL index, else whole minutes deleted every minute.
  const eventsExpire = await store.expireAfter(sources.events.collection as never, 'at', Math.ceil(sources.events.retentionMs / 1000));
  const eventPurge = new Periodic(60_000, () => sources.events.purge(Date.now()));
  if (!eventsExpire) {
    await sources.events.purge(Date.now()).catch((err: Error) => logger.warn({ err: err.message }, 'purging expired change events failed'));
    eventPurge.start((err) => logger.warn({ err }, 'purging expired change events failed'));
  }
  sources.feed.options.onError = (err) => logger.child({ component: 'subscriptions' }).warn({ err }, 'polling the change events failed');

  let evaluation = { stop: () => undefined as void };
  sources.evaluator.afterChangeMs = options.evaluationAfterChangeMs ?? 0;
  const incrementalLog = logger.child({ component: 'incremental-evaluation' });
  sources.evaluator.onBackgroundError = (err) =>
    logger.child({ component: 'evaluation' }).warn({ err: err.message }, 'the full run after a parameter change failed');
  const incremental = options.incrementalEvaluationMs
    ? sources.evaluator.incremental({
        records: sources.records,
        clock: options.clock ?? Date.now,
        intentStaleMs: options.markIntentStaleMs,
        daily: async (today) => {
          const sent = await sources.documents.announceDue(today);
          if (sent) incrementalLog.info({ events: sent }, 'documents that fell due announced');
        },
      })
    : null;
  // Each turn drains the marks in batches, and on a new Beijing day wakes the persons due; a turn
  // finding the lease held (a full run) waits for the next.
  const incrementalTimer = new Periodic(options.incrementalEvaluationMs ?? 0, async () => {
    const reports = await incremental!.turn();
    for (const r of reports) incrementalLog.debug({ ...r }, 'marked or due persons evaluated');
  });
  if (incremental) incrementalTimer.start((err) => incrementalLog.warn({ err }, 'incremental evaluation batch failed; its marks stay'));
  return {
    sources,
    audit,
    trusted,
    incremental,
    startupWork: background.done,
    startupState: background.state,
    scheduleEvaluation: (intervalMs) => {
      evaluation.stop();
      evaluation = scheduleEvaluation(sources, logger, intervalMs);
    },
    stop: async ({ limiter, apollo }) => {
      stopUpkeep();
      rejectionPurge.stop();
      eventPurge.stop();
      // subscribers are ended before the store closes (their WebSockets were closed by the drain)
      await sources.feed.stop();
      await rejectionsPurged;
      await limiter?.close();
      sources.registry.stop();
      sources.health.stop();
      evaluation.stop();
      // an incremental batch stops before it reconciles (its marks stay for the next batch, here or elsewhere)
      incrementalTimer.stop();
      await incremental?.stop();
      // a running evaluation ends at its next step as FAILED and gives its lease back, before the store closes
      await sources.evaluator.stop('the hub is shutting down');
      await sources.health.flush().catch(() => undefined);
      // the statistics marks of pushes that were answered before them (stat-counts.ts)
      await sources.counted.flush();
      await apollo.stop();
    },
  };
}

/**
 * In the background (readiness does not wait): the numbered migrations (datasources/migrations.ts:
 * month/day stamps, the days registry, the statistics partitions), then every partition's counts
 * made ready, so the first question does not wait for them (statistics aggregates in the store until then).
 */
function startupWork(connection: Connection, sources: DataSources, logger: Logger): { done: Promise<void>; state(): 'running' | 'done' } {
  const statsLog = logger.child({ component: 'statistics' });
  const done = runMigrations(
    connection.db!,
    MIGRATIONS,
    { sources, log: logger.child({ component: 'migrations' }) },
    logger.child({ component: 'migrations' }),
  )
    .then(async () => {
      if (sources.store.statisticsAhead) await sources.counted.refresh(statsLog);
    })
    .then(
      () => undefined,
      (err) => logger.warn({ err }, 'start-up work failed (migrations or statistics counts)'),
    );
  // Shown on /readyz: answers are right meanwhile, but slower, and the store is busy with it.
  let state: 'running' | 'done' = 'running';
  const started = Date.now();
  void done.then(() => {
    state = 'done';
    logger.info({ ms: Date.now() - started }, 'start-up work finished');
  });
  return { done, state: () => state };
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
        actor: EVALUATION_ACTOR,
        trigger: 'schedule',
        onProgress: (p) => {
          if (Date.now() - lastLog < 10_000) return;
          lastLog = Date.now();
          log.info(
            { records: p.records, totalRecords: p.totalRecords, persons: p.persons, chunk: p.chunk, chunks: p.chunks },
            'evaluating supervision rules',
          );
        },
      });
      log.info({ ...report, ms: Date.now() - started }, 'supervision rules evaluated');
    } catch (err) {
      if (err instanceof EvaluationBusyError) log.debug({ err: err.message }, 'evaluation skipped: another one is running');
      else if (err instanceof EvaluationStoppedError) log.info({ reason: err.message }, 'scheduled evaluation stopped before it finished');
      else log.warn({ err }, 'scheduled evaluation failed');
    }
  };
  const first = setTimeout(
    () => {
      void run();
    },
    Math.min(intervalMs, 10_000),
  );
  first.unref();
  const periodic = new Periodic(intervalMs, run);
  periodic.start();
  return {
    stop: () => {
      clearTimeout(first);
      periodic.stop();
    },
  };
}

/**
 * The workbench's operations (app/src/gql/persisted-documents.json, generated by `npm run codegen`)
 * are trusted operations: a hub that requires them (REQUIRE_TRUSTED_OPERATIONS) serves the workbench.
 */
async function registerWorkbenchOperations(trusted: TrustedOperations, logger: Logger): Promise<void> {
  const operations = workbenchOperations();
  let added = 0;
  for (const { name, query } of operations) {
    if (await trusted.isTrusted(query)) continue;
    await trusted.register(name, query, 'hub:workbench');
    added++;
  }
  if (added) logger.info({ operations: operations.length, added }, "registered the workbench's operations as trusted");
}
