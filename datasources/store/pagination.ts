/**
 * Relay connections over records sorted by `eventAt` desc, then id desc.
 *
 * A cursor is opaque to clients: base64url of `<eventAt ms>:<id>`. Paging is keyset paging
 * (`eventAt < c OR (eventAt = c AND _id < id)`), so page 50 costs what page 1 costs on an index.
 */
import { Types } from 'mongoose';
import type { AnyRecordDoc } from './models';
import { badInput } from '../../lib/errors';

export interface Sortable {
  _id: Types.ObjectId;
  eventAt: Date;
}

/** One page of a connection; `totalCount` is computed only when a client asks for it. */
export interface Page<T extends Sortable> {
  nodes: T[];
  hasNextPage: boolean;
  /** per-node cursors when they are not the simple position (merged lists: composite cursors) */
  cursors?: string[];
  totalCount: () => Promise<number> | number;
}
/** A page of records of any domain (every record connection type maps to it: codegen.yml). */
export type RecordPage = Page<AnyRecordDoc>;

export interface Position {
  eventAt: Date;
  id: Types.ObjectId;
}

export function encodeCursor(node: Sortable): string {
  return Buffer.from(`${node.eventAt.getTime()}:${node._id.toHexString()}`).toString('base64url');
}

/** The largest distance from 1970 a Date can hold, in ms (ECMAScript: 100,000,000 days). */
const MAX_TIME_MS = 8.64e15;

/**
 * Whether a cursor's time is one a Date can hold: a forged one past ±8.64e15 ms or with a fraction
 * would become an Invalid Date, and the query built on it would fail as an internal error.
 */
export function isCursorTime(ms: unknown): ms is number {
  return Number.isSafeInteger(ms) && Math.abs(ms as number) <= MAX_TIME_MS;
}

export function decodeCursor(cursor: string, field = 'after'): Position {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(-?\d{1,16}):([0-9a-f]{24})$/.exec(text);
  if (!m || !isCursorTime(Number(m[1]))) throw badInput(field, 'is not a cursor this hub issued; pass an endCursor from a previous page');
  return { eventAt: new Date(Number(m[1])), id: new Types.ObjectId(m[2]) };
}

/** Newest first; ties broken by id, descending, so the order is total and stable. */
export function compareDesc(a: Sortable, b: Sortable): number {
  const d = b.eventAt.getTime() - a.eventAt.getTime();
  if (d !== 0) return d;
  const x = a._id.toHexString();
  const y = b._id.toHexString();
  return x < y ? 1 : x > y ? -1 : 0;
}

/** Whether `node` comes strictly after the cursor position in the sort order. */
export function isAfter(node: Sortable, pos: Position): boolean {
  return compareDesc({ eventAt: pos.eventAt, _id: pos.id }, node) < 0;
}

/** Mongo condition for "strictly after the position" in `eventAt` desc, `_id` desc order. */
export function afterCondition(pos: Position): Record<string, unknown> {
  return {
    $or: [{ eventAt: { $lt: pos.eventAt } }, { eventAt: pos.eventAt, _id: { $lt: pos.id } }],
  };
}

/** Pages an already sorted in-memory list (a person's records in one domain). */
export function pageOf<T extends Sortable>(sorted: T[], first: number, after?: string | null): Page<T> {
  let start = 0;
  if (after) {
    const pos = decodeCursor(after);
    start = sorted.findIndex((n) => isAfter(n, pos));
    if (start < 0) start = sorted.length;
  }
  const nodes = sorted.slice(start, start + first);
  return { nodes, hasNextPage: start + first < sorted.length, totalCount: () => sorted.length };
}

/** The page size of a connection whose `first` is not given (server/list-cost.ts prices it so). */
export const DEFAULT_PAGE_SIZE = 20;

/** Validates `first` against the page-size limit. */
export function pageSize(first: number | null | undefined, max: number, fallback = DEFAULT_PAGE_SIZE): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw badInput('first', `must be a whole number ≥ 0, got ${n}`);
  if (n > max) throw badInput('first', `must be at most ${max}, got ${n}`);
  return n;
}

/**
 * Cursors of lists paged on the id alone, newest first (leads, documents): base64url of
 * `<kind>:<id>`, so that a cursor of one list is refused by another.
 */
export function encodeIdCursor(kind: string, id: Types.ObjectId): string {
  return Buffer.from(`${kind}:${id.toHexString()}`).toString('base64url');
}

export function decodeIdCursor(kind: string, cursor: string): Types.ObjectId {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^([a-z]+):([0-9a-f]{24})$/.exec(text);
  if (!m || m[1] !== kind) throw badInput('after', 'is not a cursor this hub issued; pass an endCursor from a previous page');
  return new Types.ObjectId(m[2]);
}
