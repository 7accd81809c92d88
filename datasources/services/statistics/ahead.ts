/**
 * The counts-ahead path: the hosted records' groups from the statistics partitions' counts
 * (stat-counts.ts), filtered and folded by what `groupBy` needs, and the answers kept while the
 * partitions they were counted from are unchanged.
 */
import type { Domain } from '../../../domain/record-domains';
import type { AnyRecordDoc } from '../../store/models';
import type { CommonFilter } from '../../store/record-store';
import type { SourceRegistry } from '../../sources/registry';
import {
  FLAG_RELEASED,
  FLAG_SUSPECTED_CRIME,
  FLAG_TRANSFERRED,
  monthSpan,
  type Group,
  type Partition,
  type StatCounts,
} from '../stat-counts';
import { tooManyBuckets } from './fold';
import { ACCESS, type DomainShape, type RawRow, type StatBucket, type StatDimension, type StatFilter } from './shape';

/** A record with only what a group knows of it, for the live matchers (they are the hub's own reading of every filter). */
function groupRecord(shape: DomainShape, g: Group): AnyRecordDoc {
  const r: Record<string, any> = { region: g[1] ?? '' };
  const set = (dotted: string, v: unknown) => {
    const parts = dotted.split('.');
    let o = r;
    for (const part of parts.slice(0, -1)) o = o[part] ??= {};
    o[parts[parts.length - 1]] = v;
  };
  set(shape.status, g[2] ?? undefined);
  set(shape.category, g[3] ?? undefined);
  r[shape.unit] = { code: g[4] ?? undefined, name: g[5] ?? undefined };
  r.releasedAt = g[6] & FLAG_RELEASED ? new Date(0) : null;
  r.suspectedCrime = (g[6] & FLAG_SUSPECTED_CRIME) !== 0;
  r.transfer = g[6] & FLAG_TRANSFERRED ? {} : null;
  return r as AnyRecordDoc;
}

type BucketDimensions = { src: boolean; r: boolean; s: boolean; c: boolean; f: boolean };
/** per group list, per choice of dimensions: each group's part of its bucket's key */
const BUCKET_KEYS = new WeakMap<readonly Group[], Map<number, string[]>>();

/**
 * Each group's bucket key for the asked dimensions, but for the month. Made once per group list and
 * choice of dimensions and kept with the list: a partition's list is replaced, never changed, when
 * its counts change (stat-counts.ts), so the keys are never stale. Building them per answer was 9 %
 * of the hub's time in the statistics scenario's profile, plus the garbage it made.
 */
function bucketKeys(list: readonly Group[], by: BucketDimensions): string[] {
  const choice = (by.src ? 1 : 0) | (by.r ? 2 : 0) | (by.s ? 4 : 0) | (by.c ? 8 : 0) | (by.f ? 16 : 0);
  let perList = BUCKET_KEYS.get(list);
  if (!perList) BUCKET_KEYS.set(list, (perList = new Map()));
  let keys = perList.get(choice);
  if (!keys) {
    keys = list.map(
      (g) =>
        `${by.src ? g[0] : ''}\u0001${by.r ? g[1] : ''}\u0001${by.s ? g[2] : ''}\u0001${by.c ? g[3] : ''}\u0001${by.f ? `${g[4]}\u0001${g[5]}` : ''}`,
    );
    perList.set(choice, keys);
  }
  return keys;
}

/** The hosted records' rows, with what they were counted from (null: not to be kept); or an answer kept for that. */
export type HostedRows = { rows: RawRow[]; version: string | null } | { kept: StatBucket[] };

/** Most buckets kept over all kept answers (district × month over one domain is ~5,000; ~200 bytes each). */
export const MAX_KEPT_BUCKETS = 50_000;

/**
 * The answers of this process's latest questions, each with the version it was counted from.
 *
 * Why: from counts kept per partition, an answer is still a fold of every group of every partition
 * (100,000 groups per domain at 1,000,000 records); an analyst's dashboard asks the same questions
 * again and again, and while no partition changed the fold gives the same buckets. A question is the
 * domain, `groupBy`, the filter and the caller's narrowed jurisdiction; the version is every covered
 * partition's token (a write changes it: stat-counts.ts) and the suspended sources. The buckets are
 * shared between answers and never changed after folding (labels are made when read).
 */
export class KeptAnswers {
  private readonly answers = new Map<string, { version: string; buckets: StatBucket[] }>();
  private buckets = 0;

  get(question: string, version: string): StatBucket[] | undefined {
    const kept = this.answers.get(question);
    if (!kept || kept.version !== version) return undefined;
    // most recently used last: eviction takes the first
    this.answers.delete(question);
    this.answers.set(question, kept);
    return kept.buckets;
  }

  keep(question: string, version: string, buckets: StatBucket[]): void {
    if (buckets.length > MAX_KEPT_BUCKETS) return;
    const old = this.answers.get(question);
    if (old) {
      this.answers.delete(question);
      this.buckets -= old.buckets.length;
    }
    this.answers.set(question, { version, buckets });
    this.buckets += buckets.length;
    for (const [q, a] of this.answers) {
      if (this.buckets <= MAX_KEPT_BUCKETS) break;
      this.answers.delete(q);
      this.buckets -= a.buckets.length;
    }
  }
}

/** What the counts-ahead path reads, and the answers it keeps. */
export interface AheadDeps {
  /** the statistics partitions (stat-counts.ts) */
  counted: StatCounts;
  registry: SourceRegistry;
  kept: KeptAnswers;
  /** most buckets one answer may hold (STATISTICS_MAX_BUCKETS) */
  maxBuckets: number;
}

/**
 * The hosted records' groups from the partitions' counts (stat-counts.ts), filters applied to the
 * group keys with the same matchers as live records; null until the partitions are built.
 * Partitions cut by `eventFrom`/`eventTo` are counted from their records with the range.
 */
export async function countAhead(
  deps: AheadDeps,
  domain: Domain,
  shape: DomainShape,
  groupBy: readonly StatDimension[],
  f: StatFilter,
  filter: CommonFilter,
  extra: (r: AnyRecordDoc) => boolean,
  question: string | null,
): Promise<HostedRows | null> {
  if (!(await deps.counted.isReady())) return null;
  const wanted = filter.sourceIds?.length ? new Set(filter.sourceIds.map(String)) : null;
  // As in the store query (hostedStoreQuery): suspended hosted sources are left out.
  const suspended = new Set(
    deps.registry
      .list(domain, 'SUSPENDED')
      .filter((s) => s.kind === 'HOSTED')
      .map((s) => s._id.toHexString()),
  );
  const from = filter.eventFrom?.getTime() ?? -Infinity;
  const to = filter.eventTo?.getTime() ?? Infinity;
  const whole: Partition[] = [];
  const cut: Partition[] = [];
  for (const p of await deps.counted.list(domain)) {
    const [start, end] = monthSpan(p.month);
    if (end <= from || start >= to) continue;
    (start >= from && end <= to ? whole : cut).push(p);
  }
  // What the answer was counted from: every partition's token (and the suspended sources). A partition
  // cut by the range, or with a write in flight (its counts are not kept either), makes it one-off.
  const now = deps.counted.now();
  const version =
    question && cut.length === 0 && whole.every((p) => !p.writingUntil || p.writingUntil.getTime() <= now)
      ? `${[...suspended].sort().join(',')}|${whole
          .map((p) => `${p._id}:${p.token}`)
          .sort()
          .join(',')}`
      : null;
  const kept = question && version ? deps.kept.get(question, version) : undefined;
  if (kept) return { kept };
  const counted = deps.counted;
  const range = { ...(filter.eventFrom ? { $gte: filter.eventFrom } : {}), ...(filter.eventTo ? { $lt: filter.eventTo } : {}) };
  const [groups, cutGroups] = await Promise.all([
    counted.groups(domain, whole),
    Promise.all(cut.map((p) => counted.count(domain, p.month, range))),
  ]);
  // Folded here by the fields `groupBy` needs, so that what goes on is a row per bucket, not per group
  // (1,000,000 records hold ~100,000 groups per domain). The matchers run only for filters on
  // what a group's key holds beyond its source and district.
  const access = ACCESS[domain];
  const plain = !(
    f.statuses?.length ||
    f.categories?.length ||
    f.facilityCodes?.length ||
    f.inCustody != null ||
    f.suspectedCrime != null ||
    f.withTransfer != null
  );
  const by = {
    src: groupBy.includes('SOURCE'),
    r: groupBy.includes('REGION'),
    m: groupBy.includes('MONTH') || groupBy.includes('YEAR'),
    s: groupBy.includes('STATUS'),
    c: groupBy.includes('CATEGORY'),
    f: groupBy.includes('FACILITY'),
  };
  // rows by the month part of the bucket, then by the group part (bucketKeys: kept with the group list)
  const rows = new Map<string, Map<string, RawRow>>();
  // Without YEAR (months folded into years) or FACILITY (a unit's names folded into its code), a row
  // here is a bucket: a question past the bound stops at its first row too many, not after all of them.
  const rowIsBucket = !groupBy.includes('YEAR') && !groupBy.includes('FACILITY');
  let distinct = 0;
  const add = (month: string, list: readonly Group[]) => {
    const keys = bucketKeys(list, by);
    const monthPart = by.m ? month : '';
    let inMonth = rows.get(monthPart);
    if (!inMonth) rows.set(monthPart, (inMonth = new Map()));
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      if (suspended.has(g[0]) || (wanted && !wanted.has(g[0]))) continue;
      if (filter.regions?.length && !filter.regions.some((prefix) => (g[1] ?? '').startsWith(prefix))) continue;
      if (!plain) {
        const r = groupRecord(shape, g);
        if (!access.matches(r, filter) || !extra(r)) continue;
      }
      let row = inMonth.get(keys[i]);
      if (!row) {
        if (rowIsBucket && ++distinct > deps.maxBuckets) throw tooManyBuckets(deps.maxBuckets);
        inMonth.set(
          keys[i],
          (row = {
            key: {
              src: g[0],
              r: g[1] ?? undefined,
              m: month,
              s: g[2] ?? undefined,
              c: g[3] ?? undefined,
              f: g[4] ?? undefined,
              fn: g[5] ?? undefined,
            },
            count: 0,
            amount: 0,
          }),
        );
      }
      row.count += g[7];
      row.amount += g[8];
    }
  };
  for (const p of whole) add(p.month, groups.get(p._id) ?? []);
  cut.forEach((p, i) => add(p.month, cutGroups[i]));
  // amounts were added up in fen (exact); yuan from here on
  return {
    rows: [...rows.values()].flatMap((inMonth) => [...inMonth.values()]).map((row) => ({ ...row, amount: row.amount / 100 })),
    version,
  };
}
