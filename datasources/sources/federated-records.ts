/**
 * One domain's records across all its sources: the hosted store (every HOSTED source at once) and
 * each ACTIVE live source (REST, GRAPHQL, SUBGRAPH) whose regions meet the filter, called in parallel.
 *
 * Lists are merged in the hub's order (`eventAt` desc, id desc). The cursor is composite: the last
 * position taken from the hosted store, and for each live source the department's cursor of the page
 * being read plus how many of that page were already taken. A live page is always requested with the
 * same size, so asking again for the same page gives the same records and the count stays valid.
 * A live source that fails or times out is left out of this answer and reported (SOURCE_UNAVAILABLE);
 * its place in the cursor stays, so the next page asks it again from where it was.
 */
import type { Domain } from '../../domain/records';
import type { Projection } from '../store/projection';
import type { AnyRecordDoc, DataSourceDoc, RecordDocByDomain } from '../store/models';
import { compareDesc, isCursorTime, type Page, type Position } from '../store/pagination';
import { badInput } from '../../lib/errors';
import { commonQuery, type CommonFilter, type RecordStore } from '../store/record-store';
import { SourceNotListable, type ConnectorPool } from './connectors';
import type { SourceRegistry } from './registry';
import { Types } from 'mongoose';

/** Where a live source failed, for the request's SOURCE_UNAVAILABLE errors. */
export type ReportSourceError = (source: DataSourceDoc, error: Error) => void;

/** What one request may see, and where its source failures go. */
export interface RequestScope {
  report: ReportSourceError;
  /** every live source called, with its outcome (for the audit trail) */
  called?: (source: DataSourceDoc, ok: boolean) => void;
  /**
   * The caller's jurisdiction (region-code prefixes): records outside it do not exist for this
   * request — not in lists, totals, persons or connections. null: no restriction (internal use).
   */
  regions: readonly string[] | null;
  /** the stored fields of this domain's records the request can need (all when absent) */
  projection?: (domain: Domain) => Projection | undefined;
}

/** The filter's regions narrowed to a jurisdiction; [] when they do not meet at all. */
export function narrowRegions(wanted: readonly string[] | null | undefined, allowed: readonly string[] | null): string[] | null {
  if (!allowed) return wanted?.length ? [...wanted] : null;
  if (!wanted?.length) return [...allowed];
  const out = new Set<string>();
  for (const w of wanted)
    for (const a of allowed) {
      if (w.startsWith(a)) out.add(w);
      else if (a.startsWith(w)) out.add(a);
    }
  return [...out];
}

function inRegions(region: string, allowed: readonly string[] | null): boolean {
  return !allowed || allowed.some((a) => region.startsWith(a));
}

/** Records per request to a live source for lists. Fixed, so that a page asked again is the same page. */
export const LIVE_PAGE_SIZE = 100;

interface CursorState {
  /** hosted store: last position taken, or null at the start */
  h: [number, string] | null;
  /** live sources: [department cursor of the current page (null = first page), records taken from it], or false when done */
  s: Record<string, [string | null, number] | false>;
}

/** The cursor of a list that stands after the hosted record (eventAt, id), with no live source started: for tools that know a position. */
export function hostedCursor(eventAt: Date, id: string): string {
  return encode({ h: [eventAt.getTime(), id], s: {} });
}

function encode(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decode(cursor: string): CursorState {
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState;
    const okH = state.h === null || (Array.isArray(state.h) && isCursorTime(state.h[0]) && /^[0-9a-f]{24}$/.test(state.h[1]));
    const okS =
      state.s &&
      typeof state.s === 'object' &&
      Object.values(state.s).every(
        (v) => v === false || (Array.isArray(v) && (v[0] === null || typeof v[0] === 'string') && Number.isInteger(v[1]) && v[1] >= 0),
      );
    if (okH && okS) return state;
  } catch {
    /* fall through */
  }
  throw badInput('after', 'is not a cursor this hub issued; pass an endCursor from a previous page');
}

/**
 * A hosted-store query narrowed for what every answer leaves out: suspended HOSTED sources' records.
 * null when only live sources were asked for (the hosted store has nothing to add).
 */
export function hostedStoreQuery(
  registry: SourceRegistry,
  domain: Domain,
  query: Record<string, unknown>,
  filter: CommonFilter | null | undefined,
): Record<string, unknown> | null {
  if (filter?.sourceIds?.length && !filter.sourceIds.some((id) => registry.get(id)?.kind === 'HOSTED')) return null;
  const suspended = registry
    .list(domain, 'SUSPENDED')
    .filter((s) => s.kind === 'HOSTED')
    .map((s) => s._id);
  if (suspended.length > 0) {
    query.sourceId = query.sourceId
      ? { $in: (query.sourceId as { $in: Types.ObjectId[] }).$in.filter((id) => !suspended.some((s) => s.equals(id))) }
      : { $nin: suspended };
  }
  return query;
}

/** Whether two region prefixes overlap (one contains the other). */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

interface Stream {
  /** next records, in the hub's order */
  buffer: AnyRecordDoc[];
  /** advances this stream's part of the cursor past one taken record */
  take(node: AnyRecordDoc, state: CursorState): void;
  /** fetches more when the buffer ran dry; false when there is no more */
  more(): Promise<boolean>;
}

export interface FederatedRecordsOptions<D extends Domain, F extends CommonFilter> {
  domain: D;
  /** the hub's own store of the domain: the records of its hosted sources */
  hosted: RecordStore<D, F>;
  registry: SourceRegistry;
  connectors: ConnectorPool;
  /** the hub's own check of a domain filter on a live record (departments may ignore some parameters) */
  matches: (record: RecordDocByDomain[D], filter: F) => boolean;
  /** the domain's filter fields sent to a live source as query parameters */
  extraParams: (filter: F) => Record<string, string>;
}

export class FederatedRecords<D extends Domain, F extends CommonFilter> {
  readonly domain: D;
  private readonly hosted: RecordStore<D, F>;
  private readonly registry: SourceRegistry;
  private readonly connectors: ConnectorPool;
  private readonly matches: FederatedRecordsOptions<D, F>['matches'];
  private readonly extraParams: FederatedRecordsOptions<D, F>['extraParams'];

  constructor(options: FederatedRecordsOptions<D, F>) {
    ({
      domain: this.domain,
      hosted: this.hosted,
      registry: this.registry,
      connectors: this.connectors,
      matches: this.matches,
      extraParams: this.extraParams,
    } = options);
  }

  /** Live sources of this domain that a query with this filter reaches. */
  liveSources(filter?: F | null): DataSourceDoc[] {
    return this.registry
      .list(this.domain, 'ACTIVE')
      .filter(
        (s) =>
          s.kind !== 'HOSTED' &&
          (!filter?.regions?.length || filter.regions.some((r) => s.regions.some((sr) => overlaps(r, sr)))) &&
          (!filter?.sourceIds?.length || filter.sourceIds.includes(s._id.toHexString())),
      );
  }

  /** Suspended hosted sources, whose stored records stay out of every answer while suspended. */
  private suspendedHosted(): Types.ObjectId[] {
    return this.registry
      .list(this.domain, 'SUSPENDED')
      .filter((s) => s.kind === 'HOSTED')
      .map((s) => s._id);
  }

  private hostedQuery(filter: F | null | undefined): Record<string, unknown> | null {
    return hostedStoreQuery(this.registry, this.domain, this.hosted.query(filter), filter);
  }

  async list(
    requested: F | null | undefined,
    first: number,
    after: string | null | undefined,
    scope: RequestScope,
  ): Promise<Page<RecordDocByDomain[D]>> {
    commonQuery(requested); // validates the common fields (regions among them) before any call goes out
    const regions = narrowRegions(requested?.regions, scope.regions);
    if (regions && regions.length === 0) return { nodes: [], hasNextPage: false, cursors: [], totalCount: () => 0 };
    const filter = (regions ? { ...(requested ?? {}), regions } : requested) as F | null | undefined;
    const state: CursorState = after ? decode(after) : { h: null, s: {} };
    const totals: (() => Promise<number>)[] = [];
    const streams: Stream[] = [];

    const hostedQuery = this.hostedQuery(filter);
    if (hostedQuery) {
      const pos: Position | null = state.h ? { eventAt: new Date(state.h[0]), id: new Types.ObjectId(state.h[1]) } : null;
      totals.push(() => this.hosted.count(hostedQuery));
      const rows = await this.hosted.page(hostedQuery, pos, first + 1, scope.projection?.(this.domain));
      let exhausted = rows.length <= first;
      const stream: Stream = {
        buffer: rows,
        take: (node, st) => {
          st.h = [node.eventAt.getTime(), node._id.toHexString()];
        },
        more: async () => {
          if (exhausted || stream.buffer.length > 0) return stream.buffer.length > 0;
          const last = rows[rows.length - 1];
          const next = await this.hosted.page(
            hostedQuery,
            { eventAt: last.eventAt, id: last._id },
            first + 1,
            scope.projection?.(this.domain),
          );
          exhausted = next.length <= first;
          rows.push(...next);
          stream.buffer.push(...next);
          return next.length > 0;
        },
      };
      streams.push(stream);
    }

    const live = this.liveSources(filter).filter((s) => state.s[s._id.toHexString()] !== false);
    const opened = await Promise.all(live.map((source) => this.openLive(source, filter, state, scope, totals)));
    for (const s of opened) if (s) streams.push(s);

    const nodes: RecordDocByDomain[D][] = [];
    const cursors: string[] = [];
    let hasNextPage = false;
    for (;;) {
      for (const s of streams) if (s.buffer.length === 0) await s.more();
      let best: Stream | undefined;
      for (const s of streams) if (s.buffer.length > 0 && (!best || compareDesc(s.buffer[0], best.buffer[0]) < 0)) best = s;
      if (!best) break;
      if (nodes.length === first) {
        hasNextPage = true;
        break;
      }
      const node = best.buffer.shift()!;
      best.take(node, state);
      nodes.push(node as RecordDocByDomain[D]);
      cursors.push(encode(state));
    }
    let total: Promise<number> | undefined;
    return {
      nodes,
      hasNextPage,
      cursors,
      totalCount: () => (total ??= Promise.all(totals.map((t) => t())).then((t) => t.reduce((a, b) => a + b, 0))),
    } as Page<RecordDocByDomain[D]>;
  }

  /** Opens a live source's stream at its place in the cursor; null when it failed (reported). */
  private async openLive(
    source: DataSourceDoc,
    filter: F | null | undefined,
    state: CursorState,
    scope: RequestScope,
    totals: (() => Promise<number>)[],
  ): Promise<Stream | null> {
    const report = scope.report;
    const id = source._id.toHexString();
    const connector = this.connectors.for(source);
    const at = state.s[id];
    let pageCursor: string | null = at ? at[0] : null;
    const skip = at ? at[1] : 0;
    const fetchPage = async (cursor: string | null) => {
      const page = await connector.list({
        regions: filter?.regions,
        eventFrom: filter?.eventFrom,
        eventTo: filter?.eventTo,
        idNumber: filter?.idNumber,
        extra: filter ? this.extraParams(filter) : undefined,
        limit: LIVE_PAGE_SIZE,
        cursor,
      });
      // the hub's order within the page, and the hub's own filter check
      const rows = page.records.sort(compareDesc).filter((r) => !filter || this.matches(r as RecordDocByDomain[D], filter));
      return { rows, nextCursor: page.nextCursor, total: page.total, size: rows.length };
    };
    let page;
    try {
      page = await fetchPage(pageCursor);
      scope.called?.(source, true);
    } catch (e) {
      // a source read by person only is left out of lists without being called: named, not failed
      if (!(e instanceof SourceNotListable)) scope.called?.(source, false);
      report(source, e as Error);
      return null;
    }
    const firstTotal = page.total;
    totals.push(async () => firstTotal);
    let taken = skip;
    const stream: Stream = {
      buffer: page.rows.slice(skip),
      take: (_node, st) => {
        taken++;
        if (taken >= page!.size) {
          st.s[id] = page!.nextCursor ? [page!.nextCursor, 0] : false;
        } else st.s[id] = [pageCursor, taken];
      },
      more: async () => {
        if (stream.buffer.length > 0) return true;
        if (!page!.nextCursor) return false;
        try {
          pageCursor = page!.nextCursor;
          page = await fetchPage(pageCursor);
          taken = 0;
          stream.buffer.push(...page.rows);
          return page.rows.length > 0 || (await stream.more());
        } catch (e) {
          report(source, e as Error);
          page = { rows: [], nextCursor: null, total: 0, size: 0 };
          return false;
        }
      },
    };
    return stream;
  }

  /**
   * Records of this domain carrying `name` (the name search), in the regions given (null: all),
   * born in `birthYear` when given: who they are about, at most `limit` records. Stored records only
   * (a live source has no way to be asked by name); suspended sources' records left out.
   */
  async byName(
    name: string,
    regions: readonly string[] | null,
    birthYear: number | null,
    limit: number,
  ): Promise<Pick<AnyRecordDoc, 'idNumber' | 'name' | 'updatedAt'>[]> {
    const query: Record<string, unknown> = { name };
    if (regions) query.regionPath = regions.length === 1 ? regions[0] : { $in: [...regions] };
    // the birth date is the ID number's 7th to 14th characters
    if (birthYear !== null) query.idNumber = { $regex: `^\\d{6}${birthYear}` };
    const hosted = hostedStoreQuery(this.registry, this.domain, query, null);
    return hosted ? this.hosted.byName(hosted, limit) : [];
  }

  /**
   * Stored records by id (a federation gateway's record entities), in key order: null where there is
   * none, where it lies outside the caller's jurisdiction, or where its source is suspended. A live
   * record's id is derived from its source and its department's id and the hub keeps no copy, so it is
   * not found by id.
   */
  async byIds(ids: readonly string[], scope: RequestScope): Promise<(RecordDocByDomain[D] | null)[]> {
    const suspended = this.suspendedHosted();
    const rows = await this.hosted.byIds(ids, scope.projection?.(this.domain));
    return rows.map((r) => (r && inRegions(r.region, scope.regions) && !suspended.some((s) => s.equals(r.sourceId)) ? r : null));
  }

  /**
   * Every record of these persons from every source (one call per live source for the whole batch),
   * newest first, in key order; for DataLoader.
   */
  async byIdNumbers(ids: readonly string[], scope: RequestScope): Promise<RecordDocByDomain[D][][]> {
    const report = scope.report;
    const suspended = this.suspendedHosted();
    const [hosted, ...live] = await Promise.all([
      this.hosted.byIdNumbers(ids, scope.projection?.(this.domain)),
      ...this.liveSources().map((s) =>
        this.connectors
          .for(s)
          .byIdNumbers(ids)
          .then(
            (r) => {
              scope.called?.(s, true);
              return r;
            },
            (e: Error) => {
              scope.called?.(s, false);
              report(s, e);
              return [] as AnyRecordDoc[];
            },
          ),
      ),
    ]);
    if (live.length === 0 && suspended.length === 0 && !scope.regions) return hosted;
    const index = new Map(ids.map((id, i) => [id, i]));
    const visible = (r: AnyRecordDoc) => inRegions(r.region, scope.regions) && !suspended.some((s) => s.equals(r.sourceId));
    const out = hosted.map((list) => list.filter(visible) as AnyRecordDoc[]);
    for (const records of live)
      for (const r of records) {
        const i = index.get(r.idNumber);
        if (i !== undefined && inRegions(r.region, scope.regions)) out[i].push(r);
      }
    return out.map((list) => list.sort(compareDesc) as RecordDocByDomain[D][]);
  }
}
