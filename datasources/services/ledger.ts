/**
 * The ledger of supervision documents (台账) and the assessment of the departments (考核), read from
 * the documents (services/documents.ts) and folded by domain/ledger.ts. Documents are few (a city
 * issues a couple of thousand a year), so a period's are read once, projected, and counted here:
 * exact on every store, and the same figures the documents themselves show.
 */
import { beijingDay, beijingMidnight, dateOfDay, dayOfDate } from '../../domain/calendar';
import { officeName } from '../../domain/consultations';
import type { DocumentKind } from '../../domain/documents';
import {
  deduction,
  departmentOf,
  emptyFigures,
  foldLedger,
  LEDGER_DIMENSIONS,
  notHandledAsRequired,
  type LedgerDimension,
  type LedgerKey,
  type LedgerRow,
} from '../../domain/ledger';
import { badInput } from '../../lib/errors';
import type { DocumentCaller, Documents } from './documents';

/** A period of Beijing days, both ends included (`YYYY-MM-DD`). */
export interface LedgerPeriod {
  from: string;
  to: string;
}

export interface LedgerFilter {
  kinds?: readonly DocumentKind[] | null;
  regions?: readonly string[] | null;
}

/** One unit's assessment for a period. */
export interface UnitAssessment {
  department: LedgerKey;
  unit: { code: string; name: string };
  /** documents issued to it in the period (withdrawn ones left out) */
  documents: number;
  /** of which not handled as required */
  notHandledAsRequired: number;
  /** points deducted: perDocument × notHandledAsRequired, at most cap */
  deduction: number;
}

export interface Assessment {
  perDocument: number;
  cap: number;
  /** the day the figures are counted at (an answer still owed is overdue after its due date as of this day) */
  asOf: string;
  units: UnitAssessment[];
}

/** Most days a ledger period spans (ten years): one read of a period's documents stays bounded. */
const MAX_PERIOD_DAYS = 3660;

export class DocumentLedger {
  constructor(
    private readonly documents: Documents,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Beijing midnight of `from` up to Beijing midnight after `to`. */
  private range(period: LedgerPeriod): { start: Date; end: Date } {
    const fromDay = dayOfDate(period.from);
    const toDay = dayOfDate(period.to);
    if (toDay < fromDay) throw badInput('period.to', `must not be before period.from (${period.from}), got ${period.to}`);
    if (toDay - fromDay + 1 > MAX_PERIOD_DAYS)
      throw badInput('period.to', `a period spans at most ${MAX_PERIOD_DAYS} days, got ${toDay - fromDay + 1}`);
    return { start: beijingMidnight(fromDay), end: beijingMidnight(toDay + 1) };
  }

  /** The ledger's rows for the period, one per group of `groupBy` (one row in all when it is empty). */
  async rows(
    caller: DocumentCaller,
    period: LedgerPeriod,
    groupBy: readonly LedgerDimension[],
    filter: LedgerFilter = {},
  ): Promise<LedgerRow[]> {
    if (groupBy.length > LEDGER_DIMENSIONS.length) throw badInput('groupBy', `give at most ${LEDGER_DIMENSIONS.length} dimensions`);
    const twice = groupBy.find((d, i) => groupBy.indexOf(d) !== i);
    if (twice) throw badInput('groupBy', `${twice} is given twice`);
    const docs = await this.documents.ledgerDocuments(caller, this.range(period), filter);
    const rows = foldLedger(docs, groupBy, beijingDay(this.clock()), officeName);
    // an empty period still answers its one total row when nothing is grouped
    return rows.length === 0 && groupBy.length === 0 ? [{ keys: [], ...emptyFigures() }] : rows;
  }

  /** Each unit's deduction for the period by the assessment rule in the document settings. */
  async assessment(caller: DocumentCaller, period: LedgerPeriod, filter: LedgerFilter = {}): Promise<Assessment> {
    const [docs, settings] = await Promise.all([
      this.documents.ledgerDocuments(caller, this.range(period), filter),
      this.documents.settings(),
    ]);
    const today = beijingDay(this.clock());
    const units = new Map<string, UnitAssessment>();
    for (const d of docs) {
      if (d.status === 'WITHDRAWN') continue;
      let u = units.get(d.addressee.code);
      if (!u)
        units.set(
          d.addressee.code,
          (u = {
            department: { dimension: 'DEPARTMENT', ...departmentOf(d.addressee.code) },
            unit: d.addressee,
            documents: 0,
            notHandledAsRequired: 0,
            deduction: 0,
          }),
        );
      u.documents++;
      if (notHandledAsRequired(d, today)) u.notHandledAsRequired++;
    }
    const rule = settings.assessment;
    for (const u of units.values()) u.deduction = deduction(u.notHandledAsRequired, rule);
    return {
      perDocument: rule.perDocument,
      cap: rule.cap,
      asOf: dateOfDay(today),
      // most deducted first, then by code
      units: [...units.values()].sort((a, b) => b.deduction - a.deduction || (a.unit.code < b.unit.code ? -1 : 1)),
    };
  }
}
