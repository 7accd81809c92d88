/**
 * What the hub makes of a live source's answer, whatever its kind: records a source sends pass the
 * same validation as ingest, get the registration's field renames, the hub's stable id and the
 * source's stamp; invalid ones (or ones outside the source's regions) are dropped, counted in the
 * source's health, and never shown.
 */
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { regionPath } from '../../../domain/regions';
import { validateRecord, type ValidationOptions } from '../../../domain/records';
import type { AnyRecordDoc, DataSourceDoc } from '../../store/models';
import type { SourceHealthTracker } from '../health';
import { SourceCallError, type LivePage } from './connector';

/** The hub's stable id for a live record: derived from (source, department id), 24 hex digits. */
export function liveRecordId(sourceId: string, externalId: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`${sourceId}\u0000${externalId}`).digest('hex').slice(0, 24));
}

/** How many records an answer carries as sent (before validation), for the source's health. */
export function sentRecords(body: unknown): number {
  const records = (body as { records?: unknown })?.records;
  return Array.isArray(records) ? records.length : 0;
}

/** Validates, renames and stamps the records of an answer; drops and counts invalid ones. */
export function acceptAnswer(
  source: DataSourceDoc,
  body: unknown,
  health: SourceHealthTracker,
  validation: Pick<ValidationOptions, 'futureSkewMs'>,
): LivePage {
  const id = source._id.toHexString();
  const b = body as { records?: unknown; nextCursor?: unknown; total?: unknown };
  if (!b || !Array.isArray(b.records)) throw new SourceCallError(id, `${source.name}: answer has no "records" array`);
  const now = new Date();
  const records: AnyRecordDoc[] = [];
  let dropped = 0;
  for (const raw of b.records) {
    const checked = validateRecord(source.domain, rename(raw, source.mapping), { ...validation, now });
    if (!checked.ok || !source.regions.some((p) => checked.record.region.startsWith(p))) {
      dropped++;
      continue;
    }
    const doc: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(checked.record)) if (v !== undefined && v !== null) doc[k] = v;
    doc._id = liveRecordId(id, checked.record.externalId);
    doc.sourceId = source._id;
    doc.regionPath = regionPath(checked.record.region);
    doc.recordedAt = now;
    records.push(doc as unknown as AnyRecordDoc);
  }
  health.dropped(source, dropped);
  const total = typeof b.total === 'number' && Number.isFinite(b.total) ? b.total : records.length;
  return { records, nextCursor: typeof b.nextCursor === 'string' && b.nextCursor ? b.nextCursor : null, total };
}

/** Applies a registration's field renames (remote name → hub name) to one record. */
function rename(raw: unknown, mapping: Record<string, string> | null | undefined): unknown {
  if (!mapping || !raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) out[Object.hasOwn(mapping, k) ? mapping[k] : k] = v;
  return out;
}
