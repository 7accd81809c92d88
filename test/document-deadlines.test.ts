/**
 * Supervision documents' pure rules (domain/documents.ts): deadlines in calendar months, days and
 * working days across month ends, weekends, holidays and make-up working days; the workflow table;
 * numbers; settings checked with the path of what is wrong; who a document is addressed to.
 */
import { dateOfDay, dayOfDate, type WorkCalendar } from '../domain/calendar';
import {
  addWorkingDays,
  addresseePath,
  addresses,
  changeDocumentSettings,
  DEFAULT_DOCUMENT_SETTINGS,
  defaultDueDay,
  DOCUMENT_STEPS,
  dueDay,
  formatDocumentNumber,
  overrideProblem,
  parseDocumentNumber,
  stepProblem,
  yearOfDay,
} from '../domain/documents';

const S = DEFAULT_DOCUMENT_SETTINGS;
const due = (kind: 'RECOMMENDATION' | 'CORRECTION_NOTICE', received: string, urgent = false, cal?: WorkCalendar) =>
  dateOfDay(defaultDueDay(kind, urgent, dayOfDate(received), S, cal));

describe('reply deadlines', () => {
  it('gives a recommendation two calendar months from receipt, clamped to the month end', () => {
    expect(due('RECOMMENDATION', '2026-01-15')).toBe('2026-03-15');
    expect(due('RECOMMENDATION', '2026-12-31')).toBe('2027-02-28');
    expect(due('RECOMMENDATION', '2027-12-31')).toBe('2028-02-29');
    expect(due('RECOMMENDATION', '2026-08-31')).toBe('2026-10-31');
    expect(due('RECOMMENDATION', '2026-07-31')).toBe('2026-09-30');
  });

  it('gives a correction notice 15 calendar days from receipt, across a month end', () => {
    expect(due('CORRECTION_NOTICE', '2026-03-01')).toBe('2026-03-16');
    expect(due('CORRECTION_NOTICE', '2026-02-20')).toBe('2026-03-07');
  });

  it('gives an urgent document 5 working days, skipping weekends, holidays and counting make-up days', () => {
    // 2026-09-25 is a Friday
    expect(due('CORRECTION_NOTICE', '2026-09-25', true)).toBe('2026-10-02');
    const national: WorkCalendar = { holidays: ['2026-10-01', '2026-10-02'], workdays: [] };
    expect(due('RECOMMENDATION', '2026-09-25', true, national)).toBe('2026-10-06');
    // 2026-10-10 is a Saturday; as a make-up working day it counts
    expect(due('RECOMMENDATION', '2026-10-07', true)).toBe('2026-10-14');
    expect(due('RECOMMENDATION', '2026-10-07', true, { holidays: [], workdays: ['2026-10-10'] })).toBe('2026-10-13');
  });

  it('counts working days with the first day not counted', () => {
    const fri = dayOfDate('2026-12-04');
    expect(dateOfDay(addWorkingDays(fri, 1))).toBe('2026-12-07');
    expect(dateOfDay(addWorkingDays(fri, 5))).toBe('2026-12-11');
    expect(addWorkingDays(fri, 0)).toBe(fri);
  });

  it("takes the issuer's shorter deadline where it comes first, and refuses a longer one", () => {
    const d = dayOfDate('2026-03-01');
    expect(dateOfDay(dueDay('RECOMMENDATION', false, 30, d, S))).toBe('2026-03-31');
    expect(dateOfDay(dueDay('CORRECTION_NOTICE', false, null, d, S))).toBe('2026-03-16');
    expect(overrideProblem('RECOMMENDATION', false, 30, d, S)).toBeNull();
    expect(overrideProblem('CORRECTION_NOTICE', false, 15, d, S)).toBe(
      'may only shorten the deadline: a CORRECTION_NOTICE is due 15 days after receipt by default, got 15',
    );
    expect(overrideProblem('CORRECTION_NOTICE', false, 0, d, S)).toMatch(/at least 1/);
    expect(overrideProblem('CORRECTION_NOTICE', true, 3, dayOfDate('2026-12-04'), S)).toBeNull();
    expect(overrideProblem('CORRECTION_NOTICE', true, 7, dayOfDate('2026-12-04'), S)).toMatch(/urgent CORRECTION_NOTICE is due 7 days/);
  });
});

describe('the workflow table', () => {
  it('lets each side take only its own steps, in the statuses that allow them', () => {
    expect(stepProblem('SIGN_RECEIPT', 'DEPARTMENT', 'ISSUED')).toBeNull();
    expect(stepProblem('SIGN_RECEIPT', 'PROCURATOR', 'ISSUED')).toBe("SIGN_RECEIPT is the department's step");
    expect(stepProblem('ANSWER', 'DEPARTMENT', 'ISSUED')).toBe('a ISSUED document does not allow ANSWER (only RECEIVED)');
    expect(stepProblem('ACCEPT', 'DEPARTMENT', 'ANSWERED')).toBe("ACCEPT is the procuratorate's step");
    expect(stepProblem('UPHOLD', 'PROCURATOR', 'OBJECTED')).toBeNull();
    expect(stepProblem('WITHDRAW', 'PROCURATOR', 'CLOSED')).toMatch(/does not allow WITHDRAW/);
    for (const step of Object.values(DOCUMENT_STEPS)) {
      expect(step.from).not.toContain('WITHDRAWN');
    }
  });
});

describe('numbers, settings, addressees', () => {
  it('formats and reads 渝检建〔2026〕12号', () => {
    expect(formatDocumentNumber('渝检建', 2026, 12)).toBe('渝检建〔2026〕12号');
    expect(parseDocumentNumber('渝检纠〔2026〕3号')).toEqual({ prefix: '渝检纠', year: 2026, seq: 3 });
    expect(parseDocumentNumber('渝检纠2026-3')).toBeNull();
    expect(yearOfDay(dayOfDate('2026-12-31'))).toBe(2026);
  });

  it('merges a settings change and names the path of what is wrong', () => {
    const ok = changeDocumentSettings(S, { dueSoonDays: 3, numberPrefixes: { CORRECTION_NOTICE: '渝万检纠' } });
    expect(ok).toEqual({
      ok: true,
      settings: { ...S, dueSoonDays: 3, numberPrefixes: { ...S.numberPrefixes, CORRECTION_NOTICE: '渝万检纠' } },
    });
    const bad = changeDocumentSettings(S, { dueSoonDays: -1, weeks: 2 });
    expect(bad.ok).toBe(false);
    expect((bad as { problems: string[] }).problems).toEqual(
      expect.arrayContaining(['settings: not a setting: weeks', expect.stringMatching(/^settings\.dueSoonDays: /)]),
    );
    expect(changeDocumentSettings(S, { numberPrefixes: { RECOMMENDATION: '渝 检' } }).ok).toBe(false);
    expect(changeDocumentSettings(S, [1]).ok).toBe(false);
  });

  it('addresses a department and its units, not a namesake', () => {
    expect(addresses('KSS-500101', 'KSS-500101')).toBe(true);
    expect(addresses('KSS-500101-2', 'KSS-500101')).toBe(true);
    expect(addresses('KSS-5001012', 'KSS-500101')).toBe(false);
    expect(addresses('KSS-500101', 'KSS-500101-2')).toBe(false);
    expect(addresseePath('KSS-500101-2')).toEqual(['KSS', 'KSS-500101', 'KSS-500101-2']);
  });
});
