/**
 * Data quality figures (docs/domain.md "Data quality"): timeliness, completeness, accuracy,
 * freshness, and the ranking of departments. Pure: the store side (datasources/services/quality.ts) streams
 * records and rejections into a `QualityTally`, which keeps only counters and a histogram, so a source
 * of any size is measured in constant memory, and tallies of sources merge into a department's.
 *
 * Every share comes with the counts behind it: a department told "完整率 0.82" must be able to see
 * 82 of 100 expected fields, and which fields were missing.
 */
import { beijingDay, dayOfDate, DEFAULT_ENTRY_LIMIT, entryLag, type EntryLimit, WEEKDAYS_ONLY, type WorkCalendar } from './calendar';
import type { Domain } from './records';
import { CURRENT_REGIONS, HISTORICAL_REGIONS } from './regions';

/** A share with the counts behind it. */
export interface Share {
  ok: number;
  total: number;
  /** ok / total, rounded to 4 decimals; 1 when total is 0 (nothing was there to fail) */
  share: number;
}

/** How many records (or field slots) a field was missing from, or invalid in, and why. */
export interface FieldCount {
  field: string;
  count: number;
  /** for invalid values: what was wrong (`before admittedAt`, `rejected at ingest`, …) */
  reason: string | null;
}

export function share(ok: number, total: number): Share {
  return { ok, total, share: total === 0 ? 1 : Math.round((ok / total) * 10_000) / 10_000 };
}

/** A stored record as the checks read it: loosely, since old or hand-written documents may lack anything. */
export type LooseRecord = { [field: string]: unknown };

// ---------------------------------------------------------------------------------------------
// Completeness: the recommended (optional) fields a good record has.

/** One expected field slot of a record: its name and whether the record fills it. */
export type Slot = readonly [field: string, present: boolean];

const has = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
const list = (v: unknown): LooseRecord[] => (Array.isArray(v) ? v.filter((e): e is LooseRecord => !!e && typeof e === 'object') : []);
const obj = (v: unknown): LooseRecord | null =>
  v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? (v as LooseRecord) : null;
const when = (cond: boolean, ...slots: Slot[]): Slot[] => (cond ? slots : []);

/**
 * The recommended fields expected of a record, by domain. Only optional fields: the required ones are
 * checked at ingest, so every stored record has them. Conditional fields are expected only where the
 * record's own state calls for them (a release reason only once released). Array elements count one
 * slot each (every extraction should carry its warrant number).
 */
export const EXPECTED_FIELDS: { [D in Domain]: (r: LooseRecord) => Slot[] } = {
  DETENTION: (r) => [
    // the stage's legal deadline: the overdue-custody rules depend on it
    ['stageDeadline', has(r.stageDeadline)],
    ...when(has(r.releasedAt), ['releaseReason', has(r.releaseReason)]),
    ...list(r.extractions).map((e): Slot => ['extractions.warrantNumber', has(e.warrantNumber)]),
  ],
  PRISON: (r) => [
    ...when(obj(r.sentence)?.kind === 'FIXED_TERM', ['expectedReleaseDate', has(r.expectedReleaseDate)]),
    ...when(r.status === 'RELEASED', ['releasedAt', has(r.releasedAt)]),
    ...when(r.status === 'PAROLED', ['parole', has(obj(r.parole))]),
    ...when(r.status === 'OUTSIDE_EXECUTION', ['outsideExecution', has(obj(r.outsideExecution))]),
    ...when(!!obj(r.outsideExecution), ['outsideExecution.reviewDueAt', has(obj(r.outsideExecution)?.reviewDueAt)]),
  ],
  COMMUNITY_CORRECTION: (r) => [
    // 报到: the missed-intake rule (CORR_NOT_REPORTED) reads it
    ['reportedAt', has(r.reportedAt)],
    ...when(r.status === 'ACTIVE' || r.status === 'ABSCONDED', ['lastCheckInAt', has(r.lastCheckInAt)]),
    ...when(r.status === 'TERMINATED' || r.status === 'REVOKED', ['terminatedAt', has(r.terminatedAt)]),
    ...list(r.violations).map((v): Slot => ['violations.sanction', has(v.sanction)]),
  ],
  ENFORCEMENT_CASE: (r) => {
    const transfer = obj(r.transfer);
    return [
      ...when(r.status === 'PENALIZED' || (r.status === 'CLOSED' && !transfer), ['penalty', has(obj(r.penalty))]),
      ...when(
        r.status === 'TRANSFERRED',
        ['transfer.reportedAt', has(transfer?.reportedAt)],
        ['transfer.decidedAt', has(transfer?.decidedAt)],
        ['transfer.transferredAt', has(transfer?.transferredAt)],
        ['transfer.receivingAuthority', has(transfer?.receivingAuthority)],
      ),
      ...when(r.status === 'CLOSED', ['closedAt', has(r.closedAt)]),
      ...when(!!obj(r.company), ['company.creditCode', has(obj(r.company)?.creditCode)]),
    ];
  },
};

/** The expected field slots of a record and whether each is filled. */
export function expectedSlots(domain: Domain, record: LooseRecord): Slot[] {
  return EXPECTED_FIELDS[domain](record);
}

// ---------------------------------------------------------------------------------------------
// Accuracy: values that cannot be true.

/** A point in time read from a stored value: a Date (an instant) or a `YYYY-MM-DD` date (a whole day). */
interface Moment {
  ms: number;
  day: number;
  dateOnly: boolean;
}

function moment(v: unknown): Moment | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : { ms: v.getTime(), day: beijingDay(v), dateOnly: false };
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const day = dayOfDate(v);
    return Number.isNaN(day) ? null : { ms: day * 86_400_000 - 8 * 3_600_000, day, dateOnly: true };
  }
  if (typeof v === 'string') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : moment(d);
  }
  return null;
}

/** Whether `later` is before `earlier`: instants compared exactly, dates by their Beijing day. */
function isBefore(later: Moment, earlier: Moment): boolean {
  return later.dateOnly || earlier.dateOnly ? later.day < earlier.day : later.ms < earlier.ms;
}

/** Every value at a dotted path, arrays flattened: `extractions.at` → each extraction's `at`. */
function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
  if (path.length === 0) return [value];
  const o = obj(value);
  return o ? valuesAt(o[path[0]], path.slice(1)) : [];
}

/**
 * Pairs of values that must be in order. Within the same array (`extractions.at` and
 * `extractions.returnedAt`) the pairs are taken element by element; otherwise every value of `later`
 * is paired with every value of `earlier` (which is a single value in every rule below).
 */
function orderedPairs(record: unknown, earlier: string[], later: string[]): [unknown, unknown][] {
  const o = obj(record);
  if (!o) return [];
  if (earlier.length > 1 && later.length > 1 && earlier[0] === later[0]) {
    const inner = o[earlier[0]];
    const elements = Array.isArray(inner) ? inner : [inner];
    return elements.flatMap((e) => orderedPairs(e, earlier.slice(1), later.slice(1)));
  }
  const a = valuesAt(o, earlier);
  return valuesAt(o, later).flatMap((b) => a.map((x): [unknown, unknown] => [x, b]));
}

/** `[earlier, later]`: the later field must not be before the earlier one (时间倒置). */
export const ORDER_RULES: { [D in Domain]: readonly (readonly [string, string])[] } = {
  DETENTION: [
    ['admittedAt', 'stageStartedAt'],
    ['admittedAt', 'releasedAt'],
    ['stageStartedAt', 'stageDeadline'],
    ['admittedAt', 'extractions.at'],
    ['extractions.at', 'extractions.returnedAt'],
    ['admittedAt', 'extensions.grantedAt'],
    ['stageStartedAt', 'releasedAt'],
  ],
  PRISON: [
    ['admittedAt', 'releasedAt'],
    ['sentence.startDate', 'commutations.decidedAt'],
    ['sentence.startDate', 'parole.decidedAt'],
    ['parole.decidedAt', 'parole.probationEnd'],
    ['sentence.startDate', 'outsideExecution.decidedAt'],
    ['outsideExecution.decidedAt', 'outsideExecution.reviewDueAt'],
    ['sentence.startDate', 'expectedReleaseDate'],
  ],
  COMMUNITY_CORRECTION: [
    ['startDate', 'endDate'],
    ['judgmentEffectiveAt', 'reportedAt'],
    ['startDate', 'terminatedAt'],
    ['startDate', 'violations.at'],
  ],
  ENFORCEMENT_CASE: [
    ['filedAt', 'closedAt'],
    ['filedAt', 'penalty.decidedAt'],
    ['transfer.reportedAt', 'transfer.decidedAt'],
    ['transfer.decidedAt', 'transfer.transferredAt'],
    ['transfer.transferredAt', 'transfer.policeDecidedAt'],
    ['filedAt', 'transfer.reportedAt'],
  ],
};

/**
 * Fields that record something that already happened, so cannot lie after the hub received the record
 * (a date in the future). Planned dates (`stageDeadline`, `endDate`, `expectedReleaseDate`, …) may.
 */
export const PAST_FIELDS: { [D in Domain]: readonly string[] } = {
  DETENTION: ['eventAt', 'admittedAt', 'stageStartedAt', 'releasedAt', 'extensions.grantedAt', 'extractions.at', 'extractions.returnedAt'],
  PRISON: ['eventAt', 'admittedAt', 'releasedAt', 'commutations.decidedAt', 'parole.decidedAt', 'outsideExecution.decidedAt'],
  COMMUNITY_CORRECTION: ['eventAt', 'judgmentEffectiveAt', 'reportedAt', 'lastCheckInAt', 'violations.at', 'terminatedAt'],
  ENFORCEMENT_CASE: [
    'eventAt',
    'filedAt',
    'penalty.decidedAt',
    'transfer.reportedAt',
    'transfer.decidedAt',
    'transfer.transferredAt',
    'transfer.policeDecidedAt',
    'closedAt',
  ],
};

/** The reasons `invalid` reports. */
export const INVALID = {
  BIRTH_AFTER_EVENT: 'birth date after eventAt',
  UNKNOWN_REGION: 'unknown region code',
  FUTURE: 'after recordedAt',
  REJECTED: 'rejected at ingest',
  before: (field: string) => `before ${field}`,
} as const;

/** An invalid value found in a stored record. */
export interface Finding {
  field: string;
  reason: string;
}

/**
 * The invalid values of a stored record, each (field, reason) once: an ID number whose birth date is
 * after the event, an unknown region code, dates out of order, dates after the record was received.
 */
export function recordFindings(domain: Domain, record: LooseRecord): Finding[] {
  const out = new Map<string, Finding>();
  const add = (field: string, reason: string) => out.set(`${field}\u0000${reason}`, { field, reason });

  const id = typeof record.idNumber === 'string' ? record.idNumber : '';
  const event = moment(record.eventAt);
  if (/^\d{17}[\dX]$/.test(id) && event) {
    const birth = moment(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
    if (birth && birth.day > event.day) add('idNumber', INVALID.BIRTH_AFTER_EVENT);
  }
  if (typeof record.region === 'string' && !(record.region in CURRENT_REGIONS) && !(record.region in HISTORICAL_REGIONS)) {
    add('region', INVALID.UNKNOWN_REGION);
  }
  for (const [earlier, later] of ORDER_RULES[domain]) {
    for (const [a, b] of orderedPairs(record, earlier.split('.'), later.split('.'))) {
      const ma = moment(a);
      const mb = moment(b);
      if (ma && mb && isBefore(mb, ma)) add(later, INVALID.before(earlier));
    }
  }
  const received = moment(record.recordedAt);
  if (received) {
    for (const field of PAST_FIELDS[domain]) {
      for (const v of valuesAt(record, field.split('.'))) {
        const m = moment(v);
        if (m && (m.dateOnly ? m.day > received.day : m.ms > received.ms)) add(field, INVALID.FUTURE);
      }
    }
  }
  return [...out.values()];
}

/**
 * The fields named by ingest's rejection reasons (`extractions.0.at: is required` → `extractions.at`),
 * each once. A reason without a field counts as `record`.
 */
export function rejectionFields(reasons: readonly string[]): string[] {
  const fields = new Set<string>();
  for (const reason of reasons) {
    const colon = reason.indexOf(':');
    const path = colon > 0 ? reason.slice(0, colon).trim() : 'record';
    fields.add(
      path
        .split('.')
        .filter((p) => !/^\d+$/.test(p))
        .join('.') || 'record',
    );
  }
  return fields.size ? [...fields] : ['record'];
}

// ---------------------------------------------------------------------------------------------
// The tally: counters of one source (or, merged, of a department) over a period.

/** What a report says about a source or a department over a period. */
export interface QualityFigures {
  /** stored records received in the period */
  records: number;
  /** records rejected at ingest in the period */
  rejected: number;
  timeliness: Share;
  completeness: Share;
  accuracy: Share;
  medianLagDays: number | null;
  missingFields: FieldCount[];
  invalid: FieldCount[];
}

export interface TallyOptions {
  /** the entry limit for timeliness (default 7 working days) */
  limit?: EntryLimit;
  calendar?: WorkCalendar;
}

export class QualityTally {
  records = 0;
  rejected = 0;
  onTime = 0;
  accurate = 0;
  slotsExpected = 0;
  slotsPresent = 0;
  /** calendar days of lag → records: the median in constant memory (lags take few distinct values) */
  readonly lagDays = new Map<number, number>();
  readonly missing = new Map<string, number>();
  /** `field\0reason` → records */
  readonly invalid = new Map<string, number>();
  private readonly limit: EntryLimit;
  private readonly calendar: WorkCalendar;

  constructor(options: TallyOptions = {}) {
    this.limit = options.limit ?? DEFAULT_ENTRY_LIMIT;
    this.calendar = options.calendar ?? WEEKDAYS_ONLY;
  }

  /**
   * Counts one stored record. Its lag runs from the first time the hub received it (`firstSeenAt`;
   * `recordedAt` on versions stored before that was kept): a correction is not a late entry.
   */
  addRecord(domain: Domain, record: LooseRecord): void {
    this.records++;
    const { eventAt } = record;
    const entered = record.firstSeenAt instanceof Date ? record.firstSeenAt : record.recordedAt;
    if (eventAt instanceof Date && entered instanceof Date) {
      if (entryLag(eventAt, entered, this.limit, this.calendar) <= this.limit.days) this.onTime++;
      const lag = Math.max(0, beijingDay(entered) - beijingDay(eventAt));
      this.lagDays.set(lag, (this.lagDays.get(lag) ?? 0) + 1);
    }
    for (const [field, present] of expectedSlots(domain, record)) {
      this.slotsExpected++;
      if (present) this.slotsPresent++;
      else this.missing.set(field, (this.missing.get(field) ?? 0) + 1);
    }
    const findings = recordFindings(domain, record);
    if (findings.length === 0) this.accurate++;
    for (const f of findings) bump(this.invalid, `${f.field}\u0000${f.reason}`);
  }

  /** Counts one record rejected at ingest, by the reasons it was given. */
  addRejection(reasons: readonly string[]): void {
    this.rejected++;
    for (const field of rejectionFields(reasons)) bump(this.invalid, `${field}\u0000${INVALID.REJECTED}`);
  }

  /** Adds another tally's counts into this one (a department's sources). */
  merge(other: QualityTally): this {
    this.records += other.records;
    this.rejected += other.rejected;
    this.onTime += other.onTime;
    this.accurate += other.accurate;
    this.slotsExpected += other.slotsExpected;
    this.slotsPresent += other.slotsPresent;
    for (const [k, v] of other.lagDays) this.lagDays.set(k, (this.lagDays.get(k) ?? 0) + v);
    for (const [k, v] of other.missing) this.missing.set(k, (this.missing.get(k) ?? 0) + v);
    for (const [k, v] of other.invalid) this.invalid.set(k, (this.invalid.get(k) ?? 0) + v);
    return this;
  }

  figures(): QualityFigures {
    return {
      records: this.records,
      rejected: this.rejected,
      timeliness: share(this.onTime, this.records),
      completeness: share(this.slotsPresent, this.slotsExpected),
      // rejected records were delivered too, and none of them was right
      accuracy: share(this.accurate, this.records + this.rejected),
      medianLagDays: medianOfHistogram(this.lagDays),
      missingFields: byCount([...this.missing].map(([field, count]) => ({ field, count, reason: null }))),
      invalid: byCount(
        [...this.invalid].map(([key, count]) => {
          const [field, reason] = key.split('\u0000');
          return { field, count, reason };
        }),
      ),
    };
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Most frequent first; ties by field, then reason, so answers are stable. */
function byCount(list: FieldCount[]): FieldCount[] {
  return list.sort((a, b) => b.count - a.count || a.field.localeCompare(b.field) || (a.reason ?? '').localeCompare(b.reason ?? ''));
}

/**
 * The median of values given as a histogram (value → how many); the mean of the two middle values
 * when the count is even; null when empty.
 *
 * @example medianOfHistogram(new Map([[0, 2], [3, 1], [10, 1]])) // 1.5
 */
export function medianOfHistogram(histogram: ReadonlyMap<number, number>): number | null {
  const entries = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return null;
  const at = (pos: number): number => {
    let seen = 0;
    for (const [value, count] of entries) {
      seen += count;
      if (pos < seen) return value;
    }
    return entries[entries.length - 1][0];
  };
  return (at(Math.floor((n - 1) / 2)) + at(Math.floor(n / 2))) / 2;
}

/** Whole days (one decimal) from the last delivery to `now`; null when the source never delivered. */
export function freshnessDays(lastDeliveredAt: Date | null | undefined, now: Date): number | null {
  if (!lastDeliveredAt) return null;
  return Math.max(0, Math.round(((now.getTime() - lastDeliveredAt.getTime()) / 86_400_000) * 10) / 10);
}

// ---------------------------------------------------------------------------------------------
// Ranking departments.

export interface Rankable {
  key: string;
  figures: QualityFigures;
}

/** Compares two shares exactly (no rounding): negative when `a` is better. An empty share counts as 1. */
function compareShares(a: Share, b: Share): number {
  const [an, ad] = a.total === 0 ? [1, 1] : [a.ok, a.total];
  const [bn, bd] = b.total === 0 ? [1, 1] : [b.ok, b.total];
  return bn * ad - an * bd;
}

/**
 * Ranks departments, 1 = best: by accuracy share, then timeliness share, then completeness share
 * (wrong data misleads supervision more than late data, and late data more than thin data). Departments
 * equal on all three share a rank and the next rank is skipped (1, 1, 3). A department with no record
 * and no rejection in the period has nothing to rank on: null.
 */
export function rankDepartments(items: readonly Rankable[]): Map<string, number | null> {
  const ranks = new Map<string, number | null>();
  const compare = (a: Rankable, b: Rankable) =>
    compareShares(a.figures.accuracy, b.figures.accuracy) ||
    compareShares(a.figures.timeliness, b.figures.timeliness) ||
    compareShares(a.figures.completeness, b.figures.completeness);
  const ranked = items
    .filter((i) => i.figures.records + i.figures.rejected > 0)
    .sort((a, b) => compare(a, b) || a.key.localeCompare(b.key));
  ranked.forEach((item, i) => {
    const prev = ranked[i - 1];
    ranks.set(item.key, prev && compare(prev, item) === 0 ? ranks.get(prev.key)! : i + 1);
  });
  for (const item of items) if (!ranks.has(item.key)) ranks.set(item.key, null);
  return ranks;
}
