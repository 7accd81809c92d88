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
import { detentionMatches, detentionParams, detentionRecords } from './store/records/detention';
import { prisonMatches, prisonParams, prisonRecords } from './store/records/prison';
import { communityCorrections, correctionMatches, correctionParams } from './store/records/correction';
import { enforcementCases, enforcementMatches, enforcementParams } from './store/records/enforcement';
import { GROUP_SHAPE, Statistics } from './services/statistics';
import { StatCounts } from './services/stat-counts';
import { createLeadModels, LeadStore } from './services/leads';
import { Evaluator, type EvaluatorOptions } from './services/evaluator';
import { DataQuality, RejectionRetention } from './services/quality';
import type { BatchLookup } from './store/lookup';
import { RecordDays } from './store/record-days';
import { ClaimedWrites } from './store/claimed-writes';
import type { ListReads } from './store/record-store';

export function createDataSources(models: Models, options: { registryRefreshMs?: number; healthFlushMs?: number; evaluation?: EvaluatorOptions; batchLookup?: BatchLookup; listReads?: ListReads; storeFlavor?: 'ferretdb' | 'mongodb'; statisticsAhead?: boolean; statisticsMaxBuckets?: number; clock?: () => number; futureSkewMs?: number; rejectionRetentionDays?: number } = {}) {
  const claims = new ClaimedWrites(models.DataSource.db);
  const registry = new SourceRegistry(models, claims, options.registryRefreshMs);
  const health = new SourceHealthTracker(models, options.healthFlushMs);
  const connectors = new ConnectorPool(health, { futureSkewMs: options.futureSkewMs });
  const hosted = {
    DETENTION: detentionRecords(models),
    PRISON: prisonRecords(models),
    COMMUNITY_CORRECTION: communityCorrections(models),
    ENFORCEMENT_CASE: enforcementCases(models),
  };
  const leads = new LeadStore(createLeadModels(models.DataSource.db), claims);
  for (const store of [...Object.values(hosted), leads]) store.lookup = options.batchLookup ?? 'in';
  const days = new RecordDays(models.DataSource.db);
  // Ingest always marks the statistics partitions it touches, so that counts kept ready are never stale, whichever way this process answers.
  const counted = new StatCounts(models, GROUP_SHAPE, options.clock ?? Date.now, options.listReads === 'by-day' ? days : undefined);
  for (const store of Object.values(hosted)) { store.days = days; store.listReads = options.listReads ?? 'sorted'; }
  const ingestor = new Ingestor(models, days, counted, { futureSkewMs: options.futureSkewMs });
  ingestor.lookup = options.batchLookup ?? 'in';
  /** Every domain across all its sources: the hosted store and the live ones. */
  const records = {
    DETENTION: new FederatedRecords('DETENTION', hosted.DETENTION, registry, connectors, detentionMatches, detentionParams),
    PRISON: new FederatedRecords('PRISON', hosted.PRISON, registry, connectors, prisonMatches, prisonParams),
    COMMUNITY_CORRECTION: new FederatedRecords('COMMUNITY_CORRECTION', hosted.COMMUNITY_CORRECTION, registry, connectors, correctionMatches, correctionParams),
    ENFORCEMENT_CASE: new FederatedRecords('ENFORCEMENT_CASE', hosted.ENFORCEMENT_CASE, registry, connectors, enforcementMatches, enforcementParams),
  };
  return {
    models,
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
    evaluator: new Evaluator({ connection: models.DataSource.db, models, leads, registry, connectors, claims, ...options.evaluation }),
    quality: new DataQuality(models, registry, health),
    rejections: new RejectionRetention(models, options.rejectionRetentionDays),
    statistics: new Statistics(models, registry, connectors, hosted, options.storeFlavor === 'ferretdb', counted, options.statisticsAhead !== false, days, options.statisticsMaxBuckets),
  };
}
export type DataSources = ReturnType<typeof createDataSources>;
