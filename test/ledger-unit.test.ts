/**
 * The ledger's figures and the assessment on a hand-made set of documents, counted by hand
 * (domain/ledger.ts). The day asked is 2026-06-15 (Beijing day numbers through dayOfDate).
 */
import { dayOfDate } from '../domain/calendar';
import { deduction, foldLedger, notHandledAsRequired, type LedgerDocument } from '../domain/ledger';

const today = dayOfDate('2026-06-15');
const on = (date: string) => new Date(`${date}T10:00:00+08:00`);
const noReport = { required: false, dueDay: null, reportedAt: null, late: null };

function doc(over: Partial<LedgerDocument>): LedgerDocument {
  return {
    kind: 'RECOMMENDATION',
    status: 'ISSUED',
    office: 'JCY-500101',
    region: '500101',
    addressee: { code: 'SCJG500101', name: '重庆市万州区市场监督管理局' },
    issuedAt: on('2026-03-02'),
    receivedAt: null,
    dueDay: null,
    answers: [],
    objections: [],
    report: noReport,
    outcome: null,
    ...over,
  };
}

// Eight documents, what each is, and so what it counts for:
const set: LedgerDocument[] = [
  // 1. answered on time, closed rectified; its report was required and filed on time
  doc({
    status: 'CLOSED',
    receivedAt: on('2026-03-03'),
    dueDay: dayOfDate('2026-05-03'),
    answers: [{ late: false }],
    outcome: 'RECTIFIED',
    report: { required: true, dueDay: dayOfDate('2026-03-10'), reportedAt: on('2026-03-05'), late: false },
  }),
  // 2. answered late, closed partly rectified → not handled as required
  doc({
    status: 'CLOSED',
    receivedAt: on('2026-03-03'),
    dueDay: dayOfDate('2026-05-03'),
    answers: [{ late: true }],
    outcome: 'PARTLY_RECTIFIED',
  }),
  // 3. answer owed, due 2026-06-14: overdue today → not handled as required
  doc({ status: 'RECEIVED', receivedAt: on('2026-04-14'), dueDay: dayOfDate('2026-06-14') }),
  // 4. answer owed, due today: not overdue yet; report required, due 06-01 and not filed → late → not handled as required
  doc({
    status: 'RECEIVED',
    receivedAt: on('2026-04-15'),
    dueDay: dayOfDate('2026-06-15'),
    report: { required: true, dueDay: dayOfDate('2026-06-01'), reportedAt: null, late: null },
  }),
  // 5. objected, the procuratorate upheld it, then answered on time, closed not rectified (another unit, a correction notice)
  doc({
    kind: 'CORRECTION_NOTICE',
    addressee: { code: 'KSS500101', name: '重庆市万州区看守所' },
    status: 'CLOSED',
    receivedAt: on('2026-03-03'),
    dueDay: dayOfDate('2026-03-18'),
    answers: [{ late: false }],
    objections: [{ decision: 'UPHELD' }],
    outcome: 'NOT_RECTIFIED',
  }),
  // 6. objected and withdrawn: counts for nothing in the assessment, even though its report was late
  doc({
    addressee: { code: 'KSS500101', name: '重庆市万州区看守所' },
    status: 'WITHDRAWN',
    receivedAt: on('2026-03-03'),
    dueDay: dayOfDate('2026-05-03'),
    objections: [{ decision: 'WITHDRAWN' }],
    report: { required: true, dueDay: dayOfDate('2026-03-10'), reportedAt: on('2026-03-20'), late: true },
  }),
  // 7. objected twice: revised once, the second still pending; answer owed, due in July
  doc({
    status: 'OBJECTED',
    receivedAt: on('2026-05-20'),
    dueDay: dayOfDate('2026-07-20'),
    objections: [{ decision: 'REVISED' }, { decision: null }],
    issuedAt: on('2026-05-19'),
  }),
  // 8. issued in May, not yet signed for, in another district
  doc({
    region: '500102',
    office: 'JCY-500102',
    issuedAt: on('2026-05-30'),
    addressee: { code: 'SCJG500102', name: '重庆市涪陵区市场监督管理局' },
  }),
];

describe('the document ledger', () => {
  it('counts a hand-made set as counted by hand', () => {
    const [total] = foldLedger(set, [], today);
    expect(total).toEqual({
      keys: [],
      documents: 8,
      received: 7,
      awaitingReceipt: 1,
      answered: 3,
      answeredOnTime: 2,
      answeredLate: 1,
      overdue: 1,
      objections: 4,
      objectionsUpheld: 1,
      objectionsOverturned: 2,
      objectionsPending: 1,
      rectified: 1,
      partlyRectified: 1,
      notRectified: 1,
      withdrawn: 1,
      reportsRequired: 3,
      reportsOnTime: 1,
      reportsLate: 2,
      notHandledAsRequired: 3,
    });
    expect(set.map((d) => notHandledAsRequired(d, today))).toEqual([false, true, true, true, false, false, false, false]);
  });

  it('groups by unit, department, month, kind and region, with Chinese labels, sorted by value', () => {
    const byUnit = foldLedger(set, ['UNIT'], today);
    expect(byUnit.map((r) => [r.keys[0].value, r.documents, r.notHandledAsRequired])).toEqual([
      ['KSS500101', 2, 0],
      ['SCJG500101', 5, 3],
      ['SCJG500102', 1, 0],
    ]);
    const byDepartment = foldLedger(set, ['DEPARTMENT'], today);
    expect(byDepartment.map((r) => [r.keys[0].value, r.keys[0].label, r.documents])).toEqual([
      ['KSS', '看守所（公安机关）', 2],
      ['SCJG', '市场监督管理部门', 6],
    ]);
    const byMonthKind = foldLedger(set, ['MONTH', 'KIND'], today);
    expect(byMonthKind.map((r) => [...r.keys.map((k) => k.label), r.documents])).toEqual([
      ['2026年3月', '纠正违法通知书', 1],
      ['2026年3月', '检察建议', 5],
      ['2026年5月', '检察建议', 2],
    ]);
    expect(foldLedger(set, ['REGION'], today).map((r) => [r.keys[0].label, r.documents])).toEqual([
      ['万州区', 7],
      ['涪陵区', 1],
    ]);
  });

  it('moves with the day asked: the day after a due date the answer owed is overdue', () => {
    expect(foldLedger(set, [], today - 1)[0].overdue).toBe(0); // 06-14: document 3 is due that day
    expect(foldLedger(set, [], today + 1)[0].overdue).toBe(2); // 06-16: documents 3 and 4
  });

  it('deducts 0.1 a document not handled as required, at most 0.6, both settings', () => {
    const rule = { perDocument: 0.1, cap: 0.6 };
    expect([0, 1, 3, 6, 7, 20].map((n) => deduction(n, rule))).toEqual([0, 0.1, 0.3, 0.6, 0.6, 0.6]);
    expect(deduction(3, { perDocument: 0.25, cap: 1 })).toBe(0.75);
  });
});
