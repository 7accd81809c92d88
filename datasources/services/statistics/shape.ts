/**
 * What a statistics question is made of, and how it maps onto each domain's records: the types of the
 * schema's `statistics` field, where each dimension lives in a domain's records (from its description,
 * domain/record-domains/), StatFilter in the domain's own list filter fields plus the conditions no
 * list filter has, the checks on a question, and how records map to the groups counted ahead
 * (`GROUP_SHAPE`).
 */
import { byDomain, RECORD_DOMAINS, type Domain, type Terms } from '../../../domain/record-domains';
import { badInput } from '../../../lib/errors';
import type { CommonFilter } from '../../store/record-store';
import { domainFilterParams, matchesDomainFilter, type DomainFilter } from '../../store/record-filters';
import type { AnyRecordDoc } from '../../store/models';
import { FLAG_RELEASED, FLAG_SUSPECTED_CRIME, FLAG_TRANSFERRED, type GroupShape } from '../stat-counts';

export type StatDimension = 'REGION' | 'MONTH' | 'YEAR' | 'STATUS' | 'CATEGORY' | 'FACILITY' | 'SOURCE';

/** `StatFilter` of the schema. */
export interface StatFilter extends Omit<CommonFilter, 'idNumber'> {
  statuses?: readonly string[] | null;
  categories?: readonly string[] | null;
  facilityCodes?: readonly string[] | null;
  inCustody?: boolean | null;
  stageDeadlineBefore?: Date | null;
  suspectedCrime?: boolean | null;
  withTransfer?: boolean | null;
}

export interface StatKey {
  dimension: StatDimension;
  value: string;
  label: string;
}
export interface StatBucket {
  keys: StatKey[];
  count: number;
  amount: number | null;
}

/** Most dimensions in one `groupBy`: beyond that buckets approach single records. */
export const MAX_GROUP_BY = 4;

/** Where each dimension lives in a domain's records, and the Chinese terms of its enum values (from its description, domain/record-domains/). */
export interface DomainShape {
  status: string;
  category: string;
  unit: string;
  statuses: Readonly<Record<string, string>>;
  categories: Readonly<Record<string, string>>;
  /** the field added up as the amount, if any */
  amount?: string;
}

const zh = (terms: Terms<string>) => Object.fromEntries(Object.entries(terms).map(([v, t]) => [v, t.zh]));
export const SHAPES = byDomain<Record<Domain, DomainShape>>((d) => {
  const r = RECORD_DOMAINS[d];
  return {
    status: r.status.path,
    category: r.category.path,
    unit: r.unit,
    statuses: zh(r.status.terms),
    categories: zh(r.category.terms),
    amount: 'amount' in r ? r.amount : undefined,
  };
});

/** Filter fields that only one domain has. */
const DOMAIN_ONLY: Partial<Record<keyof StatFilter, Domain>> = {
  inCustody: 'DETENTION',
  stageDeadlineBefore: 'DETENTION',
  suspectedCrime: 'ENFORCEMENT_CASE',
  withTransfer: 'ENFORCEMENT_CASE',
};

/** A counted group before folding: the raw key fields (short names, as in the store's `$group._id`). */
export interface RawKey {
  r?: string;
  m?: string | null;
  s?: string;
  c?: string;
  f?: string;
  fn?: string;
  src?: string;
}
export interface RawRow {
  key: RawKey;
  count: number;
  amount: number;
}

export function path(record: unknown, dotted: string): string | undefined {
  let v: any = record;
  for (const part of dotted.split('.')) v = v?.[part];
  return typeof v === 'string' ? v : undefined;
}

/** What a record adds to its bucket's amount: its domain's amount field (yuan), or nothing. */
export function amountOf(shape: DomainShape, r: object): number {
  const v = shape.amount ? (r as Record<string, unknown>)[shape.amount] : undefined;
  return typeof v === 'number' ? v : 0;
}

/**
 * How records map to the groups counted ahead (stat-counts.ts): the fields every dimension and
 * filter of `statistics` reads (the source among them), except `eventAt`: a partition is a month.
 * `stageDeadlineBefore` is the one filter a group cannot answer.
 */
export const GROUP_SHAPE: GroupShape = {
  projection(domain) {
    const shape = SHAPES[domain];
    return {
      sourceId: 1,
      region: 1,
      [shape.status]: 1,
      [shape.category]: 1,
      [shape.unit]: 1,
      releasedAt: 1,
      suspectedCrime: 1,
      transfer: 1,
      ...(shape.amount ? { [shape.amount]: 1 } : {}),
    };
  },
  key(domain, r) {
    const shape = SHAPES[domain];
    const unit = r[shape.unit] as { code?: string; name?: string } | undefined;
    const flags =
      (r.releasedAt != null ? FLAG_RELEASED : 0) |
      (r.suspectedCrime === true ? FLAG_SUSPECTED_CRIME : 0) |
      (r.transfer != null ? FLAG_TRANSFERRED : 0);
    return [
      String(r.sourceId),
      r.region ?? null,
      path(r, shape.status) ?? null,
      path(r, shape.category) ?? null,
      unit?.code ?? null,
      unit?.name ?? null,
      flags,
    ];
  },
  amount: (domain, r) => amountOf(SHAPES[domain], r),
};

/** What a domain's own list filter, live matcher and department parameters are. */
export interface DomainAccess {
  filter(f: StatFilter, stages: readonly string[] | undefined): CommonFilter;
  matches(r: AnyRecordDoc, f: CommonFilter): boolean;
  params(f: CommonFilter): Record<string, string>;
}

/** The list filter field (of kind `in`) on `path`, if the domain has one. */
function listFieldOn(domain: Domain, path: string): string | undefined {
  return RECORD_DOMAINS[domain].filters.find((x) => x.kind === 'in' && x.path === path)?.name;
}

/** StatFilter in the domain's own list filter fields: units, statuses and categories by where they are stored, the booleans by name. */
function accessOf(domain: Domain): DomainAccess {
  const r = RECORD_DOMAINS[domain];
  const unit = listFieldOn(domain, `${r.unit}.code`);
  const status = listFieldOn(domain, r.status.path);
  const category = listFieldOn(domain, r.category.path);
  const sameField = r.status.path === r.category.path;
  return {
    filter: (f, stages) => {
      const out: Record<string, unknown> = {};
      if (unit) out[unit] = f.facilityCodes;
      if (sameField) {
        if (status) out[status] = stages;
      } else {
        if (status) out[status] = f.statuses;
        if (category) out[category] = f.categories;
      }
      for (const x of r.filters) if (x.kind !== 'in' && x.name in f) out[x.name] = f[x.name as keyof StatFilter];
      return out as CommonFilter;
    },
    matches: (rec, f) => matchesDomainFilter(domain, rec, f as DomainFilter),
    params: (f) => domainFilterParams(domain, f as DomainFilter),
  };
}
export const ACCESS = byDomain<Record<Domain, DomainAccess>>(accessOf);

/** Conditions of StatFilter that no list filter has: as a store query, and as a check on a live record. */
export function extraConditions(domain: Domain, f: StatFilter): { query: Record<string, unknown>; matches: (r: any) => boolean } {
  const query: Record<string, unknown> = {};
  const checks: ((r: any) => boolean)[] = [];
  // categories stored where no list filter field reads (PRISON's `sentence.kind`)
  const categoryPath = RECORD_DOMAINS[domain].category.path;
  if (f.categories?.length && categoryPath !== RECORD_DOMAINS[domain].status.path && !listFieldOn(domain, categoryPath)) {
    const kinds = [...f.categories];
    query[categoryPath] = { $in: kinds };
    checks.push((r) => kinds.includes(path(r, categoryPath) as string));
  }
  if (domain === 'DETENTION' && f.stageDeadlineBefore) {
    const before = f.stageDeadlineBefore;
    // `releasedAt: null` also matches a missing field, on MongoDB and FerretDB alike.
    query.releasedAt = null;
    query.stageDeadline = { $lt: before };
    checks.push((r) => !r.releasedAt && r.stageDeadline instanceof Date && r.stageDeadline < before);
  }
  if (domain === 'ENFORCEMENT_CASE' && f.withTransfer != null) {
    const wanted = f.withTransfer;
    query.transfer = wanted ? { $ne: null } : null;
    checks.push((r) => wanted === (r.transfer != null));
  }
  return { query, matches: (r) => checks.every((c) => c(r)) };
}

/** Checks `groupBy` and the domain-specific filter fields; returns DETENTION's stage list (statuses ∩ categories). */
export function validate(domain: Domain, shape: DomainShape, groupBy: readonly StatDimension[], f: StatFilter): string[] | undefined {
  if (groupBy.length === 0) throw badInput('groupBy', 'must name at least one dimension, e.g. [REGION, YEAR]');
  if (groupBy.length > MAX_GROUP_BY) throw badInput('groupBy', `at most ${MAX_GROUP_BY} dimensions, got ${groupBy.length}`);
  groupBy.forEach((d, i) => {
    if (groupBy.indexOf(d) !== i) throw badInput(`groupBy[${i}]`, `${d} is given twice`);
  });
  if (shape.status === shape.category && groupBy.includes('STATUS') && groupBy.includes('CATEGORY')) {
    throw badInput(
      `groupBy[${Math.max(groupBy.indexOf('STATUS'), groupBy.indexOf('CATEGORY'))}]`,
      `for ${domain}, STATUS and CATEGORY are both \`${shape.status}\`: give one of them`,
    );
  }
  for (const [field, only] of Object.entries(DOMAIN_ONLY)) {
    if (f[field as keyof StatFilter] != null && only !== domain)
      throw badInput(`filter.${field}`, `applies to ${only} only, not ${domain}`);
  }
  if (f.stageDeadlineBefore && f.inCustody === false)
    throw badInput('filter.stageDeadlineBefore', 'counts records still in custody; it cannot be combined with inCustody: false');
  const check = (field: 'statuses' | 'categories', known: Readonly<Record<string, string>>) =>
    f[field]?.forEach((v, i) => {
      if (!Object.hasOwn(known, v))
        throw badInput(
          `filter.${field}[${i}]`,
          `${domain} has no ${field === 'statuses' ? 'status' : 'category'} "${v}"; expected one of ${Object.keys(known).join(', ')}`,
        );
    });
  check('statuses', shape.statuses);
  check('categories', shape.categories);
  if (shape.status !== shape.category) return undefined;
  const s = f.statuses?.length ? f.statuses : undefined;
  const c = f.categories?.length ? f.categories : undefined;
  return s && c ? s.filter((v) => c.includes(v)) : (s ?? c)?.slice();
}
