/**
 * Folding: raw groups (from the store, the counts ahead and live sources alike) into the asked
 * buckets in key order, each key labelled only when read; and the bound on how many buckets an answer
 * may hold.
 */
import { GraphQLError } from 'graphql';
import type { Domain } from '../../../domain/record-domains';
import { regionName } from '../../../domain/regions';
import type { SourceRegistry } from '../../sources/registry';
import type { DomainShape, RawKey, RawRow, StatBucket, StatDimension, StatKey } from './shape';

/** Most buckets one answer may hold unless configured (STATISTICS_MAX_BUCKETS): a four-dimension question returned 47,303 (14 MB of JSON). */
export const DEFAULT_MAX_BUCKETS = 10_000;

/** A question whose answer would hold more buckets than the bound: named with its setting, so an operator knows what to raise. */
export function tooManyBuckets(max: number): GraphQLError {
  return new GraphQLError(
    `statistics: the answer would hold more than ${max} buckets (STATISTICS_MAX_BUCKETS); group by fewer dimensions or narrow the filter`,
    {
      extensions: { code: 'QUERY_TOO_COMPLEX', field: 'groupBy', limit: max },
    },
  );
}

/** Folds raw groups (store and live alike) into the asked buckets, with labels, in key order. */
export function fold(
  domain: Domain,
  shape: DomainShape,
  groupBy: readonly StatDimension[],
  rows: RawRow[],
  registry: SourceRegistry,
  maxBuckets: number,
): StatBucket[] {
  const buckets = new Map<string, { values: string[]; count: number; amount: number; names?: Map<string, number> }>();
  for (const { key, count, amount } of rows) {
    const values = groupBy.map((d) => valueOf(d, key));
    const id = JSON.stringify(values);
    let b = buckets.get(id);
    if (!b) {
      // refused at the first bucket past the bound: neither sorted, labelled nor sent
      if (buckets.size >= maxBuckets) throw tooManyBuckets(maxBuckets);
      buckets.set(id, (b = { values, count: 0, amount: 0 }));
    }
    b.count += count;
    b.amount += amount;
    // A unit renamed between records: its label is the name most of its records carry.
    if (key.fn) {
      b.names ??= new Map();
      b.names.set(key.fn, (b.names.get(key.fn) ?? 0) + count);
    }
  }
  const labels: Labeler = (d, v, names) => {
    if (v === '') return '未知';
    switch (d) {
      case 'REGION':
        return regionName(v);
      case 'MONTH':
        return `${v.slice(0, 4)}年${Number(v.slice(5, 7))}月`;
      case 'YEAR':
        return `${v}年`;
      case 'STATUS':
        return shape.statuses[v] ?? v;
      case 'CATEGORY':
        return shape.categories[v] ?? v;
      case 'FACILITY':
        return [...(names ?? [])].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? v;
      case 'SOURCE':
        return registry.get(v)?.name ?? v;
    }
  };
  return [...buckets.values()]
    .sort((a, b) => compareValues(a.values, b.values))
    .map((b) => ({
      keys: b.values.map((v, i) => new LabelledKey(groupBy[i], v, labels, b.names)),
      count: b.count,
      amount: shape.amount ? Math.round(b.amount * 100) / 100 : null,
    }));
}

type Labeler = (d: StatDimension, value: string, names: Map<string, number> | undefined) => string;

/**
 * A bucket's key whose label is made only when read: an answer of thousands of buckets (district ×
 * month) that asks for values only does not build a name for each of them.
 */
class LabelledKey implements StatKey {
  readonly #labels: Labeler;
  readonly #names: Map<string, number> | undefined;
  constructor(
    readonly dimension: StatDimension,
    readonly value: string,
    labels: Labeler,
    names: Map<string, number> | undefined,
  ) {
    this.#labels = labels;
    this.#names = names;
  }

  get label(): string {
    return this.#labels(this.dimension, this.value, this.#names);
  }
}

function valueOf(d: StatDimension, key: RawKey): string {
  switch (d) {
    case 'REGION':
      return key.r ?? '';
    case 'MONTH':
      return key.m ?? '';
    case 'YEAR':
      return key.m ? key.m.slice(0, 4) : '';
    case 'STATUS':
      return key.s ?? '';
    case 'CATEGORY':
      return key.c ?? '';
    case 'FACILITY':
      return key.f ?? '';
    case 'SOURCE':
      return key.src ?? '';
  }
}

function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}
