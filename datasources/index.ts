/**
 * The data sources of the hub, shared by all requests of one process: the stores, the registry,
 * the live connectors (with their breakers) and health. Per-request state lives in loaders.ts.
 */
import type { Models } from './store/models';
import { SourceRegistry } from './sources/registry';
import { Ingestor } from './services/ingest';
import { ConnectorPool } from './sources/connectors';
import { FederatedRecords } from './sources/federated-records';
import { SourceHealthTracker } from './sources/health';
import { GROUP_SHAPE, Statistics } from './services/statistics';
import { StatCounts } from './services/stat-counts';
import { createLeadModels, LeadStore } from './services/leads';
import { Attachments, createAttachmentModels } from './services/attachments';
import { Consultations, createConsultationModels } from './services/consultations';
import { createDocumentModels, Documents } from './services/documents';
import { DocumentLedger } from './services/ledger';
import { EvaluationMarks, EvaluationWakeups, Evaluator, type EvaluatorOptions } from './services/evaluation';
import { DataQuality, RejectionRetention } from './services/quality';
import { AuditVerifications } from './services/audit-verification';
import { HubEvents } from './services/events';
import { EventFeed } from './services/event-feed';
import { RecordDays } from './store/ferretdb/record-days';
import { storeProfile, type StoreProfile } from './store/profile';
import { byDomain, type Domain } from '../domain/record-domains';
import { RecordStore } from './store/record-store';
import { applyDomainFilter, domainFilterParams, matchesDomainFilter, type DomainFilter } from './store/record-filters';

export interface DataSourceOptions {
  /** the store's profile (store/profile.ts); default: FerretDB's */
  store?: StoreProfile;
  registryRefreshMs?: number;
  healthFlushMs?: number;
  evaluation?: EvaluatorOptions;
  statisticsMaxBuckets?: number;
  /** the hub's clock: the statistics partitions' write leases, the documents' days and deadlines (tests move it) */
  clock?: () => number;
  futureSkewMs?: number;
  rejectionRetentionDays?: number;
  /** the subscriptions' change events: kept this long (ms, default a day), polled this often (default 250 ms), read again this far back (default 5 s) */
  events?: { retentionMs?: number; pollMs?: number; overlapMs?: number };
}

export function createDataSources(models: Models, options: DataSourceOptions = {}) {
  const store = options.store ?? storeProfile('ferretdb');
  const claims = store.guardedWrites(models.DataSource.db);
  const registry = new SourceRegistry(models, claims, options.registryRefreshMs);
  const health = new SourceHealthTracker(models, options.healthFlushMs);
  const connectors = new ConnectorPool(health, { futureSkewMs: options.futureSkewMs });
  /** Each domain's hosted store: its own filter fields come from its description (domain/record-domains/). */
  const hosted = byDomain<{ [D in Domain]: RecordStore<D, DomainFilter> }>(
    (d) => new RecordStore(d, models.records[d] as never, (f: DomainFilter, q) => applyDomainFilter(d, f, q)) as never,
  );
  const leads = new LeadStore(createLeadModels(models.DataSource.db), claims);
  // every stored change of a lead or document is an event of the subscriptions (services/events.ts)
  const events = new HubEvents(() => models.DataSource.db.db!, store.eventReads, options.events?.retentionMs ?? 86_400_000);
  leads.events = events;
  for (const hostedStore of [...Object.values(hosted), leads]) hostedStore.lookup = store.batchLookup;
  if (options.clock) leads.clock = options.clock;
  const days = new RecordDays(models.DataSource.db);
  const attachments = new Attachments(createAttachmentModels(models.DataSource.db), claims, options.clock);
  // What the profile keeps is kept by every ingest, whichever way this process reads: its replicas may read differently.
  const counted = new StatCounts(models, GROUP_SHAPE, options.clock ?? Date.now, store.listReads === 'by-day' ? days : undefined);
  for (const hostedStore of Object.values(hosted)) {
    hostedStore.days = days;
    hostedStore.listReads = store.listReads;
  }
  const marks = new EvaluationMarks(models.DataSource.db);
  marks.lookup = store.batchLookup;
  const wakeups = new EvaluationWakeups(models.DataSource.db);
  wakeups.lookup = store.batchLookup;
  const ingestor = new Ingestor({
    marks,
    models,
    days: store.keepsDays ? days : undefined,
    counted: store.marksPartitions ? counted : undefined,
    validation: { futureSkewMs: options.futureSkewMs },
    replaces: store.replaceWrites,
  });
  ingestor.lookup = store.batchLookup;
  /** Every domain across all its sources: the hosted store and the live ones. */
  const records = byDomain<{ [D in Domain]: FederatedRecords<D, DomainFilter> }>(
    (d) =>
      new FederatedRecords({
        domain: d,
        hosted: hosted[d] as never,
        registry,
        connectors,
        matches: (r, f: DomainFilter) => matchesDomainFilter(d, r, f),
        extraParams: (f: DomainFilter) => domainFilterParams(d, f),
      }) as never,
  );
  const documents = new Documents({
    models: createDocumentModels(models.DataSource.db),
    records: models.records,
    claims,
    leads,
    registry,
    attachments,
    clock: options.clock,
    events,
  });
  const feed = new EventFeed(
    events,
    { lead: leads.models.Lead.collection as never, document: documents.models.Document.collection as never },
    () => store.batchLookup,
    { pollMs: options.events?.pollMs ?? 250, overlapMs: options.events?.overlapMs ?? 5000 },
  );
  // an event stored by this process is polled for at once
  events.onWritten = () => feed.wake();
  return {
    models,
    store,
    claims,
    registry,
    health,
    connectors,
    hosted,
    records,
    ingestor,
    counted,
    days,
    leads,
    attachments,
    consultations: new Consultations(createConsultationModels(models.DataSource.db), {
      claims,
      attachments,
      registry,
      records: models.records,
      clock: options.clock,
    }),
    documents,
    events,
    feed,
    ledger: new DocumentLedger(documents, options.clock),
    marks,
    wakeups,
    evaluator: new Evaluator({
      connection: models.DataSource.db,
      models,
      leads,
      registry,
      connectors,
      claims,
      marks,
      wakeups,
      clock: options.clock,
      ...options.evaluation,
    }),
    quality: new DataQuality({ models, registry, health }),
    rejections: new RejectionRetention(models, options.rejectionRetentionDays),
    auditVerifications: new AuditVerifications(models.DataSource.db),
    statistics: new Statistics({
      models,
      registry,
      connectors,
      hosted,
      perSource: store.statisticsPerSource,
      counted: store.marksPartitions ? counted : undefined,
      ahead: store.statisticsAhead,
      days: store.keepsDays ? days : undefined,
      maxBuckets: options.statisticsMaxBuckets,
    }),
  };
}
export type DataSources = ReturnType<typeof createDataSources>;
