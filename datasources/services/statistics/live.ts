/**
 * Counting a live source: its records paged through its list protocol and grouped here, with the
 * hub's own check of every filter. A live source that fails is left out whole (never counted in part)
 * and reported.
 */
import type { Domain } from '../../../domain/record-domains';
import { eventMonthOf, type AnyRecordDoc, type DataSourceDoc } from '../../store/models';
import type { CommonFilter } from '../../store/record-store';
import type { RequestScope } from '../../sources/federated-records';
import { SourceCallError, SourceNotListable, type ConnectorPool } from '../../sources/connectors';
import type { SourceRegistry } from '../../sources/registry';
import { ACCESS, amountOf, path, type DomainShape, type RawKey, type RawRow } from './shape';

/** Records per request when paging through a live source. */
export const LIVE_STAT_PAGE = 1000;
/** Most records counted from one live source in one answer; past it the source is reported, not miscounted. */
export const MAX_LIVE_RECORDS = 200_000;

/** The raw key of a live record (every field; folding picks what `groupBy` asked). */
function rawKeyOf(shape: DomainShape, r: AnyRecordDoc): RawKey {
  const unit = (r as unknown as Record<string, { code: string; name: string } | undefined>)[shape.unit];
  return {
    r: r.region,
    m: eventMonthOf(r.eventAt),
    s: path(r, shape.status),
    c: path(r, shape.category),
    f: unit?.code,
    fn: unit?.name,
    src: r.sourceId.toHexString(),
  };
}

/** Live sources of the domain that the filter reaches (as lists pick them). */
export function liveSourcesOf(registry: SourceRegistry, domain: Domain, filter: CommonFilter) {
  const overlaps = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);
  return registry
    .list(domain, 'ACTIVE')
    .filter(
      (s) =>
        s.kind !== 'HOSTED' &&
        (!filter.regions?.length || filter.regions.some((r) => s.regions.some((sr) => overlaps(r, sr)))) &&
        (!filter.sourceIds?.length || filter.sourceIds.includes(s._id.toHexString())),
    );
}

/** A live source's records, paged through and grouped; null when it failed (reported, not counted in part). */
export async function countLive(
  connectors: ConnectorPool,
  domain: Domain,
  shape: DomainShape,
  source: DataSourceDoc,
  filter: CommonFilter,
  extra: (r: AnyRecordDoc) => boolean,
  scope: RequestScope,
): Promise<RawRow[]> {
  const connector = connectors.for(source);
  const access = ACCESS[domain];
  const params = access.params(filter);
  const rows: RawRow[] = [];
  let cursor: string | null = null;
  let seen = 0;
  try {
    do {
      const page = await connector.list({
        regions: filter.regions,
        eventFrom: filter.eventFrom,
        eventTo: filter.eventTo,
        extra: params,
        limit: LIVE_STAT_PAGE,
        cursor,
      });
      for (const r of page.records) {
        // The hub's own check: departments may ignore some parameters, and jurisdiction is not theirs to apply.
        if (!commonMatches(r, filter) || !access.matches(r, filter) || !extra(r)) continue;
        rows.push({ key: rawKeyOf(shape, r), count: 1, amount: amountOf(shape, r) });
      }
      seen += page.records.length;
      cursor = page.nextCursor;
      if (cursor && seen >= MAX_LIVE_RECORDS)
        throw new SourceCallError(
          source._id.toHexString(),
          `${source.name}: more than ${MAX_LIVE_RECORDS} records to count live; narrow the filter`,
        );
    } while (cursor);
  } catch (e) {
    // a source read by person only cannot be counted: named in the answer, not called, not failed
    if (!(e instanceof SourceNotListable)) scope.called?.(source, false);
    scope.report(source, e as Error);
    return [];
  }
  scope.called?.(source, true);
  return rows;
}

/** Regions and event time on a live record (the store applies them in the query). */
function commonMatches(r: AnyRecordDoc, f: CommonFilter): boolean {
  return (
    (!f.regions?.length || f.regions.some((p) => r.region.startsWith(p))) &&
    (!f.eventFrom || r.eventAt >= f.eventFrom) &&
    (!f.eventTo || r.eventAt < f.eventTo)
  );
}
