/** The pure quality figures (domain/quality.ts): per-record checks, shares, median, ranking. */
import {
  expectedSlots,
  medianOfHistogram,
  QualityTally,
  rankDepartments,
  recordFindings,
  rejectionFields,
  share,
  type QualityFigures,
} from '../domain/quality';

const at = (s: string) => new Date(`${s}+08:00`);

/** A stored detention record with everything recommended filled in. */
function detention(o: Record<string, unknown> = {}) {
  return {
    idNumber: '500101199003070019',
    region: '500101',
    eventAt: at('2024-03-01T09:00:00'),
    recordedAt: at('2024-03-04T10:00:00'),
    admittedAt: at('2024-03-01T09:00:00'),
    stageStartedAt: at('2024-03-01T09:00:00'),
    stageDeadline: at('2024-05-01T09:00:00'),
    ...o,
  };
}

describe('shares, medians and slots', () => {
  it('gives every share with its counts, and 1 when there was nothing to judge', () => {
    expect(share(2, 3)).toEqual({ ok: 2, total: 3, share: 0.6667 });
    expect(share(0, 0)).toEqual({ ok: 0, total: 0, share: 1 });
  });

  it('takes the median from a histogram, averaging the two middle values of an even count', () => {
    expect(medianOfHistogram(new Map())).toBeNull();
    expect(medianOfHistogram(new Map([[4, 1]]))).toBe(4);
    expect(
      medianOfHistogram(
        new Map([
          [10, 1],
          [0, 2],
          [3, 1],
        ]),
      ),
    ).toBe(1.5);
    expect(
      medianOfHistogram(
        new Map([
          [1, 3],
          [9, 2],
        ]),
      ),
    ).toBe(1);
  });

  it('expects a release reason only once released, and a warrant number on every extraction', () => {
    expect(expectedSlots('DETENTION', detention())).toEqual([['stageDeadline', true]]);
    const released = detention({
      stageDeadline: undefined,
      releasedAt: at('2024-03-02T09:00:00'),
      extractions: [{ at: at('2024-03-01T14:00:00'), warrantNumber: 'T-1' }, { at: at('2024-03-01T15:00:00') }],
    });
    expect(expectedSlots('DETENTION', released)).toEqual([
      ['stageDeadline', false],
      ['releaseReason', false],
      ['extractions.warrantNumber', true],
      ['extractions.warrantNumber', false],
    ]);
  });

  it('expects enforcement fields by the case status', () => {
    expect(expectedSlots('ENFORCEMENT_CASE', { status: 'TRANSFERRED', transfer: { reportedAt: at('2024-01-01T09:00:00') } })).toEqual([
      ['transfer.reportedAt', true],
      ['transfer.decidedAt', false],
      ['transfer.transferredAt', false],
      ['transfer.receivingAuthority', false],
    ]);
    expect(expectedSlots('ENFORCEMENT_CASE', { status: 'CLOSED', penalty: { kind: '罚款' } })).toEqual([
      ['penalty', true],
      ['closedAt', false],
    ]);
  });
});

describe('invalid values', () => {
  it('finds nothing wrong in a sound record', () => {
    expect(recordFindings('DETENTION', detention())).toEqual([]);
  });

  it('finds a birth date after the event, an unknown region, dates out of order and dates after receipt', () => {
    const bad = detention({
      idNumber: '500101202501010013',
      region: '500199',
      releasedAt: at('2024-02-28T09:00:00'),
      stageStartedAt: at('2024-02-27T09:00:00'),
      extractions: [{ at: at('2024-03-02T09:00:00'), returnedAt: at('2024-03-02T08:00:00') }, { at: at('2024-03-09T09:00:00') }],
    });
    expect(recordFindings('DETENTION', bad)).toEqual([
      { field: 'idNumber', reason: 'birth date after eventAt' },
      { field: 'region', reason: 'unknown region code' },
      { field: 'stageStartedAt', reason: 'before admittedAt' },
      { field: 'releasedAt', reason: 'before admittedAt' },
      { field: 'extractions.returnedAt', reason: 'before extractions.at' },
      { field: 'extractions.at', reason: 'after recordedAt' },
    ]);
  });

  it('accepts historical region codes and compares dates with instants by their Beijing day', () => {
    const prison = {
      idNumber: '500101199003070019',
      region: '500222',
      eventAt: at('2024-03-01T09:00:00'),
      recordedAt: at('2024-03-05T09:00:00'),
      admittedAt: at('2024-03-01T23:30:00'),
      sentence: { startDate: '2024-03-01', kind: 'FIXED_TERM', termMonths: 12 },
      commutations: [{ decidedAt: '2024-03-01', months: 1 }],
      status: 'SERVING',
    };
    expect(recordFindings('PRISON', prison)).toEqual([]);
    expect(recordFindings('PRISON', { ...prison, commutations: [{ decidedAt: '2024-02-29', months: 1 }] })).toEqual([
      { field: 'commutations.decidedAt', reason: 'before sentence.startDate' },
    ]);
  });

  it('names the fields of rejection reasons, array positions left out', () => {
    expect(
      rejectionFields([
        'idNumber: 500101199001011234: check character should be 5, got 4',
        'extractions.0.at: is required',
        'extractions.1.at: is required',
        'no colon here',
      ]),
    ).toEqual(['idNumber', 'extractions.at', 'record']);
    expect(rejectionFields([])).toEqual(['record']);
  });
});

describe('the tally', () => {
  it('counts a record entered 7 working days after a Friday event as on time, and 8 as late (weekends skipped)', () => {
    const t = new QualityTally();
    // Fri 2024-03-01 → Tue 03-12 is 7 working days (11 calendar days); Wed 03-13 is 8 (12 days)
    t.addRecord('DETENTION', detention({ recordedAt: at('2024-03-12T18:00:00') }));
    t.addRecord('DETENTION', detention({ recordedAt: at('2024-03-13T08:00:00') }));
    const f = t.figures();
    expect(f.timeliness).toEqual({ ok: 1, total: 2, share: 0.5 });
    expect(f.medianLagDays).toBe(11.5);
  });

  it('counts rejections as delivered and wrong, and merges sources into a department', () => {
    const a = new QualityTally();
    a.addRecord('DETENTION', detention());
    a.addRecord('DETENTION', detention({ region: '500199', stageDeadline: undefined }));
    const b = new QualityTally();
    b.addRejection(['idNumber: bad', 'name: is required']);
    const f = new QualityTally().merge(a).merge(b).figures();
    expect(f).toMatchObject({
      records: 2,
      rejected: 1,
      timeliness: { ok: 2, total: 2 },
      completeness: { ok: 1, total: 2 },
      accuracy: { ok: 1, total: 3, share: 0.3333 },
      medianLagDays: 3,
      missingFields: [{ field: 'stageDeadline', count: 1, reason: null }],
      invalid: [
        { field: 'idNumber', count: 1, reason: 'rejected at ingest' },
        { field: 'name', count: 1, reason: 'rejected at ingest' },
        { field: 'region', count: 1, reason: 'unknown region code' },
      ],
    });
  });
});

describe('ranking departments', () => {
  const fig = (acc: [number, number], time: [number, number], comp: [number, number], rejected = 0): QualityFigures => ({
    records: acc[1] - rejected,
    rejected,
    accuracy: share(...acc),
    timeliness: share(...time),
    completeness: share(...comp),
    medianLagDays: null,
    missingFields: [],
    invalid: [],
  });

  it('ranks by accuracy, then timeliness, then completeness; equal departments share a rank; empty ones are unranked', () => {
    const ranks = rankDepartments([
      { key: 'A', figures: fig([9, 10], [5, 10], [1, 1]) },
      { key: 'B', figures: fig([18, 20], [10, 20], [1, 1]) }, // equal to A on every share (exactly)
      { key: 'C', figures: fig([9, 10], [6, 10], [0, 1]) }, // same accuracy as A, better timeliness
      { key: 'D', figures: fig([10, 10], [0, 10], [0, 4]) }, // best accuracy wins whatever else
      { key: 'E', figures: fig([0, 0], [0, 0], [0, 0]) },
    ]);
    expect(Object.fromEntries(ranks)).toEqual({ D: 1, C: 2, A: 3, B: 3, E: null });
  });
});
