/**
 * Statistics for analysts: one domain's records counted by REGION, MONTH, YEAR, STATUS, CATEGORY,
 * FACILITY and SOURCE, over the hosted store and every live source of the domain.
 *
 * Hosted records are counted in the store: `$match` (the list query, jurisdiction and suspended
 * sources applied) then `$group` on plain field paths. Live sources are paged through their list
 * protocol and counted here; both feed the same folding, so a bucket means the same wherever its
 * records live. A live source that fails is left out whole (never counted in part) and reported.
 *
 * FerretDB 1.24, measured (docs/store.md: only what it and MongoDB both support):
 * - no date operators (`$year`, `$dateToString`: "not implemented yet"), so months come from the
 *   stored `eventMonth` (Beijing time, written at ingest; older documents are filled by
 *   `backfillMonths`), and YEAR is folded from months here. Grouping by `eventAt` itself is no way
 *   out: it makes a group per instant;
 * - `$project`/`$addFields` take `'$field'` as a literal string, so group keys are field paths in
 *   `$group._id` only;
 * - a `$group` computes only its first accumulator; the others come back 0 (FerretDB issue #4616).
 *   So the amount of enforcement cases is a second pipeline with one accumulator, run in parallel.
 *
 * The parts:
 * - shape.ts: the question's types, where each dimension lives in a domain's records, StatFilter in
 *   the domain's list filter fields, the checks on a question, and `GROUP_SHAPE` for the counts ahead
 * - ahead.ts: hosted records counted from the statistics partitions (stat-counts.ts), and the
 *   answers kept while those are unchanged
 * - hosted.ts: hosted records counted by an aggregate in the store (one, or one per hosted source)
 * - live.ts: live sources paged through and counted here
 * - fold.ts: the groups of all three folded into labelled buckets
 * - backfill.ts: the stored months (and days and hours) filled on records written without them
 */
import { DOMAINS, type Domain } from '../../../domain/record-domains';
import type { Models } from '../../store/models';
import { commonQuery, type RecordStore } from '../../store/record-store';
import type { RecordDays } from '../../store/ferretdb/record-days';
import { narrowRegions, type RequestScope } from '../../sources/federated-records';
import type { ConnectorPool } from '../../sources/connectors';
import type { SourceRegistry } from '../../sources/registry';
import type { StatCounts } from '../stat-counts';
import { countAhead, KeptAnswers, type AheadDeps, type HostedRows } from './ahead';
import { backfillMonths, type BackfillDeps, type StatisticsLog } from './backfill';
import { DEFAULT_MAX_BUCKETS, fold } from './fold';
import { countHosted, type HostedDeps } from './hosted';
import { countLive, liveSourcesOf } from './live';
import { ACCESS, extraConditions, SHAPES, validate, type StatBucket, type StatDimension, type StatFilter } from './shape';

export { MAX_KEPT_BUCKETS } from './ahead';
export { MONTH_DAY_MARKER, type StatisticsLog } from './backfill';
export { DEFAULT_MAX_BUCKETS } from './fold';
export { LIVE_STAT_PAGE, MAX_LIVE_RECORDS } from './live';
export { GROUP_SHAPE, MAX_GROUP_BY, type StatBucket, type StatDimension, type StatFilter, type StatKey } from './shape';

/** What `Statistics` counts with, and how. */
export interface StatisticsOptions {
  models: Models;
  registry: SourceRegistry;
  connectors: ConnectorPool;
  hosted: { [D in Domain]: RecordStore<D, any> };
  /** count per hosted source and add up (FerretDB, whose `$group` slows with every group); default false */
  perSource?: boolean;
  /** the statistics partitions (stat-counts.ts): the month backfill marks those it changes */
  counted?: StatCounts;
  /** answer from the partitions' counts (STATISTICS_AHEAD); false: aggregate in the store every time; default true */
  ahead?: boolean;
  /** the list reads' days registry: the backfill lists the days it stamps */
  days?: RecordDays;
  /** most buckets one answer may hold (STATISTICS_MAX_BUCKETS); default DEFAULT_MAX_BUCKETS */
  maxBuckets?: number;
}

export class Statistics {
  /** the statistics partitions (stat-counts.ts): the month backfill marks those it changes */
  readonly counted?: StatCounts;
  private readonly registry: SourceRegistry;
  private readonly connectors: ConnectorPool;
  private readonly maxBuckets: number;
  private readonly store: HostedDeps;
  private readonly backfill: BackfillDeps;
  /**
   * The counts-ahead path (when it is on and there are partitions to count from), with its answers to
   * repeated questions, kept while the partitions they were counted from are unchanged.
   */
  private readonly ahead?: AheadDeps;

  constructor({
    models,
    registry,
    connectors,
    hosted,
    perSource = false,
    counted,
    ahead = true,
    days,
    maxBuckets = DEFAULT_MAX_BUCKETS,
  }: StatisticsOptions) {
    this.counted = counted;
    this.registry = registry;
    this.connectors = connectors;
    this.maxBuckets = maxBuckets;
    this.store = { models, registry, hosted, perSource };
    this.backfill = { models, counted, days };
    this.ahead = ahead && counted ? { counted, registry, kept: new KeptAnswers(), maxBuckets } : undefined;
  }

  /**
   * Stamps `eventMonth` (statistics), `eventDay` and `eventHour` (list reads) on stored records
   * written before they existed (backfill.ts). Returns how many documents it filled.
   */
  backfillMonths(log?: StatisticsLog, domains: readonly Domain[] = DOMAINS): Promise<number> {
    return backfillMonths(this.backfill, log, domains);
  }

  /**
   * Buckets of `domain`'s records grouped by `groupBy`, ordered by their key values ascending (in
   * `groupBy` order). `scope.regions` is the caller's jurisdiction: nothing outside it is counted.
   */
  async compute(
    domain: Domain,
    groupBy: readonly StatDimension[],
    requested: StatFilter | null | undefined,
    scope: RequestScope,
  ): Promise<StatBucket[]> {
    const shape = SHAPES[domain];
    const f: StatFilter = requested ?? {};
    const stages = validate(domain, shape, groupBy, f);
    commonQuery(f); // the common fields, checked before anything is asked
    const regions = narrowRegions(f.regions, scope.regions);
    if (regions?.length === 0) return [];
    if (stages?.length === 0) return []; // DETENTION: statuses and categories share no stage
    const filter = { ...ACCESS[domain].filter(f, stages), regions, sourceIds: f.sourceIds, eventFrom: f.eventFrom, eventTo: f.eventTo };
    const extra = extraConditions(domain, f);

    const byMonth = groupBy.includes('MONTH') || groupBy.includes('YEAR');
    const liveSources = liveSourcesOf(this.registry, domain, filter);
    // Only an answer from hosted records alone can be kept: a live source's records change without a mark.
    const question = liveSources.length === 0 ? JSON.stringify([domain, groupBy, f, regions]) : null;
    const hostedRows = async (): Promise<HostedRows> => {
      const ahead =
        f.stageDeadlineBefore || !this.ahead
          ? null
          : await countAhead(this.ahead, domain, shape, groupBy, f, filter, extra.matches, question);
      if (ahead) return ahead;
      const rows = await countHosted(this.store, domain, shape, groupBy, filter, extra.query);
      // Records stored without a month (before it existed, or by an older replica): fill them and count again, once.
      if (!byMonth || !rows.some((r) => r.key.m == null) || (await this.backfillMonths(undefined, [domain])) === 0)
        return { rows, version: null };
      return { rows: await countHosted(this.store, domain, shape, groupBy, filter, extra.query), version: null };
    };
    const [hosted, ...live] = await Promise.all([
      hostedRows(),
      ...liveSources.map((source) => countLive(this.connectors, domain, shape, source, filter, extra.matches, scope)),
    ]);
    if ('kept' in hosted) return hosted.kept;
    const buckets = fold(domain, shape, groupBy, hosted.rows.concat(...live), this.registry, this.maxBuckets);
    if (question && hosted.version) this.ahead?.kept.keep(question, hosted.version, buckets);
    return buckets;
  }
}
