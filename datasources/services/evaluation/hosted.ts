/** The hosted records an evaluation reads: the store's record collections, once each. */
import { DOMAINS, type Domain } from '../../../domain/records';
import type { Models } from '../../store/models';
import type { SourceRegistry } from '../../sources/registry';
import type { RawDoc } from './persons';

/** The ids of suspended HOSTED sources: their stored records are left out of the evaluation. */
export function suspendedHosted(registry: SourceRegistry): Set<string> {
  const out = new Set<string>();
  for (const d of DOMAINS) for (const s of registry.list(d, 'SUSPENDED')) if (s.kind === 'HOSTED') out.add(s._id.toHexString());
  return out;
}

/**
 * Records in a collection, for progress and chunking. `collStats` first: FerretDB answers it from
 * PostgreSQL's statistics (4 s on 36,000 records where `count` read them all in 15 s); MongoDB from metadata.
 */
export async function estimateCount(models: Models, d: Domain): Promise<number> {
  const collection = models.records[d].collection;
  try {
    const stats = await collection.db.command({ collStats: collection.collectionName });
    if (typeof stats.count === 'number') return stats.count;
  } catch {
    /* not supported: count instead */
  }
  return collection.estimatedDocumentCount();
}

/** Reads every hosted record once, in one pass per collection, and hands them on. */
export async function readHosted(
  models: Models,
  suspended: Set<string>,
  each: (d: Domain, doc: RawDoc) => void | Promise<void>,
): Promise<void> {
  for (const d of DOMAINS) {
    const cursor = models.records[d].collection.find(
      {},
      { projection: { regionPath: 0, pushId: 0, eventMonth: 0, eventDay: 0 }, batchSize: 5000 },
    );
    for await (const doc of cursor) {
      if (suspended.has(doc.sourceId.toString())) continue;
      await each(d, doc as unknown as RawDoc);
    }
  }
}
