/**
 * The 17 supervision rules of docs/domain.md, each at its boundaries: the last lawful day and the next,
 * thresholds at and just below, extensions granted or not, working days across weekends and holidays.
 * Pure: records are built by hand in their canonical shape, `today` is a Beijing day number.
 */
import { addMonthsToDay, dateOfDay, dayOfDate } from '../domain/calendar';
import {
  changeParameters,
  evaluatePerson,
  type Finding,
  renderFinding,
  type PersonRecords,
  RULE_IDS,
  ruleById,
  type RuleParameters,
  type RuleRecord,
} from '../domain/rules';

type Det = RuleRecord<'DETENTION'>;
type Prison = RuleRecord<'PRISON'>;
type Corr = RuleRecord<'COMMUNITY_CORRECTION'>;
type Enf = RuleRecord<'ENFORCEMENT_CASE'>;

const ID = '500101199003070019';
const D = dayOfDate;
/** A Beijing date-time: `at('2026-03-10')` is 09:00 that day in Beijing. */
const at = (date: string, time = '09:00:00') => new Date(`${date}T${time}+08:00`);
/** `YYYY-MM-DD` plus n calendar days. */
const plus = (date: string, n: number) => dateOfDay(D(date) + n);

let seq = 0;
function common(eventAt: Date) {
  seq += 1;
  return {
    externalId: `EXT-${seq}`,
    idNumber: ID,
    name: '张三',
    region: '500103',
    eventAt,
    updatedAt: eventAt,
    key: `src-${seq}:EXT-${seq}`,
    recordedAt: eventAt,
  };
}

function detention(o: Partial<Det> = {}): Det {
  const start = o.stageStartedAt ?? at('2026-01-10');
  return {
    ...common(o.admittedAt ?? start),
    facility: { code: 'KSS-500103-01', name: '重庆市渝中区看守所' },
    caseNumber: 'A5001032026010001',
    handlingAuthority: '重庆市公安局渝中区分局',
    stage: 'INVESTIGATION',
    caseFlags: [],
    admittedAt: start,
    stageStartedAt: start,
    stageDeadline: null,
    extensions: [],
    releasedAt: null,
    releaseReason: null,
    extractions: [],
    ...o,
  };
}

function prison(o: Partial<Prison> = {}): Prison {
  const admitted = o.admittedAt ?? at('2024-01-15');
  return {
    ...common(admitted),
    prison: { code: 'JY-500-01', name: '重庆市渝州监狱' },
    crime: '盗窃罪',
    sentence: { startDate: '2024-01-01', kind: 'FIXED_TERM', termMonths: 36 },
    pretrialCustodyDays: 0,
    commutations: [],
    parole: null,
    outsideExecution: null,
    admittedAt: admitted,
    expectedReleaseDate: null,
    releasedAt: null,
    status: 'SERVING',
    ...o,
  };
}

function correction(o: Partial<Corr> = {}): Corr {
  const start = o.startDate ?? '2026-01-05';
  return {
    ...common(at(start)),
    office: { code: 'SQJZ-500103', name: '渝中区社区矫正管理局' },
    correctionType: 'PROBATION',
    judgmentEffectiveAt: start,
    reportedAt: at(start),
    startDate: start,
    endDate: '2027-01-04',
    lastCheckInAt: null,
    supervisionLevel: 'NORMAL',
    violations: [],
    terminatedAt: null,
    status: 'ACTIVE',
    ...o,
  };
}

function enforcement(o: Partial<Enf> = {}): Enf {
  const filed = o.filedAt ?? at('2026-02-02');
  return {
    ...common(filed),
    agency: { code: 'SCJG-500103', name: '渝中区市场监督管理局' },
    caseNumber: '渝中市监处〔2026〕12号',
    category: 'COUNTERFEIT',
    violation: '销售伪劣产品',
    company: null,
    amountInvolved: 10_000,
    illegalGain: null,
    filedAt: filed,
    penalty: { kind: '罚款', amount: 20_000, decidedAt: at('2026-02-20') },
    suspectedCrime: false,
    transfer: null,
    closedAt: null,
    status: 'PENALIZED',
    ...o,
  };
}

function person(parts: Partial<Omit<PersonRecords, 'idNumber'>>): PersonRecords {
  return { idNumber: ID, DETENTION: [], PRISON: [], COMMUNITY_CORRECTION: [], ENFORCEMENT_CASE: [], ...parts };
}

/** The findings of one rule on one person, `today` a `YYYY-MM-DD` Beijing date, as read that day (its day counts rendered). */
function run(rule: string, p: PersonRecords, today: string, params: RuleParameters = {}): Finding[] {
  return evaluatePerson(p, { today: D(today) }, params, [rule]).findings.map((f) => ({ ...f, ...renderFinding(f, D(today)) }));
}

/** The rule's defaults with a change applied, checked as an administrator's change would be. */
function params(rule: string, change: Record<string, unknown>): RuleParameters {
  const r = changeParameters(rule, ruleById(rule)!.defaults, change);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return { [rule]: r.parameters };
}

describe('the catalogue', () => {
  it('holds the 17 rules of docs/domain.md, each with defaults its own schema accepts', () => {
    expect(RULE_IDS).toEqual([
      'DET_OVERDUE_STAGE',
      'DET_EXPIRY_WARNING',
      'DET_LONG_NO_VERDICT',
      'DET_EXTRACTION_AFTER_EXPIRY',
      'DET_NOT_DELIVERED',
      'PRISON_NOT_RELEASED',
      'PRISON_COMMUTATION_IRREGULAR',
      'PRISON_PAROLE_IRREGULAR',
      'CORR_NOT_REPORTED',
      'CORR_ABSCONDED',
      'CORR_NOT_TERMINATED',
      'CORR_MISSING_AFTER_PAROLE',
      'CROSS_REOFFENDING',
      'CROSS_CONFLICT',
      'ENF_NOT_TRANSFERRED',
      'ENF_TRANSFER_LATE',
      'DATA_LATE_ENTRY',
    ]);
    for (const id of RULE_IDS) expect(ruleById(id)!.schema.safeParse(ruleById(id)!.defaults).success).toBe(true);
  });

  it('stamps every finding with its rule, the person and a fingerprint prefixed by the rule id', () => {
    const r = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01') });
    const [f] = run('DET_OVERDUE_STAGE', person({ DETENTION: [r] }), '2026-03-05');
    expect(f).toMatchObject({
      rule: 'DET_OVERDUE_STAGE',
      idNumber: ID,
      region: '500103',
      fingerprint: `DET_OVERDUE_STAGE|${r.key}`,
      records: [{ domain: 'DETENTION', key: r.key }],
    });
  });
});

describe('DET_OVERDUE_STAGE', () => {
  const rule = 'DET_OVERDUE_STAGE';
  const one = (r: Det, today: string, p?: RuleParameters) => run(rule, person({ DETENTION: [r] }), today, p);

  it('allows criminal detention on day 3 and flags it on day 4, the first day not counted', () => {
    const r = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01', '23:50:00') });
    expect(one(r, '2026-03-04')).toEqual([]);
    const [f] = one(r, '2026-03-05');
    expect(f.severity).toBe('HIGH');
    expect(f.numbers).toMatchObject({
      stage: 'CRIMINAL_DETENTION',
      daysInStage: 4,
      stageStartedOn: '2026-03-01',
      limit: '3 days',
      deadline: '2026-03-04',
      daysOver: 1,
      extensionMonths: 0,
    });
    expect(f.explanation).toBe('刑事拘留阶段在押 4 天（自 2026-03-01 起），刑事拘留期限 3 日（至 2026-03-04），已超期 1 天');
  });

  it('states the figures in English too', () => {
    const r = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01') });
    expect(one(r, '2026-03-07')[0].explanationEn).toBe(
      '6 days in custody at the criminal detention stage (since 2026-03-01); limit 3 days (until 2026-03-04); 3 days over',
    );
  });

  it('allows 30 days of criminal detention in a roving, serial or gang case and flags day 31', () => {
    const r = detention({ stage: 'CRIMINAL_DETENTION', caseFlags: ['GANG'], stageStartedAt: at('2026-03-01') });
    expect(one(r, '2026-03-31')).toEqual([]);
    const [f] = one(r, '2026-04-01');
    expect(f.numbers).toMatchObject({ limit: '30 days', deadline: '2026-03-31', daysOver: 1, daysInStage: 31 });
    expect(f.explanation).toContain('刑事拘留期限 30 日（至 2026-03-31）');
  });

  it('takes a recorded criminal-detention deadline up to 4 days past the 3 as the limit', () => {
    const r = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01'), stageDeadline: at('2026-03-08', '18:00:00') });
    expect(one(r, '2026-03-05')).toEqual([]);
    expect(one(r, '2026-03-08')).toEqual([]);
    const [f] = one(r, '2026-03-09');
    expect(f.numbers).toMatchObject({ limit: '7 days', deadline: '2026-03-08', daysOver: 1 });
    const oneExtra = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01'), stageDeadline: at('2026-03-05') });
    expect(one(oneExtra, '2026-03-05')).toEqual([]);
    expect(one(oneExtra, '2026-03-06')[0].numbers).toMatchObject({ limit: '4 days', daysOver: 1 });
  });

  it('ignores a recorded criminal-detention deadline more than 4 days past the 3', () => {
    const r = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01'), stageDeadline: at('2026-03-09') });
    expect(one(r, '2026-03-04')).toEqual([]);
    expect(one(r, '2026-03-05')[0].numbers).toMatchObject({ limit: '3 days', deadline: '2026-03-04', daysOver: 1 });
  });

  it('ignores a recorded deadline in a gang case, whose limit is the 30 days', () => {
    const r = detention({
      stage: 'CRIMINAL_DETENTION',
      caseFlags: ['ROVING'],
      stageStartedAt: at('2026-03-01'),
      stageDeadline: at('2026-03-05'),
    });
    expect(one(r, '2026-03-31')).toEqual([]);
    expect(one(r, '2026-04-01')).toHaveLength(1);
  });

  it('allows 7 days of arrest review and flags day 8', () => {
    const r = detention({ stage: 'ARREST_REVIEW', admittedAt: at('2026-03-01'), stageStartedAt: at('2026-03-05') });
    expect(one(r, '2026-03-12')).toEqual([]);
    const [f] = one(r, '2026-03-13');
    expect(f.numbers).toMatchObject({ limit: '7 days', deadline: '2026-03-12', daysOver: 1, daysInStage: 8 });
    expect(f.explanation).toContain('审查逮捕阶段在押 8 天');
  });

  it('ends 2 months of investigation custody begun on 12-31 on the last day of February', () => {
    const r = detention({ stageStartedAt: at('2025-12-31') });
    expect(one(r, '2026-02-28')).toEqual([]);
    const [f] = one(r, '2026-03-01');
    expect(f.numbers).toMatchObject({ limit: '2 months', deadline: '2026-02-28', daysOver: 1, daysInStage: 60 });
    expect(f.explanation).toBe('侦查羁押阶段在押 60 天（自 2025-12-31 起），侦查羁押期限 2 个月（至 2026-02-28），已超期 1 天');
  });

  it('ends 2 months of investigation custody begun on 12-31 on 02-29 in a leap year', () => {
    const r = detention({ stageStartedAt: at('2027-12-31') });
    expect(one(r, '2028-02-29')).toEqual([]);
    expect(one(r, '2028-03-01')[0].numbers).toMatchObject({ deadline: '2028-02-29', daysOver: 1 });
  });

  it('flags investigation custody on the day after 2 months', () => {
    const r = detention({ stageStartedAt: at('2026-01-10') });
    expect(one(r, '2026-03-10')).toEqual([]);
    expect(one(r, '2026-03-11')[0].numbers).toMatchObject({ deadline: '2026-03-10', daysOver: 1 });
  });

  it('counts a 1-month extension granted during the investigation stage', () => {
    const r = detention({
      stageStartedAt: at('2026-01-10'),
      extensions: [{ grantedAt: at('2026-03-05'), months: 1, approvedBy: '重庆市人民检察院第一分院' }],
    });
    expect(one(r, '2026-03-11')).toEqual([]);
    expect(one(r, '2026-04-10')).toEqual([]);
    const [f] = one(r, '2026-04-11');
    expect(f.numbers).toMatchObject({ limit: '3 months', deadline: '2026-04-10', daysOver: 1, extensionMonths: 1 });
    expect(f.explanation).toContain('侦查羁押期限 3 个月（至 2026-04-10）');
  });

  it('does not count an extension granted before the investigation stage began', () => {
    const r = detention({
      admittedAt: at('2026-01-02'),
      stageStartedAt: at('2026-01-10'),
      extensions: [{ grantedAt: at('2026-01-09'), months: 1, approvedBy: '重庆市人民检察院第一分院' }],
    });
    expect(one(r, '2026-03-11')[0].numbers).toMatchObject({ limit: '2 months', deadline: '2026-03-10', extensionMonths: 0 });
  });

  it('counts at most 5 months of investigation extensions', () => {
    const ext = (date: string, months: number) => ({ grantedAt: at(date), months, approvedBy: '重庆市人民检察院' });
    const r = detention({
      stageStartedAt: at('2026-01-10'),
      extensions: [ext('2026-03-01', 1), ext('2026-04-01', 2), ext('2026-06-01', 2), ext('2026-08-01', 2)],
    });
    expect(one(r, '2026-08-10')).toEqual([]);
    const [f] = one(r, '2026-08-11');
    expect(f.numbers).toMatchObject({ limit: '7 months', deadline: '2026-08-10', extensionMonths: 5 });
  });

  it('allows prosecution review 1 month 15 days and flags the day after', () => {
    const r = detention({ stage: 'PROSECUTION_REVIEW', admittedAt: at('2026-01-02'), stageStartedAt: at('2026-03-10') });
    expect(one(r, '2026-04-25')).toEqual([]);
    const [f] = one(r, '2026-04-26');
    expect(f.numbers).toMatchObject({ limit: '1 month 15 days', deadline: '2026-04-25', daysOver: 1, daysInStage: 47 });
    expect(f.explanation).toBe('审查起诉阶段在押 47 天（自 2026-03-10 起），审查起诉期限 1 个月零 15 日（至 2026-04-25），已超期 1 天');
    expect(f.explanationEn).toContain('limit 1 month 15 days (until 2026-04-25)');
  });

  it('adds the 15 days of prosecution review after the month, clamped at the month end', () => {
    const r = detention({ stage: 'PROSECUTION_REVIEW', admittedAt: at('2026-01-02'), stageStartedAt: at('2026-01-31') });
    expect(one(r, '2026-03-15')).toEqual([]);
    expect(one(r, '2026-03-16')[0].numbers).toMatchObject({ deadline: '2026-03-15' });
  });

  it('allows first instance 3 months, extended by a recorded extension up to 3 more', () => {
    const plain = detention({ stage: 'FIRST_INSTANCE', admittedAt: at('2025-10-02'), stageStartedAt: at('2026-01-15') });
    expect(one(plain, '2026-04-15')).toEqual([]);
    expect(one(plain, '2026-04-16')[0].numbers).toMatchObject({ limit: '3 months', deadline: '2026-04-15' });
    const extended = { ...plain, extensions: [{ grantedAt: at('2026-04-10'), months: 1, approvedBy: '重庆市高级人民法院' }] };
    expect(one(extended, '2026-05-15')).toEqual([]);
    expect(one(extended, '2026-05-16')[0].numbers).toMatchObject({ limit: '4 months', deadline: '2026-05-15', extensionMonths: 1 });
    const tooMuch = { ...plain, extensions: [{ grantedAt: at('2026-04-10'), months: 4, approvedBy: '重庆市高级人民法院' }] };
    expect(one(tooMuch, '2026-07-15')).toEqual([]);
    expect(one(tooMuch, '2026-07-16')[0].numbers).toMatchObject({ limit: '6 months', extensionMonths: 3 });
  });

  it('allows second instance 2 months', () => {
    const r = detention({ stage: 'SECOND_INSTANCE', admittedAt: at('2025-06-02'), stageStartedAt: at('2026-01-15') });
    expect(one(r, '2026-03-15')).toEqual([]);
    expect(one(r, '2026-03-16')[0].numbers).toMatchObject({ limit: '2 months', deadline: '2026-03-15' });
  });

  it('never flags a person already released', () => {
    const r = detention({
      stage: 'CRIMINAL_DETENTION',
      stageStartedAt: at('2026-03-01'),
      releasedAt: at('2026-03-20'),
      releaseReason: '取保候审',
    });
    expect(one(r, '2026-03-05')).toEqual([]);
    expect(one(r, '2027-03-05')).toEqual([]);
  });

  it('never flags the stages after judgment', () => {
    for (const stage of ['AWAITING_TRANSFER', 'SERVING_IN_CENTRE'] as const) {
      expect(one(detention({ stage, stageStartedAt: at('2020-01-10') }), '2026-03-10')).toEqual([]);
    }
  });

  it('moves the deadline one day earlier when the first day is counted', () => {
    const p = params(rule, { countFirstDay: true });
    const r = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01') });
    expect(one(r, '2026-03-03', p)).toEqual([]);
    expect(one(r, '2026-03-04', p)[0].numbers).toMatchObject({ deadline: '2026-03-03', daysInStage: 4, daysOver: 1 });
    const inv = detention({ stageStartedAt: at('2025-12-31') });
    expect(one(inv, '2026-02-27', p)).toEqual([]);
    expect(one(inv, '2026-02-28', p)[0].numbers).toMatchObject({ deadline: '2026-02-27', daysOver: 1 });
  });

  it('counts a recorded criminal-detention deadline as a length when the first day is counted (current behaviour)', () => {
    // The department recorded 03-08; with countFirstDay the limit becomes 7 days counted from 03-01,
    // i.e. 03-07: custody on the recorded last day is flagged. Documented, not endorsed.
    const p = params(rule, { countFirstDay: true });
    const r = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01'), stageDeadline: at('2026-03-08') });
    expect(one(r, '2026-03-07', p)).toEqual([]);
    expect(one(r, '2026-03-08', p)[0].numbers).toMatchObject({ limit: '7 days', deadline: '2026-03-07', daysOver: 1 });
  });

  it('is HIGH up to 30 days over and CRITICAL from the 31st', () => {
    const r = detention({ stageStartedAt: at('2026-01-10') });
    expect(one(r, '2026-04-09')[0]).toMatchObject({ severity: 'HIGH', numbers: { daysOver: 30 } });
    expect(one(r, '2026-04-10')[0]).toMatchObject({ severity: 'CRITICAL', numbers: { daysOver: 31 } });
  });
});

describe('DET_EXPIRY_WARNING', () => {
  const rule = 'DET_EXPIRY_WARNING';
  const one = (r: Det, today: string) => run(rule, person({ DETENTION: [r] }), today);

  it('warns 7 days before investigation custody ends and not 8', () => {
    const r = detention({ stageStartedAt: at('2026-01-10') });
    expect(one(r, '2026-03-02')).toEqual([]);
    const [f] = one(r, '2026-03-03');
    expect(f.severity).toBe('LOW');
    expect(f.numbers).toMatchObject({ stage: 'INVESTIGATION', deadline: '2026-03-10', daysLeft: 7, limit: '2 months' });
    expect(f.explanation).toBe('侦查羁押期限 2 个月 将于 2026-03-10 届满，尚余 7 天');
    expect(f.explanationEn).toBe('the investigation limit of 2 months ends on 2026-03-10, 7 days left');
  });

  it('warns on the deadline day itself and stops the day after, when the custody is overdue instead', () => {
    const r = detention({ stageStartedAt: at('2026-01-10') });
    expect(one(r, '2026-03-10')[0].numbers).toMatchObject({ daysLeft: 0 });
    expect(one(r, '2026-03-11')).toEqual([]);
    expect(run('DET_OVERDUE_STAGE', person({ DETENTION: [r] }), '2026-03-11')).toHaveLength(1);
  });

  it('warns before the extended deadline, not the original one, once an extension is recorded', () => {
    const r = detention({
      stageStartedAt: at('2026-01-10'),
      extensions: [{ grantedAt: at('2026-02-20'), months: 1, approvedBy: '重庆市人民检察院' }],
    });
    expect(one(r, '2026-03-05')).toEqual([]);
    expect(one(r, '2026-04-02')).toEqual([]);
    expect(one(r, '2026-04-03')[0].numbers).toMatchObject({ deadline: '2026-04-10', daysLeft: 7, limit: '3 months' });
  });

  it('warns 3 days before a 30-day criminal detention ends and not 4', () => {
    const r = detention({ stage: 'CRIMINAL_DETENTION', caseFlags: ['SERIAL'], stageStartedAt: at('2026-03-01') });
    expect(one(r, '2026-03-27')).toEqual([]);
    expect(one(r, '2026-03-28')[0].numbers).toMatchObject({ stage: 'CRIMINAL_DETENTION', deadline: '2026-03-31', daysLeft: 3 });
    expect(one(r, '2026-03-31')[0].numbers).toMatchObject({ daysLeft: 0 });
    expect(one(r, '2026-04-01')).toEqual([]);
  });

  it('never warns about a plain 3-day criminal detention, nor other stages', () => {
    const r = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01') });
    for (let d = 0; d <= 5; d++) expect(one(r, plus('2026-03-01', d))).toEqual([]);
    const review = detention({ stage: 'PROSECUTION_REVIEW', stageStartedAt: at('2026-03-10') });
    expect(one(review, '2026-04-24')).toEqual([]);
  });

  it('never warns about a person already released', () => {
    const r = detention({ stageStartedAt: at('2026-01-10'), releasedAt: at('2026-03-08') });
    expect(one(r, '2026-03-05')).toEqual([]);
  });
});

describe('DET_LONG_NO_VERDICT', () => {
  const rule = 'DET_LONG_NO_VERDICT';
  const one = (r: Det, today: string) => run(rule, person({ DETENTION: [r] }), today);
  const longCase = (o: Partial<Det> = {}) =>
    detention({ stage: 'FIRST_INSTANCE', admittedAt: at('2021-03-10'), stageStartedAt: at('2025-12-01'), ...o });

  it('allows exactly 5 years in custody and flags 5 years and 1 day', () => {
    const r = longCase();
    expect(one(r, '2026-03-10')).toEqual([]);
    const [f] = one(r, '2026-03-11');
    expect(f.severity).toBe('HIGH');
    expect(f.numbers).toEqual({
      admittedOn: '2021-03-10',
      daysInCustody: 1827,
      yearsInCustody: '5.0',
      stage: 'FIRST_INSTANCE',
      limitYears: 5,
    });
    expect(f.explanation).toBe('自 2021-03-10 入所羁押 1827 天（约 5.0 年），案件仍处于一审阶段，超过 5 年未决');
    expect(f.explanationEn).toBe(
      '1827 days in custody since 2021-03-10 (about 5.0 years), the case still at first instance: over 5 years without a final verdict',
    );
  });

  it('counts 5 years from 02-29 to 02-28', () => {
    const r = longCase({ admittedAt: at('2020-02-29'), stageStartedAt: at('2024-01-01') });
    expect(one(r, '2025-02-28')).toEqual([]);
    expect(one(r, '2025-03-01')).toHaveLength(1);
  });

  it('is CRITICAL after 8 years and HIGH on the day 8 years are reached', () => {
    const r = longCase();
    expect(one(r, '2029-03-10')[0].severity).toBe('HIGH');
    expect(one(r, '2029-03-11')[0].severity).toBe('CRITICAL');
  });

  it('does not count custody awaiting transfer or serving in the centre, which follow the final judgment', () => {
    expect(one(longCase({ stage: 'AWAITING_TRANSFER' }), '2027-03-10')).toEqual([]);
    expect(one(longCase({ stage: 'SERVING_IN_CENTRE' }), '2027-03-10')).toEqual([]);
  });

  it('does not flag a released person', () => {
    expect(one(longCase({ releasedAt: at('2026-01-01') }), '2027-03-10')).toEqual([]);
  });
});

describe('DET_EXTRACTION_AFTER_EXPIRY', () => {
  const rule = 'DET_EXTRACTION_AFTER_EXPIRY';
  const one = (r: Det) => run(rule, person({ DETENTION: [r] }), '2026-06-01');
  const extraction = (when: Date) => ({
    at: when,
    returnedAt: new Date(when.getTime() + 3_600_000),
    purpose: '提讯',
    warrantNumber: 'TX-2026-0311',
    by: '渝中区公安分局',
  });

  it('allows an extraction on the deadline day, late in the evening', () => {
    const r = detention({ stageStartedAt: at('2026-01-10'), extractions: [extraction(at('2026-03-10', '23:30:00'))] });
    expect(one(r)).toEqual([]);
  });

  it('flags an extraction on the day after the deadline', () => {
    const r = detention({
      stageStartedAt: at('2026-01-10'),
      extractions: [extraction(at('2026-02-01')), extraction(at('2026-03-11', '08:00:00')), extraction(at('2026-03-13'))],
    });
    const [f] = one(r);
    expect(f.severity).toBe('HIGH');
    expect(f.numbers).toEqual({ deadline: '2026-03-10', extractions: 2, firstOn: '2026-03-11', daysAfterDeadline: 1 });
    expect(f.explanation).toBe('侦查羁押期限于 2026-03-10 届满，其后仍有 2 次提讯提解（首次 2026-03-11，超过 1 天），无延长记录');
    expect(f.explanationEn).toContain('2 extraction(s) after it (first on 2026-03-11, 1 days after)');
  });

  it('allows the extraction when a recorded extension covers it', () => {
    const r = detention({
      stageStartedAt: at('2026-01-10'),
      extractions: [extraction(at('2026-03-11'))],
      extensions: [{ grantedAt: at('2026-03-05'), months: 1, approvedBy: '重庆市人民检察院' }],
    });
    expect(one(r)).toEqual([]);
  });

  it('allows an extraction within a recorded criminal-detention deadline and flags one after it', () => {
    const base = { stage: 'CRIMINAL_DETENTION' as const, stageStartedAt: at('2026-03-01'), stageDeadline: at('2026-03-06') };
    expect(one(detention({ ...base, extractions: [extraction(at('2026-03-06'))] }))).toEqual([]);
    expect(one(detention({ ...base, extractions: [extraction(at('2026-03-07'))] }))).toHaveLength(1);
  });

  it('ignores extractions before the current stage began', () => {
    const r = detention({
      stage: 'PROSECUTION_REVIEW',
      admittedAt: at('2025-12-01'),
      stageStartedAt: at('2026-03-10'),
      extractions: [extraction(at('2026-03-09'))],
    });
    expect(one(r)).toEqual([]);
  });
});

describe('DET_NOT_DELIVERED', () => {
  const rule = 'DET_NOT_DELIVERED';
  const awaiting = () => detention({ stage: 'AWAITING_TRANSFER', admittedAt: at('2025-06-01'), stageStartedAt: at('2026-03-10') });

  it('allows exactly 1 month awaiting transfer and flags the day after', () => {
    const r = awaiting();
    expect(run(rule, person({ DETENTION: [r] }), '2026-04-10')).toEqual([]);
    const [f] = run(rule, person({ DETENTION: [r] }), '2026-04-11');
    expect(f.severity).toBe('MEDIUM');
    expect(f.numbers).toEqual({ awaitingSince: '2026-03-10', daysWaiting: 32, limitMonths: 1, deadline: '2026-04-10', lawfulDays: 31 });
    expect(f.explanation).toBe('判决生效后待交付执行 32 天（自 2026-03-10 起），超过 1 个月仍未送监');
    expect(f.explanationEn).toBe('awaiting transfer to prison for 32 days (since 2026-03-10), more than 1 month(s)');
  });

  it('is suppressed by a prison record admitting the person since', () => {
    const r = awaiting();
    const p = person({ DETENTION: [r], PRISON: [prison({ admittedAt: at('2026-04-20') })] });
    expect(run(rule, p, '2026-05-01')).toEqual([]);
  });

  it('is not suppressed by a prison record from an earlier sentence', () => {
    const p = person({
      DETENTION: [awaiting()],
      PRISON: [prison({ admittedAt: at('2019-04-20'), status: 'RELEASED', releasedAt: at('2021-04-20') })],
    });
    expect(run(rule, p, '2026-05-01')).toHaveLength(1);
  });

  it('only looks at the awaiting-transfer stage', () => {
    const r = detention({ stage: 'SERVING_IN_CENTRE', stageStartedAt: at('2025-03-10') });
    expect(run(rule, person({ DETENTION: [r] }), '2026-05-01')).toEqual([]);
  });
});

describe('PRISON_NOT_RELEASED', () => {
  const rule = 'PRISON_NOT_RELEASED';
  // 2024-01-01 + (36 − 6) months = 2026-07-01, minus 100 days of pre-trial custody = 2026-03-23
  const serving = (o: Partial<Prison> = {}) =>
    prison({
      sentence: { startDate: '2024-01-01', kind: 'FIXED_TERM', termMonths: 36 },
      pretrialCustodyDays: 100,
      commutations: [{ decidedAt: '2025-06-01', months: 6 }],
      ...o,
    });

  // docs/domain.md's formula taken literally: a 36-month term from 2024-01-01 ends on 2027-01-01 (a court
  // would write "至 2026-12-31 止"), and the person is flagged from the day after that end.
  it('computes the end as start + term − pre-trial custody − commutations and allows release on that day', () => {
    expect(run(rule, person({ PRISON: [serving()] }), '2026-03-23')).toEqual([]);
  });

  it('flags a person still serving the day after the computed end', () => {
    const [f] = run(rule, person({ PRISON: [serving()] }), '2026-03-24');
    expect(f.severity).toBe('CRITICAL');
    expect(f.numbers).toEqual({ sentenceEnd: '2026-03-23', daysPastEnd: 1, termMonths: 36, pretrialCustodyDays: 100, commutedMonths: 6 });
    expect(f.explanation).toBe('原判 36 个月，折抵羁押 100 天，减刑 6 个月，应于 2026-03-23 刑满释放，已超过 1 天仍在服刑');
    expect(f.explanationEn).toBe(
      'sentence of 36 months, 100 days of pre-trial custody credited, 6 months commuted: due for release on 2026-03-23, still serving 1 days later',
    );
  });

  it('never flags a released person, nor a life sentence', () => {
    expect(run(rule, person({ PRISON: [serving({ status: 'RELEASED', releasedAt: at('2026-03-23') })] }), '2026-06-01')).toEqual([]);
    expect(
      run(rule, person({ PRISON: [serving({ sentence: { startDate: '2000-01-01', kind: 'LIFE', termMonths: null } })] }), '2026-06-01'),
    ).toEqual([]);
    expect(
      run(rule, person({ PRISON: [serving({ sentence: { startDate: '2000-01-01', kind: 'DEATH_REPRIEVE' } })] }), '2026-06-01'),
    ).toEqual([]);
  });
});

describe('PRISON_COMMUTATION_IRREGULAR', () => {
  const rule = 'PRISON_COMMUTATION_IRREGULAR';
  const withCommutations = (termMonths: number, commutations: { decidedAt: string; months: number }[], pretrialCustodyDays = 30) =>
    person({
      PRISON: [prison({ sentence: { startDate: '2020-01-01', kind: 'FIXED_TERM', termMonths }, pretrialCustodyDays, commutations })],
    });

  it.each([
    [59, 12, '2020-12-02'],
    [60, 18, '2021-06-01'],
    [119, 18, '2021-06-01'],
    [120, 24, '2021-12-02'],
  ])(
    'allows a first commutation of a %i-month term after exactly %i months served, pre-trial custody counted, and flags one a day earlier',
    (term, months, earliest) => {
      // earliest = 2020-01-01 + months − 30 days of pre-trial custody
      expect(earliest).toBe(dateOfDay(addMonthsToDay(D('2020-01-01'), months) - 30));
      expect(run(rule, withCommutations(term, [{ decidedAt: earliest, months: 1 }]), '2026-06-01')).toEqual([]);
      const early = plus(earliest, -1);
      const [f] = run(rule, withCommutations(term, [{ decidedAt: early, months: 1 }]), '2026-06-01');
      const served = D(early) - D('2020-01-01') + 30;
      expect(f.numbers).toEqual({ termMonths: term, firstCommutation: early, servedDaysAtFirst: served });
      expect(f.explanation).toBe(`原判 ${term} 个月：首次减刑（${early}）时已执行 ${served} 天，不足 ${months} 个月`);
      expect(f.explanationEn).toBe(
        `sentence of ${term} months: first commutation (${early}) after ${served} days served, under ${months} months`,
      );
    },
  );

  it('allows a gap of exactly 1 year between commutations of a term under 10 years and flags 1 year less a day', () => {
    expect(
      run(
        rule,
        withCommutations(60, [
          { decidedAt: '2021-06-01', months: 3 },
          { decidedAt: '2022-06-01', months: 3 },
        ]),
        '2026-06-01',
      ),
    ).toEqual([]);
    const [f] = run(
      rule,
      withCommutations(60, [
        { decidedAt: '2021-06-01', months: 3 },
        { decidedAt: '2022-05-31', months: 3 },
      ]),
      '2026-06-01',
    );
    expect(f.numbers).toEqual({ termMonths: 60, shortGapDays: 364 });
    expect(f.explanation).toBe('原判 60 个月：2021-06-01 与 2022-05-31 两次减刑间隔 364 天，不足 12 个月');
  });

  it('asks 1.5 years between commutations of a term of 10 years or more', () => {
    expect(
      run(
        rule,
        withCommutations(120, [
          { decidedAt: '2022-01-01', months: 6 },
          { decidedAt: '2023-07-01', months: 6 },
        ]),
        '2026-06-01',
      ),
    ).toEqual([]);
    const [f] = run(
      rule,
      withCommutations(120, [
        { decidedAt: '2022-01-01', months: 6 },
        { decidedAt: '2023-06-30', months: 6 },
      ]),
      '2026-06-01',
    );
    expect(f.numbers).toMatchObject({ shortGapDays: 545 });
    expect(f.explanationEn).toContain('only 545 days apart, under 18 months');
    // a 119-month term needs only the year
    expect(
      run(
        rule,
        withCommutations(119, [
          { decidedAt: '2022-01-01', months: 6 },
          { decidedAt: '2023-01-01', months: 6 },
        ]),
        '2026-06-01',
      ),
    ).toEqual([]);
  });

  it('checks the gap in date order whatever the order recorded', () => {
    const [f] = run(
      rule,
      withCommutations(60, [
        { decidedAt: '2022-05-31', months: 3 },
        { decidedAt: '2021-06-01', months: 3 },
      ]),
      '2026-06-01',
    );
    expect(f.numbers).toEqual({ termMonths: 60, shortGapDays: 364 });
  });

  it('allows commutations of exactly half the term and flags half plus 1 month', () => {
    const three = (last: number) => [
      { decidedAt: '2021-06-01', months: 10 },
      { decidedAt: '2022-06-01', months: 10 },
      { decidedAt: '2023-06-01', months: last },
    ];
    expect(run(rule, withCommutations(60, three(10)), '2026-06-01')).toEqual([]);
    const [f] = run(rule, withCommutations(60, three(11)), '2026-06-01');
    expect(f.numbers).toEqual({ termMonths: 60, commutedMonths: 31 });
    expect(f.explanation).toBe('原判 60 个月：累计减刑 31 个月，实际执行刑期 29 个月，少于原判 60 个月的 50%');
    expect(f.explanationEn).toBe(
      'sentence of 60 months: 31 months commuted in all, leaving 29 of 60 months, under 50% of the original term',
    );
  });

  it('lists every problem of one record in one finding', () => {
    const [f] = run(
      rule,
      withCommutations(24, [
        { decidedAt: '2020-06-01', months: 10 },
        { decidedAt: '2020-12-01', months: 10 },
      ]),
      '2026-06-01',
    );
    expect(Object.keys(f.numbers).sort()).toEqual([
      'commutedMonths',
      'firstCommutation',
      'servedDaysAtFirst',
      'shortGapDays',
      'termMonths',
    ]);
    expect(f.explanation.split('；')).toHaveLength(3);
  });

  it('ignores life sentences and records without commutations', () => {
    expect(run(rule, withCommutations(60, []), '2026-06-01')).toEqual([]);
    const life = prison({
      sentence: { startDate: '2020-01-01', kind: 'LIFE', termMonths: null },
      commutations: [{ decidedAt: '2020-02-01', months: 12 }],
    });
    expect(run(rule, person({ PRISON: [life] }), '2026-06-01')).toEqual([]);
  });
});

describe('PRISON_PAROLE_IRREGULAR', () => {
  const rule = 'PRISON_PAROLE_IRREGULAR';
  const paroled = (startDate: string, decidedAt: string, pretrialCustodyDays = 0, termMonths: number | null = 24) =>
    person({
      PRISON: [
        prison({
          sentence: { startDate, kind: termMonths == null ? 'LIFE' : 'FIXED_TERM', termMonths },
          pretrialCustodyDays,
          parole: { decidedAt, probationEnd: '2030-01-01' },
          status: 'PAROLED',
        }),
      ],
    });

  it('allows parole after exactly half the term and flags one day less', () => {
    // 2021-01-01 + 24 months is 730 days; half is 365
    expect(run(rule, paroled('2021-01-01', '2022-01-01'), '2026-06-01')).toEqual([]);
    const [f] = run(rule, paroled('2021-01-01', '2021-12-31'), '2026-06-01');
    expect(f.severity).toBe('HIGH');
    expect(f.numbers).toEqual({ paroledOn: '2021-12-31', servedDays: 364, requiredDays: 365, servedYears: '1.0' });
    expect(f.explanation).toBe('2021-12-31 假释时实际执行 364 天，不足原判 24 个月的 50%（365 天）');
    expect(f.explanationEn).toBe('paroled on 2021-12-31 after 364 days served, under 50% of 24 months (365 days)');
  });

  it('rounds half of an odd number of days up', () => {
    // 2020-01-01 + 24 months is 731 days (leap year); half rounds up to 366
    expect(run(rule, paroled('2020-01-01', '2021-01-01'), '2026-06-01')).toEqual([]);
    expect(run(rule, paroled('2020-01-01', '2020-12-31'), '2026-06-01')[0].numbers).toMatchObject({ servedDays: 365, requiredDays: 366 });
  });

  it('counts pre-trial custody as served', () => {
    expect(run(rule, paroled('2021-01-01', '2021-10-28', 65), '2026-06-01')).toEqual([]);
    expect(run(rule, paroled('2021-01-01', '2021-10-27', 65), '2026-06-01')[0].numbers).toMatchObject({ servedDays: 364 });
  });

  it('asks 13 years served of a life sentence', () => {
    expect(run(rule, paroled('2010-01-01', '2023-01-01', 0, null), '2026-06-01')).toEqual([]);
    const [f] = run(rule, paroled('2010-01-01', '2022-12-31', 0, null), '2026-06-01');
    expect(f.numbers).toMatchObject({ servedDays: 4747, requiredDays: 4748 });
    expect(f.explanation).toContain('不足无期徒刑 13 年');
    expect(f.explanationEn).toContain('under 13 years for a life sentence');
  });
});

describe('CORR_NOT_REPORTED', () => {
  const rule = 'CORR_NOT_REPORTED';

  it('allows a report on day 10 after the judgment took effect and flags day 11', () => {
    const ok = correction({ judgmentEffectiveAt: '2026-03-01', startDate: '2026-03-01', reportedAt: at('2026-03-11', '17:00:00') });
    expect(run(rule, person({ COMMUNITY_CORRECTION: [ok] }), '2026-06-01')).toEqual([]);
    const late = correction({ judgmentEffectiveAt: '2026-03-01', startDate: '2026-03-01', reportedAt: at('2026-03-12') });
    const [f] = run(rule, person({ COMMUNITY_CORRECTION: [late] }), '2026-06-01');
    expect(f.severity).toBe('HIGH');
    expect(f.numbers).toEqual({ since: '2026-03-01', due: '2026-03-11', reportedOn: '2026-03-12', days: 11 });
    expect(f.explanation).toBe('2026-03-01 判决裁定生效，2026-03-12 才报到，相隔 11 天，超过 10 日');
    expect(f.explanationEn).toBe('the judgment took effect on 2026-03-01; reported on 2026-03-12, 11 days later, over 10 days');
  });

  it('flags a subject who never reported only after day 10', () => {
    const c = correction({ judgmentEffectiveAt: '2026-03-01', startDate: '2026-03-01', reportedAt: null });
    expect(run(rule, person({ COMMUNITY_CORRECTION: [c] }), '2026-03-11')).toEqual([]);
    const [f] = run(rule, person({ COMMUNITY_CORRECTION: [c] }), '2026-03-12');
    expect(f.numbers).toEqual({ since: '2026-03-01', from: 'judgment', due: '2026-03-11', reportedOn: 'none', days: 11 });
    expect(f.explanation).toBe('2026-03-01 判决裁定生效，至今 11 天未报到（应于 2026-03-11 前报到）');
    expect(f.explanationEn).toBe('the judgment took effect on 2026-03-01; not reported 11 days later (due by 2026-03-11)');
  });

  it('counts a parole correction from the release date of the prison record', () => {
    const pr = prison({
      status: 'PAROLED',
      parole: { decidedAt: '2026-03-01', probationEnd: '2027-03-01' },
      releasedAt: at('2026-03-05', '10:00:00'),
    });
    const corr = (reportedAt: Date) =>
      correction({ correctionType: 'PAROLE', judgmentEffectiveAt: '2026-03-01', startDate: '2026-03-05', reportedAt });
    expect(run(rule, person({ PRISON: [pr], COMMUNITY_CORRECTION: [corr(at('2026-03-15'))] }), '2026-06-01')).toEqual([]);
    const c = corr(at('2026-03-16'));
    const [f] = run(rule, person({ PRISON: [pr], COMMUNITY_CORRECTION: [c] }), '2026-06-01');
    expect(f.records).toEqual([
      { domain: 'COMMUNITY_CORRECTION', key: c.key },
      { domain: 'PRISON', key: pr.key },
    ]);
    expect(f.numbers).toEqual({ since: '2026-03-05', due: '2026-03-15', reportedOn: '2026-03-16', days: 11 });
    expect(f.explanation).toBe('2026-03-05 出监，2026-03-16 才报到，相隔 11 天，超过 10 日');
    expect(f.explanationEn).toContain('release from prison on 2026-03-05');
  });

  it('counts a probation from the judgment even when the person has a paroled prison record', () => {
    const pr = prison({ status: 'PAROLED', parole: { decidedAt: '2026-03-01', probationEnd: '2027-03-01' }, releasedAt: at('2026-03-05') });
    const c = correction({ judgmentEffectiveAt: '2026-03-01', startDate: '2026-03-01', reportedAt: at('2026-03-12') });
    expect(run(rule, person({ PRISON: [pr], COMMUNITY_CORRECTION: [c] }), '2026-06-01')[0].numbers).toMatchObject({
      since: '2026-03-01',
      days: 11,
    });
  });
});

describe('CORR_ABSCONDED', () => {
  const rule = 'CORR_ABSCONDED';
  const active = (o: Partial<Corr> = {}) => correction({ startDate: '2026-01-05', lastCheckInAt: at('2026-03-01', '16:00:00'), ...o });
  const one = (c: Corr, today: string, p?: RuleParameters) => run(rule, person({ COMMUNITY_CORRECTION: [c] }), today, p);

  it('allows 30 days without a check-in and flags 31 as LOW', () => {
    expect(one(active(), '2026-03-31')).toEqual([]);
    const [f] = one(active(), '2026-04-01');
    expect(f.severity).toBe('LOW');
    expect(f.numbers).toEqual({ status: 'ACTIVE', lastCheckIn: '2026-03-01', daysWithoutCheckIn: 31, limitDays: 30 });
    expect(f.explanation).toBe('最后一次报到 2026-03-01，已 31 天未报到（期限 30 日）');
    expect(f.explanationEn).toBe('last check-in on 2026-03-01, 31 days without one (limit 30 days)');
  });

  it('expects a warning from 41 days (more than 10 past the limit) and not at 40', () => {
    expect(one(active(), '2026-04-10')[0].severity).toBe('LOW');
    const [f] = one(active(), '2026-04-11');
    expect(f.severity).toBe('MEDIUM');
    expect(f.explanation).toBe('最后一次报到 2026-03-01，已 41 天未报到（期限 30 日），应予警告');
    expect(f.explanationEn).toContain('; a warning is expected');
  });

  it('expects a revocation proposal from 61 days (more than 30 past the limit) and not at 60', () => {
    expect(one(active(), '2026-04-30')[0].severity).toBe('MEDIUM');
    const [f] = one(active(), '2026-05-01');
    expect(f.severity).toBe('HIGH');
    expect(f.numbers).toMatchObject({ daysWithoutCheckIn: 61 });
    expect(f.explanation).toContain('，应提请撤销或收监执行');
    expect(f.explanationEn).toContain('; a revocation proposal is expected');
  });

  it('is always HIGH for a subject recorded as absconded, even one seen yesterday', () => {
    const [f] = one(active({ status: 'ABSCONDED', lastCheckInAt: at('2026-03-09') }), '2026-03-10');
    expect(f.severity).toBe('HIGH');
    expect(f.explanation).toBe('已登记为脱管，最后一次报到 2026-03-09，已 1 天未报到（期限 30 日），应提请撤销或收监执行');
    expect(f.explanationEn.startsWith('recorded as absconded; ')).toBe(true);
  });

  it('takes the check-in limit by supervision level', () => {
    const p = params(rule, { checkInDaysStrict: 14 });
    const strict = active({ supervisionLevel: 'STRICT' });
    expect(one(strict, '2026-03-15', p)).toEqual([]);
    expect(one(strict, '2026-03-16', p)[0].numbers).toMatchObject({ daysWithoutCheckIn: 15, limitDays: 14 });
    expect(one(active({ supervisionLevel: 'NORMAL' }), '2026-03-16', p)).toEqual([]);
    const lenient = params(rule, { checkInDaysLenient: 45 });
    expect(one(active({ supervisionLevel: 'LENIENT' }), '2026-04-15', lenient)).toEqual([]);
    expect(one(active({ supervisionLevel: 'LENIENT' }), '2026-04-16', lenient)[0].numbers).toMatchObject({
      daysWithoutCheckIn: 46,
      limitDays: 45,
    });
  });

  it('counts from the report, or the start, when no check-in is recorded', () => {
    const reported = active({ lastCheckInAt: null, reportedAt: at('2026-01-10') });
    expect(one(reported, '2026-02-09')).toEqual([]);
    expect(one(reported, '2026-02-10')[0].numbers).toMatchObject({ lastCheckIn: '2026-01-10' });
    const never = active({ lastCheckInAt: null, reportedAt: null, startDate: '2026-01-05' });
    expect(one(never, '2026-02-04')).toEqual([]);
    expect(one(never, '2026-02-05')[0].numbers).toMatchObject({ lastCheckIn: '2026-01-05', daysWithoutCheckIn: 31 });
  });

  it('ignores corrections that are terminated or revoked', () => {
    expect(one(active({ status: 'TERMINATED' }), '2026-09-01')).toEqual([]);
    expect(one(active({ status: 'REVOKED' }), '2026-09-01')).toEqual([]);
  });
});

describe('CORR_NOT_TERMINATED', () => {
  const rule = 'CORR_NOT_TERMINATED';
  const c = (o: Partial<Corr> = {}) => correction({ startDate: '2025-03-11', endDate: '2026-03-10', ...o });

  it('allows a correction ending today and flags one that ended yesterday', () => {
    expect(run(rule, person({ COMMUNITY_CORRECTION: [c()] }), '2026-03-10')).toEqual([]);
    const [f] = run(rule, person({ COMMUNITY_CORRECTION: [c()] }), '2026-03-11');
    expect(f.severity).toBe('MEDIUM');
    expect(f.numbers).toEqual({ endDate: '2026-03-10', correctionType: 'PROBATION', daysPastEnd: 1 });
    expect(f.explanation).toBe('缓刑考验期于 2026-03-10 届满，已过 1 天仍未解除矫正');
    expect(f.explanationEn).toBe('the probation period ended on 2026-03-10; still ACTIVE 1 days later');
  });

  it('never flags a terminated correction', () => {
    expect(
      run(rule, person({ COMMUNITY_CORRECTION: [c({ status: 'TERMINATED', terminatedAt: at('2026-03-10') })] }), '2026-09-01'),
    ).toEqual([]);
  });
});

describe('CORR_MISSING_AFTER_PAROLE', () => {
  const rule = 'CORR_MISSING_AFTER_PAROLE';
  const paroled = (o: Partial<Prison> = {}) =>
    prison({
      status: 'PAROLED',
      parole: { decidedAt: '2026-03-01', probationEnd: '2027-03-01' },
      releasedAt: at('2026-03-02', '10:00:00'),
      ...o,
    });

  it('allows 10 days after release and flags day 11 with no correction', () => {
    expect(run(rule, person({ PRISON: [paroled()] }), '2026-03-12')).toEqual([]);
    const [f] = run(rule, person({ PRISON: [paroled()] }), '2026-03-13');
    expect(f.severity).toBe('HIGH');
    expect(f.numbers).toEqual({ leftPrison: '2026-03-02', status: 'PAROLED', daysSince: 11, limitDays: 10 });
    expect(f.explanation).toBe('2026-03-02 假释出监，11 天后仍无社区矫正记录（应在 10 日内纳入）');
    expect(f.explanationEn).toBe('paroled on 2026-03-02; 11 days later no community correction recorded (due within 10 days)');
  });

  it('counts from the parole decision when no release is recorded', () => {
    const r = paroled({ releasedAt: null });
    expect(run(rule, person({ PRISON: [r] }), '2026-03-11')).toEqual([]);
    expect(run(rule, person({ PRISON: [r] }), '2026-03-12')[0].numbers).toMatchObject({ leftPrison: '2026-03-01', daysSince: 11 });
  });

  it('is suppressed by a correction starting after the parole', () => {
    const c = correction({ correctionType: 'PAROLE', judgmentEffectiveAt: '2026-03-01', startDate: '2026-03-02' });
    expect(run(rule, person({ PRISON: [paroled()], COMMUNITY_CORRECTION: [c] }), '2026-06-01')).toEqual([]);
    const judgedEarlier = correction({ correctionType: 'PAROLE', judgmentEffectiveAt: '2026-02-01', startDate: '2026-03-03' });
    expect(run(rule, person({ PRISON: [paroled()], COMMUNITY_CORRECTION: [judgedEarlier] }), '2026-06-01')).toEqual([]);
  });

  it('is not suppressed by an old correction from before the prison term', () => {
    const old = correction({ judgmentEffectiveAt: '2019-12-20', startDate: '2019-12-20', endDate: '2020-12-19', status: 'TERMINATED' });
    expect(run(rule, person({ PRISON: [paroled()], COMMUNITY_CORRECTION: [old] }), '2026-06-01')).toHaveLength(1);
  });

  it('covers outside execution too and ignores other statuses', () => {
    const outside = prison({
      status: 'OUTSIDE_EXECUTION',
      outsideExecution: { decidedAt: '2026-03-01', kind: '保外就医', reviewDueAt: null },
      releasedAt: at('2026-03-01'),
    });
    expect(run(rule, person({ PRISON: [outside] }), '2026-03-12')[0].explanation).toContain('暂予监外执行出监');
    expect(run(rule, person({ PRISON: [paroled({ status: 'RELEASED' })] }), '2026-06-01')).toEqual([]);
  });
});

describe('CROSS_REOFFENDING', () => {
  const rule = 'CROSS_REOFFENDING';
  const corr = (o: Partial<Corr> = {}) =>
    correction({ startDate: '2026-01-01', judgmentEffectiveAt: '2026-01-01', endDate: '2026-12-31', ...o });

  it('does not flag an enforcement case filed the day before the correction starts', () => {
    const e = enforcement({ filedAt: at('2025-12-31', '23:59:00') });
    expect(run(rule, person({ COMMUNITY_CORRECTION: [corr()], ENFORCEMENT_CASE: [e] }), '2026-06-01')).toEqual([]);
  });

  it('flags an enforcement case filed on the day the correction starts', () => {
    const c = corr();
    const e = enforcement({ filedAt: at('2026-01-01', '00:00:00') });
    const [f] = run(rule, person({ COMMUNITY_CORRECTION: [c], ENFORCEMENT_CASE: [e] }), '2026-06-01');
    expect(f.severity).toBe('HIGH');
    expect(f.records).toEqual([
      { domain: 'COMMUNITY_CORRECTION', key: c.key },
      { domain: 'ENFORCEMENT_CASE', key: e.key },
    ]);
    expect(f.numbers).toEqual({ correctionFrom: '2026-01-01', correctionTo: '2026-12-31', newCaseOn: '2026-01-01', daysIntoCorrection: 0 });
    expect(f.explanation).toBe('缓刑矫正期（2026-01-01 至 2026-12-31）内第 0 天，2026-01-01 行政执法案件立案（渝中市监处〔2026〕12号）');
    expect(f.explanationEn).toBe(
      '0 days into probation (2026-01-01 to 2026-12-31): enforcement case filed (渝中市监处〔2026〕12号) on 2026-01-01',
    );
  });

  it('does not count a terminated correction', () => {
    const e = enforcement({ filedAt: at('2026-03-01') });
    expect(run(rule, person({ COMMUNITY_CORRECTION: [corr({ status: 'TERMINATED' })], ENFORCEMENT_CASE: [e] }), '2026-06-01')).toEqual([]);
  });

  it('counts a custody admitted inside the correction period, up to its last day', () => {
    const d = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-02-10') });
    const [f] = run(rule, person({ COMMUNITY_CORRECTION: [corr()], DETENTION: [d] }), '2026-06-01');
    expect(f.records[1]).toEqual({ domain: 'DETENTION', key: d.key });
    expect(f.numbers).toMatchObject({ newCaseOn: '2026-02-10', daysIntoCorrection: 40 });
    expect(f.explanation).toContain('被羁押入所（A5001032026010001）');
    const last = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-12-31') });
    const after = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2027-01-01') });
    expect(run(rule, person({ COMMUNITY_CORRECTION: [corr()], DETENTION: [last] }), '2027-02-01')).toHaveLength(1);
    expect(run(rule, person({ COMMUNITY_CORRECTION: [corr()], DETENTION: [after] }), '2027-02-01')).toEqual([]);
  });
});

describe('CROSS_CONFLICT', () => {
  const rule = 'CROSS_CONFLICT';
  const serving = () => prison({ admittedAt: at('2024-01-15'), status: 'SERVING' });

  it('flags a person serving in prison with an active correction that has started', () => {
    const pr = serving();
    const c = correction({ startDate: '2026-03-10', endDate: '2027-03-09' });
    const [f] = run(rule, person({ PRISON: [pr], COMMUNITY_CORRECTION: [c] }), '2026-03-10');
    expect(f.severity).toBe('MEDIUM');
    expect(f.records).toEqual([
      { domain: 'PRISON', key: pr.key },
      { domain: 'COMMUNITY_CORRECTION', key: c.key },
    ]);
    expect(f.numbers).toEqual({ prisonAdmitted: '2024-01-15', correctionFrom: '2026-03-10', correctionTo: '2027-03-09' });
    expect(f.explanation).toBe('自 2024-01-15 在监狱服刑，同时自 2026-03-10 起处于缓刑社区矫正中（至 2027-03-09）');
  });

  it('does not flag a correction starting tomorrow', () => {
    const c = correction({ startDate: '2026-03-11', endDate: '2027-03-10' });
    expect(run(rule, person({ PRISON: [serving()], COMMUNITY_CORRECTION: [c] }), '2026-03-10')).toEqual([]);
  });

  it('does not flag a correction that ended before the prison admission, nor a terminated one', () => {
    const before = correction({ startDate: '2022-01-01', endDate: '2024-01-14' });
    expect(run(rule, person({ PRISON: [serving()], COMMUNITY_CORRECTION: [before] }), '2026-03-10')).toEqual([]);
    const done = correction({ startDate: '2025-01-01', status: 'TERMINATED' });
    expect(run(rule, person({ PRISON: [serving()], COMMUNITY_CORRECTION: [done] }), '2026-03-10')).toEqual([]);
  });
});

describe('ENF_NOT_TRANSFERRED', () => {
  const rule = 'ENF_NOT_TRANSFERRED';
  const one = (e: Enf, p?: RuleParameters) => run(rule, person({ ENFORCEMENT_CASE: [e] }), '2026-06-01', p);

  it('leaves counterfeit sales of 49,999.99 yuan and flags 50,000', () => {
    expect(one(enforcement({ category: 'COUNTERFEIT', amountInvolved: 49_999.99 }))).toEqual([]);
    const [f] = one(enforcement({ category: 'COUNTERFEIT', amountInvolved: 50_000 }));
    expect(f.severity).toBe('HIGH');
    expect(f.numbers).toEqual({
      category: 'COUNTERFEIT',
      amountInvolved: 50_000,
      illegalGain: 'none',
      penaltyOn: '2026-02-20',
      penaltyAmount: 20_000,
    });
    expect(f.explanation).toBe(
      '渝中市监处〔2026〕12号：涉案金额 50,000 元，达到追诉标准 50,000 元；2026-02-20 仅作罚款 20,000 元，未移送公安机关',
    );
    expect(f.explanationEn).toBe(
      '渝中市监处〔2026〕12号: amount involved 50,000 yuan, at or over the threshold of 50,000; only penalised (20,000 yuan) on 2026-02-20, never transferred to the police',
    );
  });

  it('leaves a trademark gain of 29,999 yuan and flags 30,000', () => {
    expect(one(enforcement({ category: 'TRADEMARK', amountInvolved: 40_000, illegalGain: 29_999 }))).toEqual([]);
    const [f] = one(enforcement({ category: 'TRADEMARK', amountInvolved: 40_000, illegalGain: 30_000 }));
    expect(f.numbers).toMatchObject({ illegalGain: 30_000 });
    expect(f.explanation).toContain('违法所得 30,000 元，达到追诉标准 30,000 元');
    expect(f.explanationEn).toContain('illegal gain 30,000 yuan, at or over the threshold of 30,000');
    expect(one(enforcement({ category: 'TRADEMARK', amountInvolved: 50_000 }))).toHaveLength(1);
  });

  it('flags environment cases from 300,000 yuan of loss or gain', () => {
    expect(one(enforcement({ category: 'ENVIRONMENT', amountInvolved: 299_999 }))).toEqual([]);
    expect(one(enforcement({ category: 'ENVIRONMENT', amountInvolved: 300_000 }))).toHaveLength(1);
    expect(one(enforcement({ category: 'ENVIRONMENT', amountInvolved: 1_000, illegalGain: 300_000 }))).toHaveLength(1);
  });

  it('flags fake drugs and poisonous food whatever the amount', () => {
    const [f] = one(enforcement({ category: 'FOOD_DRUG', amountInvolved: 0 }));
    expect(f.explanation).toContain('该类案件不论数额均应移送');
    expect(f.explanationEn).toContain('must be transferred whatever the amount');
  });

  it('never flags a transferred case nor one without a penalty', () => {
    const transfer = {
      reportedAt: at('2026-02-21'),
      decidedAt: at('2026-02-22'),
      transferredAt: at('2026-02-22', '15:00:00'),
      receivingAuthority: '渝中区公安分局',
      policeDecision: null,
      policeDecidedAt: null,
    };
    expect(one(enforcement({ category: 'FOOD_DRUG', transfer }))).toEqual([]);
    expect(one(enforcement({ category: 'FOOD_DRUG', penalty: null, status: 'FILED' }))).toEqual([]);
  });

  it('never flags tax cases by default, but does once an administrator sets a threshold', () => {
    const tax = enforcement({ category: 'TAX', amountInvolved: 120_000 });
    expect(one(tax)).toEqual([]);
    const p = params(rule, { TAX: { amount: 100_000 } });
    expect(p[rule].TAX).toEqual({ amount: 100_000, gain: null, anyAmount: false });
    expect(p[rule].COUNTERFEIT).toEqual({ amount: 50_000, gain: null, anyAmount: false });
    expect(one(tax, p)[0].explanation).toContain('涉案金额 120,000 元，达到追诉标准 100,000 元');
    expect(one(enforcement({ category: 'TAX', amountInvolved: 99_999 }), p)).toEqual([]);
  });

  it('rejects unknown parameter names and wrong types, naming the parameter', () => {
    const defaults = ruleById(rule)!.defaults;
    const unknown = changeParameters(rule, defaults, { VAT: { amount: 1 } });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok)
      expect(unknown.problems).toEqual([
        expect.stringMatching(/^parameters\.VAT: not a parameter of ENF_NOT_TRANSFERRED; known: FOOD_DRUG, COUNTERFEIT/),
      ]);
    const wrongType = changeParameters(rule, defaults, { TRADEMARK: { amount: '50000' } });
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) expect(wrongType.problems).toEqual([expect.stringMatching(/^parameters\.TRADEMARK\.amount: .*number/i)]);
    const nestedUnknown = changeParameters(rule, defaults, { TAX: { amout: 1 } });
    expect(nestedUnknown.ok).toBe(false);
    if (!nestedUnknown.ok) expect(nestedUnknown.problems.join()).toMatch(/^parameters\.TAX: .*amout/);
    const negative = changeParameters(rule, defaults, { TAX: { amount: -1 } });
    expect(negative.ok).toBe(false);
    if (!negative.ok) expect(negative.problems.join()).toMatch(/^parameters\.TAX\.amount: /);
    expect(changeParameters('NO_SUCH_RULE', {}, {})).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^rule: no rule NO_SUCH_RULE; known: DET_OVERDUE_STAGE/)],
    });
    expect(changeParameters(rule, defaults, [1])).toEqual({
      ok: false,
      problems: ['parameters: must be a JSON object of parameter names and values'],
    });
  });

  it('leaves the defaults untouched when a change is applied', () => {
    const before = JSON.stringify(ruleById(rule)!.defaults);
    params(rule, { TAX: { amount: 100_000 }, LABOUR: { anyAmount: true } });
    expect(JSON.stringify(ruleById(rule)!.defaults)).toBe(before);
  });
});

describe('ENF_TRANSFER_LATE', () => {
  const rule = 'ENF_TRANSFER_LATE';
  const withTransfer = (t: Partial<NonNullable<Enf['transfer']>>) =>
    person({
      ENFORCEMENT_CASE: [
        enforcement({
          category: 'COUNTERFEIT',
          amountInvolved: 80_000,
          penalty: null,
          status: 'TRANSFERRED',
          transfer: {
            reportedAt: null,
            decidedAt: null,
            transferredAt: null,
            receivingAuthority: '渝中区公安分局',
            policeDecision: null,
            policeDecidedAt: null,
            ...t,
          },
        }),
      ],
    });

  it('allows a transfer decision on day 3 after the report and flags day 4', () => {
    expect(
      run(rule, withTransfer({ reportedAt: at('2026-03-02', '10:00:00'), decidedAt: at('2026-03-05', '23:00:00') }), '2026-06-01'),
    ).toEqual([]);
    const [f] = run(
      rule,
      withTransfer({ reportedAt: at('2026-03-02', '10:00:00'), decidedAt: at('2026-03-06', '08:00:00') }),
      '2026-06-01',
    );
    expect(f.severity).toBe('MEDIUM');
    expect(f.numbers).toEqual({ decisionDays: 4 });
    expect(f.explanation).toBe('渝中市监处〔2026〕12号：报告后第 4 天才作出移送决定（期限 3 日）');
    expect(f.explanationEn).toBe('渝中市监处〔2026〕12号: transfer decided 4 days after the report (limit 3)');
  });

  it('allows a hand-over exactly 24 hours after the decision and flags 24 hours and 1 minute', () => {
    const decidedAt = at('2026-03-05', '10:00:00');
    expect(run(rule, withTransfer({ decidedAt, transferredAt: at('2026-03-06', '10:00:00') }), '2026-06-01')).toEqual([]);
    const [f] = run(rule, withTransfer({ decidedAt, transferredAt: at('2026-03-06', '10:01:00') }), '2026-06-01');
    expect(f.numbers).toEqual({ handOverHours: 24 });
    expect(f.explanation).toBe('渝中市监处〔2026〕12号：决定后 24 小时才移送（期限 24 小时）');
  });

  it('allows a police decision on day 3 after receipt and flags day 4', () => {
    const transferredAt = at('2026-03-06', '10:00:00');
    expect(
      run(rule, withTransfer({ transferredAt, policeDecision: 'FILED', policeDecidedAt: at('2026-03-09', '18:00:00') }), '2026-06-01'),
    ).toEqual([]);
    const [f] = run(rule, withTransfer({ transferredAt, policeDecision: 'FILED', policeDecidedAt: at('2026-03-10') }), '2026-06-01');
    expect(f.numbers).toEqual({ policeDecisionDays: 4 });
    expect(f.explanationEn).toBe('渝中市监处〔2026〕12号: the police decided 4 days after receiving it (limit 3)');
  });

  it('lists every late step of one case in one finding', () => {
    const [f] = run(
      rule,
      withTransfer({
        reportedAt: at('2026-03-01'),
        decidedAt: at('2026-03-10'),
        transferredAt: at('2026-03-13'),
        policeDecidedAt: at('2026-03-20'),
      }),
      '2026-06-01',
    );
    expect(f.numbers).toEqual({ decisionDays: 9, handOverHours: 72, policeDecisionDays: 7 });
  });

  it('ignores a case without a transfer', () => {
    expect(run(rule, person({ ENFORCEMENT_CASE: [enforcement()] }), '2026-06-01')).toEqual([]);
  });
});

describe('DATA_LATE_ENTRY', () => {
  const rule = 'DATA_LATE_ENTRY';
  const entered = (eventAt: Date, recordedAt: Date) =>
    person({ ENFORCEMENT_CASE: [{ ...enforcement({ filedAt: eventAt }), eventAt, recordedAt }] });
  const friday = at('2026-03-06', '15:00:00');

  it('allows 7 working days across a weekend and flags 8: event Friday, entered Tuesday week (ok) or Wednesday week', () => {
    // Mon 9 … Fri 13 are working days 1–5, Mon 16 is 6, Tue 17 is 7, Wed 18 is 8
    expect(run(rule, entered(friday, at('2026-03-17', '23:59:00')), '2026-06-01')).toEqual([]);
    const [f] = run(rule, entered(friday, at('2026-03-18', '08:30:00')), '2026-06-01');
    expect(f.severity).toBe('LOW');
    expect(f.numbers).toEqual({ eventOn: '2026-03-06', recordedOn: '2026-03-18', lag: 8, limit: 7, unit: 'WORKING_DAYS' });
    expect(f.explanation).toBe('事件发生于 2026-03-06，2026-03-18 才录入平台，相隔 8 个工作日（时限 7 个工作日）');
    expect(f.explanationEn).toBe('event on 2026-03-06, entered on 2026-03-18: 8 working days later (limit 7)');
  });

  it('takes the recording day in Beijing time: 16:00 UTC is already the next day', () => {
    expect(run(rule, entered(friday, new Date('2026-03-17T15:59:59Z')), '2026-06-01')).toEqual([]);
    expect(run(rule, entered(friday, new Date('2026-03-17T16:00:00Z')), '2026-06-01')).toHaveLength(1);
  });

  it('skips configured holidays and counts configured make-up working days (a National Day week)', () => {
    const p = params(rule, {
      holidays: ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'],
      workdays: ['2025-09-28', '2025-10-11'],
    });
    const event = at('2025-09-26', '11:00:00'); // a Friday
    // working days: Sun 28 (make-up) 1, Mon 29 2, Tue 30 3, Thu 9 4, Fri 10 5, Sat 11 (make-up) 6, Mon 13 7, Tue 14 8
    expect(run(rule, entered(event, at('2025-10-13')), '2026-06-01', p)).toEqual([]);
    expect(run(rule, entered(event, at('2025-10-14')), '2026-06-01', p)[0].numbers).toMatchObject({ lag: 8 });
    // without the calendar the same week has its 8th working day on 10-08
    expect(run(rule, entered(event, at('2025-10-07')), '2026-06-01')).toEqual([]);
    expect(run(rule, entered(event, at('2025-10-08')), '2026-06-01')[0].numbers).toMatchObject({ lag: 8 });
  });

  it('counts calendar days when the unit is DAYS', () => {
    const p = params(rule, { unit: 'DAYS', days: 20 });
    expect(run(rule, entered(friday, at('2026-03-26')), '2026-06-01', p)).toEqual([]);
    const [f] = run(rule, entered(friday, at('2026-03-27')), '2026-06-01', p);
    expect(f.numbers).toMatchObject({ lag: 21, limit: 20, unit: 'DAYS' });
    expect(f.explanation).toBe('事件发生于 2026-03-06，2026-03-27 才录入平台，相隔 21 天（时限 20 天）');
    expect(f.explanationEn).toBe('event on 2026-03-06, entered on 2026-03-27: 21 days later (limit 20)');
  });

  it('checks every domain and rejects malformed calendar dates', () => {
    const d = { ...detention({ stageStartedAt: at('2026-03-06') }), recordedAt: at('2026-03-18') };
    expect(run(rule, person({ DETENTION: [d] }), '2026-06-01')[0].records).toEqual([{ domain: 'DETENTION', key: d.key }]);
    const bad = changeParameters(rule, ruleById(rule)!.defaults, { holidays: ['2025/10/01'] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems).toEqual(['parameters.holidays.0: must be YYYY-MM-DD']);
  });
});

/** What a lead keeps of one rule's findings on a day (the stored figures and wording), and their next change. */
function kept(rule: string | null, p: PersonRecords, day: number, params: RuleParameters = {}) {
  const { findings, nextChange } = evaluatePerson(p, { today: day }, params, rule ? [rule] : null);
  const stored = findings.map((f) => ({ fp: f.fingerprint, severity: f.severity, zh: f.explanation, en: f.explanationEn, n: f.numbers }));
  return { stored, nextChange };
}

/**
 * The rule names `next` (a date, or null: never) as the day its result changes after `today`, exactly:
 * every day before it keeps today's stored findings (up to 800 days when it never changes), and on it they differ.
 */
function expectNextChange(rule: string | null, p: PersonRecords, today: string, next: string | null, params: RuleParameters = {}) {
  const t = D(today);
  const first = kept(rule, p, t, params);
  expect(first.nextChange === null ? null : dateOfDay(first.nextChange)).toBe(next);
  const end = first.nextChange ?? t + 800;
  for (let d = t + 1; d < end; d++) {
    const later = kept(rule, p, d, params).stored;
    if (JSON.stringify(later) !== JSON.stringify(first.stored)) throw new Error(`${rule}: changed on ${dateOfDay(d)}, before ${next}`);
  }
  if (first.nextChange !== null) expect(kept(rule, p, first.nextChange, params).stored).not.toEqual(first.stored);
}

describe('wake-ups: each rule names the next day its result for the person changes', () => {
  it('DET_OVERDUE_STAGE: the day after the deadline, then the 31st day over (CRITICAL), then never', () => {
    const p = person({ DETENTION: [detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01') })] });
    expectNextChange('DET_OVERDUE_STAGE', p, '2026-03-02', '2026-03-05');
    expectNextChange('DET_OVERDUE_STAGE', p, '2026-03-05', '2026-04-04');
    expectNextChange('DET_OVERDUE_STAGE', p, '2026-04-04', null);
    const released = detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01'), releasedAt: at('2026-03-02') });
    expectNextChange('DET_OVERDUE_STAGE', person({ DETENTION: [released] }), '2026-03-02', null);
  });

  it('DET_EXPIRY_WARNING: the first day of the warning window, then the day after the deadline', () => {
    const p = person({ DETENTION: [detention({ stageStartedAt: at('2026-01-10') })] });
    expectNextChange('DET_EXPIRY_WARNING', p, '2026-02-20', '2026-03-03');
    expectNextChange('DET_EXPIRY_WARNING', p, '2026-03-03', '2026-03-11');
    expectNextChange('DET_EXPIRY_WARNING', p, '2026-03-11', null);
  });

  it('DET_LONG_NO_VERDICT: 5 years and a day, then 8 years and a day (CRITICAL)', () => {
    const p = person({
      DETENTION: [detention({ stage: 'FIRST_INSTANCE', admittedAt: at('2021-03-10'), stageStartedAt: at('2025-01-10') })],
    });
    expectNextChange('DET_LONG_NO_VERDICT', p, '2026-01-01', '2026-03-11');
    expectNextChange('DET_LONG_NO_VERDICT', p, '2026-03-11', '2029-03-11');
  });

  it('DET_NOT_DELIVERED: the day after the month awaiting transfer, unless a prison admitted the person', () => {
    const r = detention({ stage: 'AWAITING_TRANSFER', stageStartedAt: at('2026-03-10') });
    expectNextChange('DET_NOT_DELIVERED', person({ DETENTION: [r] }), '2026-03-20', '2026-04-11');
    expectNextChange('DET_NOT_DELIVERED', person({ DETENTION: [r] }), '2026-04-11', null);
    expectNextChange(
      'DET_NOT_DELIVERED',
      person({ DETENTION: [r], PRISON: [prison({ admittedAt: at('2026-03-20') })] }),
      '2026-03-20',
      null,
    );
  });

  it('PRISON_NOT_RELEASED: the day after the computed end of the sentence', () => {
    const p = person({ PRISON: [prison({ sentence: { startDate: '2024-01-01', kind: 'FIXED_TERM', termMonths: 36 } })] });
    expectNextChange('PRISON_NOT_RELEASED', p, '2026-12-01', '2027-01-02');
    expectNextChange('PRISON_NOT_RELEASED', p, '2027-01-02', null);
  });

  it('CORR_NOT_REPORTED: the day after the 10 days when no report is recorded; never once one is', () => {
    const never = correction({ judgmentEffectiveAt: '2026-03-01', startDate: '2026-03-01', reportedAt: null });
    expectNextChange('CORR_NOT_REPORTED', person({ COMMUNITY_CORRECTION: [never] }), '2026-03-05', '2026-03-12');
    expectNextChange('CORR_NOT_REPORTED', person({ COMMUNITY_CORRECTION: [never] }), '2026-03-12', null);
    const late = correction({ judgmentEffectiveAt: '2026-03-01', startDate: '2026-03-01', reportedAt: at('2026-03-12') });
    expectNextChange('CORR_NOT_REPORTED', person({ COMMUNITY_CORRECTION: [late] }), '2026-03-20', null);
  });

  it('CORR_ABSCONDED: past the check-in limit (LOW), past the warning days (MEDIUM), past the revocation days (HIGH)', () => {
    const p = person({ COMMUNITY_CORRECTION: [correction({ startDate: '2026-01-05', lastCheckInAt: at('2026-03-01') })] });
    expectNextChange('CORR_ABSCONDED', p, '2026-03-20', '2026-04-01');
    expectNextChange('CORR_ABSCONDED', p, '2026-04-01', '2026-04-11');
    expectNextChange('CORR_ABSCONDED', p, '2026-04-11', '2026-05-01');
    expectNextChange('CORR_ABSCONDED', p, '2026-05-01', null);
    // no warning step when the warning days are not fewer than the revocation days
    const p2 = params('CORR_ABSCONDED', { warningAfterDays: 30, revocationAfterDays: 20 });
    expectNextChange('CORR_ABSCONDED', p, '2026-04-01', '2026-04-21', p2);
    const absconded = correction({ status: 'ABSCONDED', lastCheckInAt: at('2026-03-01') });
    expectNextChange('CORR_ABSCONDED', person({ COMMUNITY_CORRECTION: [absconded] }), '2026-03-02', null);
  });

  it('CORR_NOT_TERMINATED: the day after the correction ends', () => {
    const p = person({ COMMUNITY_CORRECTION: [correction({ endDate: '2026-03-10' })] });
    expectNextChange('CORR_NOT_TERMINATED', p, '2026-03-01', '2026-03-11');
    expectNextChange('CORR_NOT_TERMINATED', p, '2026-03-11', null);
  });

  it('CORR_MISSING_AFTER_PAROLE: the day after the 10 days from leaving prison, unless a correction covers it', () => {
    const paroled = prison({
      status: 'PAROLED',
      parole: { decidedAt: '2026-02-25', probationEnd: '2027-02-25' },
      releasedAt: at('2026-03-02'),
    });
    expectNextChange('CORR_MISSING_AFTER_PAROLE', person({ PRISON: [paroled] }), '2026-03-05', '2026-03-13');
    expectNextChange('CORR_MISSING_AFTER_PAROLE', person({ PRISON: [paroled] }), '2026-03-13', null);
    const covered = correction({ correctionType: 'PAROLE', judgmentEffectiveAt: '2026-02-25', startDate: '2026-03-03' });
    expectNextChange('CORR_MISSING_AFTER_PAROLE', person({ PRISON: [paroled], COMMUNITY_CORRECTION: [covered] }), '2026-03-05', null);
  });

  it('CROSS_REOFFENDING and CROSS_CONFLICT: the day a dated event or a correction begins', () => {
    const c = correction({ startDate: '2026-01-05', endDate: '2027-01-04' });
    const filed = enforcement({ filedAt: at('2026-06-01') });
    expectNextChange('CROSS_REOFFENDING', person({ COMMUNITY_CORRECTION: [c], ENFORCEMENT_CASE: [filed] }), '2026-05-01', '2026-06-01');
    expectNextChange('CROSS_REOFFENDING', person({ COMMUNITY_CORRECTION: [c], ENFORCEMENT_CASE: [filed] }), '2026-06-01', null);
    const later = correction({ startDate: '2026-06-01', endDate: '2027-05-31' });
    expectNextChange('CROSS_CONFLICT', person({ PRISON: [prison()], COMMUNITY_CORRECTION: [later] }), '2026-05-01', '2026-06-01');
    expectNextChange('CROSS_CONFLICT', person({ PRISON: [prison()], COMMUNITY_CORRECTION: [later] }), '2026-06-01', null);
  });

  it('never for the rules whose result rests on the records alone', () => {
    const extraction = {
      at: at('2026-03-11'),
      returnedAt: at('2026-03-11', '10:00:00'),
      purpose: '提讯',
      warrantNumber: 'TX-1',
      by: '分局',
    };
    expectNextChange('DET_EXTRACTION_AFTER_EXPIRY', person({ DETENTION: [detention({ extractions: [extraction] })] }), '2026-03-12', null);
    const early = prison({ commutations: [{ decidedAt: '2024-06-01', months: 6 }] });
    expectNextChange('PRISON_COMMUTATION_IRREGULAR', person({ PRISON: [early] }), '2026-03-01', null);
    const paroled = prison({ status: 'PAROLED', parole: { decidedAt: '2024-06-01', probationEnd: '2026-01-01' } });
    expectNextChange('PRISON_PAROLE_IRREGULAR', person({ PRISON: [paroled] }), '2026-03-01', null);
    const big = enforcement({ amountInvolved: 80_000 });
    expectNextChange('ENF_NOT_TRANSFERRED', person({ ENFORCEMENT_CASE: [big] }), '2026-03-01', null);
    const slow = enforcement({
      transfer: { reportedAt: at('2026-02-01'), decidedAt: at('2026-02-10'), transferredAt: null, policeDecidedAt: null } as never,
    });
    expectNextChange('ENF_TRANSFER_LATE', person({ ENFORCEMENT_CASE: [slow] }), '2026-03-01', null);
    const entered = { ...detention({ stageStartedAt: at('2026-01-10') }), recordedAt: at('2026-02-10') };
    expectNextChange('DATA_LATE_ENTRY', person({ DETENTION: [entered] }), '2026-03-01', null);
  });

  it('the person: the earliest day any rule changes, across records and rules', () => {
    const p = person({
      DETENTION: [detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01') })],
      COMMUNITY_CORRECTION: [correction({ endDate: '2026-03-03' })],
    });
    expectNextChange(null, p, '2026-03-01', '2026-03-04');
    expectNextChange(null, p, '2026-03-04', '2026-03-05');
  });
});

describe('stored explanations carry dates; the day counts are rendered for the reading day', () => {
  it('stores the same figures and wording every day the finding lasts, and renders each day its own counts', () => {
    const p = person({ DETENTION: [detention({ stage: 'CRIMINAL_DETENTION', stageStartedAt: at('2026-03-01') })] });
    const [a] = evaluatePerson(p, { today: D('2026-03-05') }, {}, ['DET_OVERDUE_STAGE']).findings;
    const [b] = evaluatePerson(p, { today: D('2026-03-20') }, {}, ['DET_OVERDUE_STAGE']).findings;
    expect(b).toEqual(a);
    expect(a.explanation).toBe('刑事拘留阶段自 2026-03-01 起在押，刑事拘留期限 3 日（至 2026-03-04），期满后仍在押');
    expect(a.explanationEn).toBe(
      'in custody at the criminal detention stage since 2026-03-01; limit 3 days (until 2026-03-04); still held after it',
    );
    expect(a.numbers).not.toHaveProperty('daysOver');
    expect(renderFinding(a, D('2026-03-05')).explanation).toBe(
      '刑事拘留阶段在押 4 天（自 2026-03-01 起），刑事拘留期限 3 日（至 2026-03-04），已超期 1 天',
    );
    expect(renderFinding(a, D('2026-03-20'))).toMatchObject({
      numbers: { daysOver: 16, daysInStage: 19 },
      explanation: '刑事拘留阶段在押 19 天（自 2026-03-01 起），刑事拘留期限 3 日（至 2026-03-04），已超期 16 天',
    });
  });

  it("stores, for every rule with counts that age, the same finding the next day, and reads it with the next day's counts", () => {
    const samples: [string, PersonRecords, string][] = [
      ['DET_EXPIRY_WARNING', person({ DETENTION: [detention({ stageStartedAt: at('2026-01-10') })] }), '2026-03-05'],
      ['DET_LONG_NO_VERDICT', person({ DETENTION: [detention({ stage: 'FIRST_INSTANCE', admittedAt: at('2020-01-10') })] }), '2026-03-05'],
      [
        'DET_NOT_DELIVERED',
        person({ DETENTION: [detention({ stage: 'AWAITING_TRANSFER', stageStartedAt: at('2026-01-10') })] }),
        '2026-03-05',
      ],
      [
        'PRISON_NOT_RELEASED',
        person({ PRISON: [prison({ sentence: { startDate: '2022-01-01', kind: 'FIXED_TERM', termMonths: 36 } })] }),
        '2026-03-05',
      ],
      ['CORR_NOT_REPORTED', person({ COMMUNITY_CORRECTION: [correction({ startDate: '2026-01-05', reportedAt: null })] }), '2026-03-05'],
      [
        'CORR_ABSCONDED',
        person({ COMMUNITY_CORRECTION: [correction({ status: 'ABSCONDED', lastCheckInAt: at('2026-01-20') })] }),
        '2026-03-05',
      ],
      ['CORR_NOT_TERMINATED', person({ COMMUNITY_CORRECTION: [correction({ endDate: '2026-02-10' })] }), '2026-03-05'],
      [
        'CORR_MISSING_AFTER_PAROLE',
        person({
          PRISON: [
            prison({ status: 'PAROLED', parole: { decidedAt: '2026-01-20', probationEnd: '2027-01-20' }, releasedAt: at('2026-01-22') }),
          ],
        }),
        '2026-03-05',
      ],
    ];
    for (const [rule, p, day] of samples) {
      const [today] = evaluatePerson(p, { today: D(day) }, {}, [rule]).findings;
      const [tomorrow] = evaluatePerson(p, { today: D(day) + 1 }, {}, [rule]).findings;
      expect(tomorrow).toEqual(today);
      const read = [renderFinding(today, D(day)), renderFinding(today, D(day) + 1)];
      expect(read[1].explanation).not.toBe(read[0].explanation);
      expect(read[1].explanationEn).not.toBe(read[0].explanationEn);
      // read the next day, it reads as the rule's finding that day does
      const [next] = run(rule, p, plus(day, 1));
      expect(read[1]).toEqual({ numbers: next.numbers, explanation: next.explanation, explanationEn: next.explanationEn });
    }
  });

  it('reads a lead stored before its figures were dated as it was stored', () => {
    const old = { rule: 'DET_OVERDUE_STAGE', severity: 'HIGH' as const, numbers: { daysOver: 3 }, explanation: '旧', explanationEn: 'old' };
    expect(renderFinding(old, D('2026-03-05'))).toEqual({ numbers: { daysOver: 3 }, explanation: '旧', explanationEn: 'old' });
  });
});
