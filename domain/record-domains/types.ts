/**
 * What the hub knows of one record domain, in one place (one file per domain beside this one).
 * The store's models and indexes, the list filters (store query, live check, department
 * parameters), projections, the statistics dimensions and their labels, the rules' terms and the
 * GraphQL wiring are all derived from it; docs/domain.md has the recipe for a new domain.
 */
import type { z } from 'zod';

/** The Chinese and English term of each value of an enumeration; typed so that a value without a term fails to compile. */
export type Terms<V extends string> = Readonly<Record<V, { readonly zh: string; readonly en: string }>>;

/** A field the statistics count by (STATUS or CATEGORY): where it is stored and what its values are called. */
export interface Dimension<V extends string = string> {
  /** dotted path in the stored record */
  path: string;
  terms: Terms<V>;
}

/**
 * A field of the domain's list filter (`DetentionFilter` …), beside the common ones (regions,
 * sources, event time, person): what it tests and where.
 * - `in`: a list of values; the stored value at `path` is one of them;
 * - `unset`: a boolean; true means `path` holds nothing (null or missing), false that it holds something;
 * - `flag`: a boolean; `path` holds true (missing counts as false).
 */
export interface ListFilterField {
  name: string;
  kind: 'in' | 'unset' | 'flag';
  path: string;
}

/**
 * A stored field for the store's model: a constructor (`String`, `Date`, `Number`, `Boolean`),
 * `'unit'` (`{ code, name }`), `{ required: <constructor> }`, a list of one of these or of an object
 * of them, `{ object: { … } }` (an object always there) or `{ nested: { … } }` (an object that may be absent).
 */
export type StoredField =
  | StringConstructor
  | DateConstructor
  | NumberConstructor
  | BooleanConstructor
  | 'unit'
  | { required: StringConstructor | DateConstructor | NumberConstructor }
  | readonly [StringConstructor | StoredFields]
  | { object: StoredFields }
  | { nested: StoredFields };
export interface StoredFields {
  readonly [field: string]: StoredField;
}

export interface RecordDomainDescription<D extends string = string, Shape extends z.ZodType = z.ZodType> {
  domain: D;
  /** what one record is, in the words of the people who read it */
  names: { zh: string; en: string };
  /** the record shape every source's records are checked against (ingest, live answers, the generator) */
  shape: Shape;
  /** the store collection, and the store model's name */
  collection: string;
  model: string;
  /** the fields stored beside the common ones (sourceId, idNumber, region, eventAt …), for the store's model */
  stored: StoredFields;
  /** list indexes beyond the common ones (on MongoDB; FerretDB reads by equality) */
  indexes: readonly Record<string, 1 | -1>[];
  /** the GraphQL names: the record type, its connection, the list query, the `Person` field, the ingest mutation */
  graphql: { type: string; connection: string; list: string; personField: string; ingest: string };
  /** the field holding the unit that keeps the record (`{ code, name }`: a detention centre, a prison …); no other domain has it */
  unit: string;
  /** what `statistics` counts by as STATUS and CATEGORY (they may be the same field) */
  status: Dimension;
  category: Dimension;
  /** the field `statistics` adds up as each bucket's amount (yuan), if the domain has one */
  amount?: string;
  /** the domain's own list filter fields, in the order of its GraphQL filter input */
  filters: readonly ListFilterField[];
  /** the top-level fields the quality checks read (arrays and sub-documents come whole) */
  checkedFields: readonly string[];
}
