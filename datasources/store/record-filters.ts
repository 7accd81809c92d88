/**
 * A domain's own list filter fields (`facilityCodes`, `inCustody` …), read from its description
 * (domain/record-domains/): the same filter as a store query, as the hub's check of a live record,
 * and as the query parameters a department's REST source is sent.
 */
import { RECORD_DOMAINS, type Domain, type ListFilterField } from '../../domain/record-domains';
import type { AnyRecordDoc } from './models';
import { inList, type CommonFilter } from './record-store';

/** A list filter: the common fields and the domain's own (lists of values, or booleans). */
export type DomainFilter = CommonFilter & { readonly [field: string]: unknown };

const given = (v: unknown): v is readonly unknown[] | boolean => (Array.isArray(v) ? v.length > 0 : typeof v === 'boolean');

function valueAt(record: unknown, dotted: string): unknown {
  let v: any = record;
  for (const part of dotted.split('.')) v = v?.[part];
  return v;
}

function fieldsOf(domain: Domain): readonly ListFilterField[] {
  return RECORD_DOMAINS[domain].filters;
}

/** Adds the domain's own filter fields to a store query. */
export function applyDomainFilter(domain: Domain, f: DomainFilter, q: Record<string, unknown>): void {
  for (const field of fieldsOf(domain)) {
    const v = f[field.name];
    if (!given(v)) continue;
    if (field.kind === 'in') inList(q, field.path, v as readonly string[]);
    // `path: null` also matches a missing field, on MongoDB and FerretDB alike.
    else if (field.kind === 'unset') q[field.path] = v === true ? null : { $ne: null };
    else q[field.path] = v === true;
  }
}

/** The same filter on a live record (the hub checks what departments return). */
export function matchesDomainFilter(domain: Domain, r: AnyRecordDoc, f: DomainFilter): boolean {
  return fieldsOf(domain).every((field) => {
    const v = f[field.name];
    if (!given(v)) return true;
    const stored = valueAt(r, field.path);
    if (field.kind === 'in') return (v as readonly unknown[]).includes(stored);
    if (field.kind === 'unset') return v === (stored == null);
    return v === (stored === true);
  });
}

/** The domain's filter fields as a REST source's query parameters: lists comma-separated, booleans as `true`/`false`. */
export function domainFilterParams(domain: Domain, f: DomainFilter): Record<string, string> {
  const p: Record<string, string> = {};
  for (const field of fieldsOf(domain)) {
    const v = f[field.name];
    if (given(v)) p[field.name] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return p;
}
