/**
 * The document ledger (台账) and the assessment (考核) over real HTTP and FerretDB: three documents
 * carried through the real workflow with the hub's clock moved, then the figures each caller sees,
 * equal to a hand count, and the same rows through the CSV export.
 */
import { detentionInput, personId } from './fixtures';
import { pushLines, registerCustodySource, startTestHub, type TestHub, type TestSource } from './helpers';

const at = (date: string) => Date.parse(`${date}T10:00:00+08:00`);
const ISSUE = `mutation($input: IssueDocumentInput!) { issueDocument(input: $input) { id number } }`;
const STEP = {
  sign: `mutation($id: ID!) { signDocumentReceipt(id: $id) { status dueDate } }`,
  report: `mutation($id: ID!) { reportDocumentToSuperior(id: $id, superior: { code: "KSS-50", name: "重庆市公安局监管总队" }, note: "已报告") { status } }`,
  answer: `mutation($id: ID!) { answerDocument(id: $id, input: { text: "已整改", measures: "变更强制措施", rectification: RECTIFIED }) { status } }`,
  object: `mutation($id: ID!) { objectToDocument(id: $id, reasons: "羁押期限已依法延长") { status } }`,
  uphold: `mutation($id: ID!) { upholdDocument(id: $id, reasons: "延长羁押期限未经批准") { status } }`,
  accept: `mutation($id: ID!) { acceptDocumentAnswer(id: $id, outcome: RECTIFIED, note: "经核实已整改") { status } }`,
};
const FIGURES = `documents received awaitingReceipt answered answeredOnTime answeredLate overdue objections objectionsUpheld
  objectionsOverturned objectionsPending rectified partlyRectified notRectified withdrawn reportsRequired reportsOnTime reportsLate notHandledAsRequired`;
const LEDGER = `query($period: LedgerPeriod!, $groupBy: [LedgerDimension!]!, $regions: [String!]) {
  documentLedger(period: $period, groupBy: $groupBy, regions: $regions) { keys { dimension value label } ${FIGURES} } }`;
const ASSESSMENT = `query($period: LedgerPeriod!) { documentAssessment(period: $period) { perDocument cap asOf
  units { department { value label } unit { code name } documents notHandledAsRequired deduction } } }`;
const MARCH = { from: '2026-03-01', to: '2026-03-31' };

describe('the document ledger and the assessment', () => {
  let t: TestHub;
  let now = at('2026-03-02');
  let source: TestSource;
  const headers: Record<string, Record<string, string>> = {};
  const ids: string[] = [];

  const as = async (who: string, query: string, variables: Record<string, unknown>) => {
    const { body } = await t.gql(query, variables, headers[who]);
    expect(body.errors).toBeUndefined();
    return body.data;
  };

  beforeAll(async () => {
    t = await startTestHub({ clock: () => now });
    source = await registerCustodySource(t);
    const bearer = async (claims: Parameters<TestHub['token']>[0], purpose = false) => ({
      authorization: `Bearer ${await t.token(claims)}`,
      ...(purpose ? { 'x-purpose': 'JD-2026-007' } : {}),
    });
    headers.procurator = await bearer({ role: 'PROCURATOR', org: 'JCY-500101', regions: ['500101'], sub: 'p-wz' }, true);
    headers.otherProcurator = await bearer({ role: 'PROCURATOR', org: 'JCY-500102', regions: ['500102'], sub: 'p-fl' }, true);
    headers.department = await bearer({ role: 'DEPARTMENT', org: 'KSS-500101', regions: ['500101'], sub: 'd-kss' });
    headers.foreign = await bearer({ role: 'DEPARTMENT', org: 'KSS-500102', regions: ['500102'], sub: 'd-fl' });
    headers.analyst = await bearer({ role: 'ANALYST', org: 'FX', regions: ['50'], sub: 'a-1' });
    // the detention centre reports each document to its superior within 5 working days
    const rule = await t.admin(
      `mutation { updateDepartmentWorkflow(code: "KSS-500101", superior: { code: "KSS-50", name: "重庆市公安局监管总队" },
        reportWithinWorkingDays: 5, note: "监管总队要求") { departments { code } } }`,
    );
    expect(rule.body.errors).toBeUndefined();

    // three recommendations issued and signed for on Monday 2026-03-02 (due 2026-05-02, reports due 03-09)
    for (let n = 1; n <= 3; n++) {
      const input = detentionInput(personId(700 + n), n);
      expect((await pushLines(t, source, [JSON.stringify(input)])).status).toBe(200);
      const stored = (await t.hub.sources.models.records.DETENTION.collection.findOne({ externalId: input.externalId }))!;
      const issued = await as('procurator', ISSUE, {
        input: {
          kind: 'RECOMMENDATION',
          addressee: { code: 'KSS-500101', name: '重庆市万州区看守所' },
          records: [{ domain: 'DETENTION', id: stored._id.toHexString() }],
          facts: `犯罪嫌疑人超期羁押（第 ${n} 件）。`,
          legalBasis: '《中华人民共和国刑事诉讼法》第一百七十二条',
          request: '依法纠正并书面回复。',
        },
      });
      ids.push(issued.issueDocument.id);
      expect((await as('department', STEP.sign, { id: issued.issueDocument.id })).signDocumentReceipt.dueDate).toBe('2026-05-02');
    }
    const [a, b] = ids;
    // A: reported on time, answered on time, accepted as rectified
    now = at('2026-03-03');
    await as('department', STEP.report, { id: a });
    now = at('2026-03-10');
    await as('department', STEP.answer, { id: a });
    await as('procurator', STEP.accept, { id: a });
    // B: objected, upheld; never reported; answered after its due date
    await as('department', STEP.object, { id: b });
    await as('procurator', STEP.uphold, { id: b });
    now = at('2026-05-10');
    await as('department', STEP.answer, { id: b });
    // C: signed for and nothing more: overdue since 2026-05-03, its report missing since 03-10
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  // counted by hand from the steps above
  const handCount = {
    documents: 3,
    received: 3,
    awaitingReceipt: 0,
    answered: 2,
    answeredOnTime: 1,
    answeredLate: 1,
    overdue: 1,
    objections: 1,
    objectionsUpheld: 1,
    objectionsOverturned: 0,
    objectionsPending: 0,
    rectified: 1,
    partlyRectified: 0,
    notRectified: 0,
    withdrawn: 0,
    reportsRequired: 3,
    reportsOnTime: 1,
    reportsLate: 2,
    notHandledAsRequired: 2,
  };

  it('equals the hand count, grouped by unit, for an analyst, the issuing procurator and the department itself', async () => {
    for (const who of ['analyst', 'procurator', 'department']) {
      const data = await as(who, LEDGER, { period: MARCH, groupBy: ['UNIT', 'KIND'] });
      expect(data.documentLedger).toEqual([
        {
          keys: [
            { dimension: 'UNIT', value: 'KSS-500101', label: '重庆市万州区看守所' },
            { dimension: 'KIND', value: 'RECOMMENDATION', label: '检察建议' },
          ],
          ...handCount,
        },
      ]);
    }
  });

  it('shows nothing of it to another district or another department, and outside the period', async () => {
    const zero = Object.fromEntries(Object.keys(handCount).map((k) => [k, 0]));
    for (const who of ['otherProcurator', 'foreign'])
      expect((await as(who, LEDGER, { period: MARCH, groupBy: [] })).documentLedger).toEqual([{ keys: [], ...zero }]);
    expect((await as('analyst', LEDGER, { period: MARCH, groupBy: [], regions: ['500102'] })).documentLedger).toEqual([
      { keys: [], ...zero },
    ]);
    expect((await as('analyst', LEDGER, { period: { from: '2026-04-01', to: '2026-04-30' }, groupBy: ['UNIT'] })).documentLedger).toEqual(
      [],
    );
  });

  it('deducts 0.1 per document not handled as required, from the settings, which an administrator changes', async () => {
    const before = (await as('analyst', ASSESSMENT, { period: MARCH })).documentAssessment;
    expect(before).toEqual({
      perDocument: 0.1,
      cap: 0.6,
      asOf: '2026-05-10',
      units: [
        {
          department: { value: 'KSS', label: '看守所（公安机关）' },
          unit: { code: 'KSS-500101', name: '重庆市万州区看守所' },
          documents: 3,
          notHandledAsRequired: 2,
          deduction: 0.2,
        },
      ],
    });
    const changed = await t.admin(
      `mutation { updateDocumentSettings(settings: { assessment: { perDocument: 0.5, cap: 0.6 } }, note: "考核办法修订") { settings } }`,
    );
    expect(changed.body.errors).toBeUndefined();
    const after = (await as('analyst', ASSESSMENT, { period: MARCH })).documentAssessment;
    expect([after.perDocument, after.units[0].deduction]).toEqual([0.5, 0.6]); // 2 × 0.5 = 1.0, capped at 0.6
    const bad = await t.admin(
      `mutation { updateDocumentSettings(settings: { assessment: { perDocument: -1, cap: 0.6 } }, note: "错误") { settings } }`,
    );
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'settings' });
    expect(bad.body.errors[0].message).toMatch(/assessment\.perDocument/);
  });

  it('exports the rows as CSV with one column per dimension', async () => {
    const res = await fetch(`${t.url}/export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers.analyst },
      body: JSON.stringify({
        query: `query($period: LedgerPeriod!) { documentLedger(period: $period, groupBy: [UNIT]) { keys { dimension value label } documents answeredOnTime overdue notHandledAsRequired } }`,
        variables: { period: MARCH },
      }),
    });
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toEqual([
      'UNIT,UNIT label,documents,answeredOnTime,overdue,notHandledAsRequired',
      'KSS-500101,重庆市万州区看守所,3,1,1,2',
    ]);
  });

  it('names the field of a bad period', async () => {
    const { body } = await t.gql(LEDGER, { period: { from: '2026-03-31', to: '2026-03-01' }, groupBy: [] }, headers.analyst);
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period.to' });
    const twice = await t.gql(LEDGER, { period: MARCH, groupBy: ['UNIT', 'UNIT'] }, headers.analyst);
    expect(twice.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
  });
});
