/**
 * Loads the synthetic demo data set through the ingest path: one HOSTED source is registered per
 * office, and its records are pushed in batches with the same validation and idempotent writes a
 * department's push gets. Each record is stamped as received on its simulated delivery day, so data
 * quality figures (late entry) mean on demo data what they mean on real data.
 */
import type { Domain } from '../domain/records';
import { generateSynthetic, syntheticSources, type SyntheticItem, type SyntheticOptions } from '../domain/synthetic';
import type { DataSources } from './index';
import { addResults, emptyResult, type IngestResult } from './services/ingest';
import type { DataSourceDoc } from './store/models';

export interface SeedProgress {
  /** persons generated so far */
  persons: number;
  /** records pushed through ingest so far */
  records: number;
  result: IngestResult;
}

export interface SeedOptions extends SyntheticOptions {
  /** records per ingest batch */
  batchSize?: number;
  onProgress?: (p: SeedProgress) => void;
}

export async function seed(sources: DataSources, options: SeedOptions): Promise<SeedProgress> {
  const batchSize = options.batchSize ?? 1000;
  const registered = new Map<string, DataSourceDoc>();
  for (const spec of syntheticSources(options)) {
    const doc = await sources.registry.ensure({ ...spec, kind: 'HOSTED' });
    registered.set(spec.key, doc);
  }
  const pending = new Map<string, SyntheticItem[]>();
  const progress: SeedProgress = { persons: 0, records: 0, result: emptyResult() };
  let queued = 0;
  const flush = async (all: boolean) => {
    for (const [key, items] of pending) {
      if (!all && items.length < batchSize) continue;
      pending.delete(key);
      queued -= items.length;
      const source = registered.get(key)!;
      const r = await sources.ingestor.ingest(
        source,
        items.map((i) => i.record),
        {
          startIndex: 0,
          receivedAt: (i) => items[i].deliveredAt,
          // a bulk load: the full evaluation after it reads every person anyway (no incremental marks)
          markPersons: false,
        },
      );
      addResults(progress.result, r);
      progress.records += items.length;
    }
  };
  let lastPerson = '';
  for (const item of generateSynthetic(options)) {
    const list = pending.get(item.sourceKey) ?? [];
    if (list.length === 0) pending.set(item.sourceKey, list);
    list.push(item);
    queued++;
    const id = (item.record as { idNumber: string }).idNumber;
    if (id !== lastPerson) {
      lastPerson = id;
      progress.persons++;
    }
    if (list.length >= batchSize) await flush(false);
    // Many small per-source queues: push them all now and then so memory stays flat.
    if (queued >= batchSize * 5) await flush(true);
    if (progress.persons % 200 === 0) options.onProgress?.(progress);
  }
  await flush(true);
  options.onProgress?.(progress);
  return progress;
}

export type { Domain };
