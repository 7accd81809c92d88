/**
 * The data sources of the hub, shared by all requests of one process: the stores hold no
 * per-request state (that lives in loaders.ts).
 */
import type { Models } from './models';
import { SourceRegistry } from './source-registry';
import { Ingestor } from './ingest';
import { detentionRecords } from './detention-records';
import { prisonRecords } from './prison-records';
import { communityCorrections } from './community-corrections';
import { enforcementCases } from './enforcement-cases';

export function createDataSources(models: Models, options: { registryRefreshMs?: number } = {}) {
  const registry = new SourceRegistry(models, options.registryRefreshMs);
  const records = {
    DETENTION: detentionRecords(models),
    PRISON: prisonRecords(models),
    COMMUNITY_CORRECTION: communityCorrections(models),
    ENFORCEMENT_CASE: enforcementCases(models),
  };
  return {
    models,
    registry,
    records,
    ingestor: new Ingestor(models),
  };
}
export type DataSources = ReturnType<typeof createDataSources>;
