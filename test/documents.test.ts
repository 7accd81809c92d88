/**
 * Supervision documents over real HTTP and FerretDB: the whole path lead → document → receipt →
 * report to superior → answer → acceptance → lead resolved; objections upheld, revised and withdrawn;
 * deadlines at day n and n+1 with the hub's clock moved (working days across a weekend and a holiday
 * configured on DATA_LATE_ENTRY, calendar months across month ends); who sees what; two concurrent
 * answers; numbers under concurrent issuing; bad input naming its field; lead assignment and reopening.
 */
import { Types } from 'mongoose';
import { newLead } from '../datasources/services/leads';
import { detentionInput, personId } from './fixtures';
import { pushLines, registerCustodySource, startTestHub, type TestHub, type TestSource } from './helpers';

/** 10:00 Beijing time on a date. The tests move the hub's clock forward only, in the order they run. */
const at = (date: string) => Date.parse(`${date}T10:00:00+08:00`);

const DOC = `id number kind kindLabel status urgent office region { code } addressee { code name } facts request revision
  receivedAt dueDate daysLeft overdue outcome answeredAt
  report { required superior { code } withinWorkingDays dueDate reportedAt reportedTo { code } late }
  answers { actor text rectification late dueDate }
  objections { reasons revision decision decidedBy decisionNote }
  leads { rule ruleTitle explanation lead { id status } }
  records { id domain externalId }
  history { actor role org action note }`;
const ISSUE = `mutation($input: IssueDocumentInput!) { issueDocument(input: $input) { ${DOC} } }`;
const GET = `query($id: ID!) { supervisionDocument(id: $id) { ${DOC} } }`;
const LIST = `query($filter: DocumentFilter) { supervisionDocuments(filter: $filter, first: 50) { totalCount edges { node { id number status daysLeft overdue } } } }`;
const SIGN = `mutation($id: ID!) { signDocumentReceipt(id: $id) { ${DOC} } }`;
const REPORT = `mutation($id: ID!, $superior: DepartmentInput!, $note: String!) { reportDocumentToSuperior(id: $id, superior: $superior, note: $note) { ${DOC} } }`;
const ANSWER = `mutation($id: ID!, $input: DocumentAnswerInput!) { answerDocument(id: $id, input: $input) { ${DOC} } }`;
const OBJECT = `mutation($id: ID!, $reasons: String!) { objectToDocument(id: $id, reasons: $reasons) { ${DOC} } }`;
const REVISE = `mutation($id: ID!, $input: ReviseDocumentInput!) { reviseDocument(id: $id, input: $input) { ${DOC} } }`;
const UPHOLD = `mutation($id: ID!, $reasons: String!) { upholdDocument(id: $id, reasons: $reasons) { ${DOC} } }`;
const WITHDRAW = `mutation($id: ID!, $note: String!) { withdrawDocument(id: $id, note: $note) { ${DOC} } }`;
const ACCEPT = `mutation($id: ID!, $outcome: Rectification!, $note: String!) { acceptDocumentAnswer(id: $id, outcome: $outcome, note: $note) { ${DOC} } }`;
const ALERTS = `{ documentAlerts { kind days document { id number } } }`;
const LEAD = `query($filter: LeadFilter) { supervisionLeads(filter: $filter, first: 5) { edges { node { id status assignee { sub office } history { actor status note } } } } }`;
const RULE = `mutation($p: JSON!) { updateSupervisionRule(id: "DATA_LATE_ENTRY", parameters: $p, note: "国庆假期") { id } }`;
const WORKFLOW = `mutation($code: String!, $superior: DepartmentInput, $n: Int, $note: String!) {
  updateDepartmentWorkflow(code: $code, superior: $superior, reportWithinWorkingDays: $n, note: $note) { departments { code superior { code } reportWithinWorkingDays } } }`;

describe('supervision documents', () => {
  let t: TestHub;
  let now = at('2026-03-02');
  let source: TestSource;
  let procurator: Record<string, string>;
  let otherProcurator: Record<string, string>;
  let department: Record<string, string>;
  let unit: Record<string, string>;
  let foreign: Record<string, string>;
  let analyst: Record<string, string>;
  let record: { id: string; externalId: string; sourceId: Types.ObjectId; idNumber: string };
  let n = 0;

  /** A lead about a fresh record of the detention centre KSS-500101, stored as the evaluation stores one. */
  async function makeLead(): Promise<string> {
    n++;
    const idNumber = personId(n);
    const input = detentionInput(idNumber, n);
    const res = await pushLines(t, source, [JSON.stringify(input)]);
    expect(res.status).toBe(200);
    const stored = (await t.hub.sources.models.records.DETENTION.collection.findOne({ externalId: input.externalId }))!;
    record = { id: stored._id.toHexString(), externalId: input.externalId, sourceId: stored.sourceId, idNumber };
    const lead = newLead(
      {
        rule: 'DET_OVERDUE_STAGE',
        severity: 'HIGH',
        idNumber,
        region: '500101',
        numbers: { days: 47 },
        explanation: `审查起诉阶段在押 47 天（测试 ${n}）`,
        explanationEn: `47 days in custody at prosecution review (test ${n})`,
        fingerprint: `test-${n}`,
      },
      [{ domain: 'DETENTION', sourceId: stored.sourceId.toHexString(), externalId: input.externalId }],
      '王伟',
      new Date(now),
    );
    await t.hub.sources.leads.insertFound([lead]);
    const found = await t.hub.sources.leads.models.Lead.collection.findOne({ key: lead.key });
    return found!._id.toHexString();
  }

  const input = (leads: string[], over: Record<string, unknown> = {}) => ({
    kind: 'RECOMMENDATION',
    addressee: { code: 'KSS-500101', name: '重庆市万州区看守所' },
    leads,
    facts: '犯罪嫌疑人王某审查起诉阶段在押 47 天，超过法定期限。',
    legalBasis: '《中华人民共和国刑事诉讼法》第一百七十二条',
    request: '立即依法变更强制措施，并于回复期限内书面回复整改情况。',
    ...over,
  });

  async function issue(over: Record<string, unknown> = {}, leads?: string[]) {
    const { body } = await t.gql(ISSUE, { input: input(leads ?? [await makeLead()], over) }, procurator);
    expect(body.errors).toBeUndefined();
    return body.data.issueDocument;
  }

  async function received(over: Record<string, unknown> = {}) {
    const doc = await issue(over);
    const { body } = await t.gql(SIGN, { id: doc.id }, department);
    expect(body.errors).toBeUndefined();
    return body.data.signDocumentReceipt;
  }

  beforeAll(async () => {
    t = await startTestHub({ clock: () => now });
    source = await registerCustodySource(t);
    const bearer = async (claims: Parameters<TestHub['token']>[0], purpose = true) => ({
      authorization: `Bearer ${await t.token(claims)}`,
      ...(purpose ? { 'x-purpose': 'JD-2026-001' } : {}),
    });
    procurator = await bearer({ role: 'PROCURATOR', org: 'JCY-500101', regions: ['500101'], sub: 'p-wanzhou' });
    otherProcurator = await bearer({ role: 'PROCURATOR', org: 'JCY-500102', regions: ['500102'], sub: 'p-fuling' });
    department = await bearer({ role: 'DEPARTMENT', org: 'KSS-500101', regions: ['500101'], sub: 'd-kss' }, false);
    unit = await bearer({ role: 'DEPARTMENT', org: 'KSS-500101-2', regions: ['500101'], sub: 'd-unit' }, false);
    foreign = await bearer({ role: 'DEPARTMENT', org: 'KSS-500102', regions: ['500102'], sub: 'd-foreign' }, false);
    analyst = await bearer({ role: 'ANALYST', org: 'FX', regions: ['50'], sub: 'a-1' }, false);
  });
  afterAll(async () => {
    await t.close();
  });

  it('carries a lead through document, receipt, report to superior, answer and acceptance to RESOLVED', async () => {
    now = at('2026-03-02'); // a Monday
    const wf = await t.admin(WORKFLOW, {
      code: 'KSS-500101',
      superior: { code: 'KSS-50', name: '重庆市看守所管理总队' },
      n: 5,
      note: '市局要求 5 个工作日内报告',
    });
    expect(wf.body.errors).toBeUndefined();
    const leadId = await makeLead();
    const { body: issued } = await t.gql(ISSUE, { input: input([leadId]) }, procurator);
    expect(issued.errors).toBeUndefined();
    const doc = issued.data.issueDocument;
    expect(doc).toMatchObject({
      number: '渝检建〔2026〕1号',
      kind: 'RECOMMENDATION',
      kindLabel: '检察建议',
      status: 'ISSUED',
      office: 'JCY-500101',
      region: { code: '500101' },
      dueDate: null,
      daysLeft: null,
      overdue: false,
    });
    expect(doc.history).toEqual([
      { actor: 'p-wanzhou', role: 'PROCURATOR', org: 'JCY-500101', action: 'ISSUE', note: '制发 渝检建〔2026〕1号' },
    ]);
    const { body: acknowledged } = await t.gql(LEAD, { filter: { status: ['ACKNOWLEDGED'] } }, procurator);
    expect(acknowledged.data.supervisionLeads.edges.map((e: any) => e.node.id)).toContain(leadId);

    // The department sees it, with its own record and the lead's explanation, not the lead itself.
    const { body: mine } = await t.gql(LIST, {}, department);
    expect(mine.data.supervisionDocuments.edges.map((e: any) => e.node.number)).toEqual(['渝检建〔2026〕1号']);
    now = at('2026-03-03');
    const { body: signed } = await t.gql(SIGN, { id: doc.id }, department);
    expect(signed.errors).toBeUndefined();
    expect(signed.data.signDocumentReceipt).toMatchObject({
      status: 'RECEIVED',
      dueDate: '2026-05-03',
      daysLeft: 61,
      report: { required: true, superior: { code: 'KSS-50' }, withinWorkingDays: 5, dueDate: '2026-03-10', reportedAt: null, late: null },
      leads: [
        { rule: 'DET_OVERDUE_STAGE', ruleTitle: '超期羁押', explanation: expect.stringMatching(/^审查起诉阶段在押 47 天/), lead: null },
      ],
      records: [{ id: record.id, domain: 'DETENTION', externalId: record.externalId }],
    });

    now = at('2026-03-10');
    const { body: reported } = await t.gql(
      REPORT,
      { id: doc.id, superior: { code: 'KSS-50', name: '重庆市看守所管理总队' }, note: '已报总队备案' },
      department,
    );
    expect(reported.errors).toBeUndefined();
    expect(reported.data.reportDocumentToSuperior.report).toMatchObject({ reportedTo: { code: 'KSS-50' }, late: false });

    now = at('2026-04-20');
    const { body: answered } = await t.gql(
      ANSWER,
      {
        id: doc.id,
        input: { text: '已于 4 月 18 日变更强制措施为取保候审。', measures: '建立羁押期限届满前 7 日提醒制度', rectification: 'RECTIFIED' },
      },
      department,
    );
    expect(answered.errors).toBeUndefined();
    expect(answered.data.answerDocument).toMatchObject({
      status: 'ANSWERED',
      answers: [{ actor: 'd-kss', rectification: 'RECTIFIED', late: false, dueDate: '2026-05-03' }],
    });

    const { body: accepted } = await t.gql(ACCEPT, { id: doc.id, outcome: 'RECTIFIED', note: '经核查，已整改到位' }, procurator);
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data.acceptDocumentAnswer).toMatchObject({ status: 'CLOSED', outcome: 'RECTIFIED' });
    expect(accepted.data.acceptDocumentAnswer.history.map((h: any) => h.action)).toEqual([
      'ISSUE',
      'SIGN_RECEIPT',
      'REPORT_TO_SUPERIOR',
      'ANSWER',
      'ACCEPT',
    ]);
    const { body: resolved } = await t.gql(LEAD, { filter: { status: ['RESOLVED'] } }, procurator);
    const lead = resolved.data.supervisionLeads.edges.find((e: any) => e.node.id === leadId).node;
    expect(lead.history.at(-1)).toEqual({
      actor: 'p-wanzhou',
      status: 'RESOLVED',
      note: '检察建议 渝检建〔2026〕1号 已整改：经核查，已整改到位',
    });
    expect(lead.history[1]).toEqual({ actor: 'p-wanzhou', status: 'ACKNOWLEDGED', note: '已制发检察建议 渝检建〔2026〕1号' });

    // A resolved lead is reopened with a reason, not by updateLeadStatus.
    const STATUS = `mutation($id: ID!) { updateLeadStatus(id: $id, status: ACKNOWLEDGED, note: "再看") { id } }`;
    const refused = await t.gql(STATUS, { id: leadId }, procurator);
    expect(refused.body.errors[0].message).toBe('status: a RESOLVED lead is reopened with reopenLead and a reason, not updateLeadStatus');
    const REOPEN = `mutation($id: ID!, $reason: String!) { reopenLead(id: $id, reason: $reason) { status history { actor status note } } }`;
    const noReason = await t.gql(REOPEN, { id: leadId, reason: ' ' }, procurator);
    expect(noReason.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const reopened = await t.gql(REOPEN, { id: leadId, reason: '复查发现再次超期' }, procurator);
    expect(reopened.body.data.reopenLead.status).toBe('ACKNOWLEDGED');
    expect(reopened.body.data.reopenLead.history.at(-1)).toEqual({
      actor: 'p-wanzhou',
      status: 'ACKNOWLEDGED',
      note: '重新受理 (reopened): 复查发现再次超期',
    });
    const again = await t.gql(REOPEN, { id: leadId, reason: 'x' }, procurator);
    expect(again.body.errors[0].extensions.field).toBe('id');
  });

  it('assigns a lead to a procurator of the office that owns its region', async () => {
    const leadId = await makeLead();
    const ASSIGN = `mutation($id: ID!, $sub: String!, $office: String!) { assignLead(id: $id, assignee: $sub, office: $office, note: "承办") { assignee { sub office at } history { note } } }`;
    const wrong = await t.gql(ASSIGN, { id: leadId, sub: 'p-2', office: 'JCY-500102' }, procurator);
    expect(wrong.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'office' });
    const bad = await t.gql(ASSIGN, { id: leadId, sub: 'p-2', office: 'FY-500101' }, procurator);
    expect(bad.body.errors[0].extensions.field).toBe('office');
    const ok = await t.gql(ASSIGN, { id: leadId, sub: 'p-2', office: 'JCY-5001' }, procurator);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.assignLead.assignee).toEqual({ sub: 'p-2', office: 'JCY-5001', at: new Date(now).toISOString() });
    expect(ok.body.data.assignLead.history.at(-1).note).toBe('指派 p-2 (JCY-5001): 承办');
    const outside = await t.gql(ASSIGN, { id: leadId, sub: 'p-3', office: 'JCY-500102' }, otherProcurator);
    expect(outside.body.errors[0].extensions.field).toBe('id');
  });

  it('lets a department see and act on its own documents only; others learn nothing', async () => {
    const doc = await issue();
    const foreignList = await t.gql(LIST, {}, foreign);
    expect(foreignList.body.data.supervisionDocuments.totalCount).toBe(0);
    expect((await t.gql(GET, { id: doc.id }, foreign)).body.data.supervisionDocument).toBeNull();
    const signForeign = await t.gql(SIGN, { id: doc.id }, foreign);
    const signNone = await t.gql(SIGN, { id: new Types.ObjectId().toHexString() }, foreign);
    expect(signForeign.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(signForeign.body.errors[0].message.replace(doc.id, 'X')).toBe(signNone.body.errors[0].message.replace(/[0-9a-f]{24}/, 'X'));
    // A unit of the department does not see its parent's documents; the parent sees its units'.
    expect((await t.gql(GET, { id: doc.id }, unit)).body.data.supervisionDocument).toBeNull();
    const toUnit = await issue({ addressee: { code: 'KSS-500101-2', name: '万州区看守所二所' } });
    expect((await t.gql(GET, { id: toUnit.id }, department)).body.data.supervisionDocument.number).toBe(toUnit.number);
    expect((await t.gql(GET, { id: toUnit.id }, unit)).body.data.supervisionDocument.number).toBe(toUnit.number);
    // Another district's procurator neither sees it nor issues from this district's leads.
    expect((await t.gql(GET, { id: doc.id }, otherProcurator)).body.data.supervisionDocument).toBeNull();
    const fromForeignLead = await t.gql(ISSUE, { input: input([await makeLead()]) }, otherProcurator);
    expect(fromForeignLead.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'leads[0]' });
    // Wrong side and wrong role.
    const procuratorSigns = await t.gql(SIGN, { id: doc.id }, procurator);
    expect(procuratorSigns.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const departmentAccepts = await t.gql(ACCEPT, { id: doc.id, outcome: 'RECTIFIED', note: 'x' }, department);
    expect(departmentAccepts.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await t.gql(LIST, {}, analyst)).body.errors[0].extensions.code).toBe('FORBIDDEN');
    // A department sees records only of its own sources: a document resting on another department's record shows none.
    const other = await registerCustodySource(t, { name: '万州区拘留所', code: 'JLS-500101', department: '重庆市万州区拘留所' });
    const input2 = detentionInput(personId(900), 900, { facility: { code: 'JLS-500101', name: '重庆市万州区拘留所' } });
    expect((await pushLines(t, other, [JSON.stringify(input2)])).status).toBe(200);
    const otherRecord = (await t.hub.sources.models.records.DETENTION.collection.findOne({ externalId: input2.externalId }))!;
    const mixed = await issue({ records: [{ domain: 'DETENTION', id: otherRecord._id.toHexString() }] });
    expect(mixed.records).toHaveLength(2);
    const seen = (await t.gql(GET, { id: mixed.id }, department)).body.data.supervisionDocument;
    expect(seen.records.map((r: any) => r.externalId)).toEqual([record.externalId]);
  });

  it('keeps one of two concurrent answers; the other is told the document changed', async () => {
    const doc = await received();
    const answer = (text: string) =>
      t.gql(ANSWER, { id: doc.id, input: { text, measures: '整改', rectification: 'PARTLY_RECTIFIED' } }, department);
    const results = await Promise.all([answer('回复甲'), answer('回复乙')]);
    const ok = results.filter((r) => !r.body.errors);
    const failed = results.filter((r) => r.body.errors);
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0].body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(failed[0].body.errors[0].message).toMatch(/changed by someone else just now|does not allow ANSWER/);
    const stored = (await t.gql(GET, { id: doc.id }, procurator)).body.data.supervisionDocument;
    expect(stored.answers).toHaveLength(1);
    expect(stored.history.filter((h: any) => h.action === 'ANSWER')).toHaveLength(1);
  });

  it('upholds an objection with reasons, the deadline unchanged, and refuses a second one on the same text', async () => {
    now = at('2026-05-04'); // a Monday
    const doc = await received({ kind: 'CORRECTION_NOTICE' });
    expect(doc.number).toMatch(/^渝检纠〔2026〕\d+号$/);
    expect(doc.dueDate).toBe('2026-05-19');
    now = at('2026-05-07');
    const objected = await t.gql(OBJECT, { id: doc.id, reasons: '羁押期限已依法延长，有延长决定书' }, department);
    expect(objected.body.data.objectToDocument.status).toBe('OBJECTED');
    const alerts = await t.gql(ALERTS, {}, procurator);
    expect(alerts.body.data.documentAlerts).toContainEqual({
      kind: 'OBJECTION_PENDING',
      days: 0,
      document: { id: doc.id, number: doc.number },
    });
    const upheld = await t.gql(UPHOLD, { id: doc.id, reasons: '延长决定书送达晚于期限届满' }, procurator);
    expect(upheld.body.data.upholdDocument).toMatchObject({
      status: 'RECEIVED',
      dueDate: '2026-05-19',
      objections: [{ revision: 1, decision: 'UPHELD', decidedBy: 'p-wanzhou', decisionNote: '延长决定书送达晚于期限届满' }],
    });
    const twice = await t.gql(OBJECT, { id: doc.id, reasons: '再议' }, department);
    expect(twice.body.errors[0].message).toMatch(/revision 1\) was objected to once already/);
  });

  it('revises on an objection (the deadline restarts from the revision) or withdraws the document', async () => {
    now = at('2026-05-11');
    const doc = await received({ kind: 'CORRECTION_NOTICE' });
    now = at('2026-05-18');
    await t.gql(OBJECT, { id: doc.id, reasons: '事实认定有误' }, department);
    const emptyRevision = await t.gql(REVISE, { id: doc.id, input: { note: '改' } }, procurator);
    expect(emptyRevision.body.errors[0].extensions.field).toBe('request');
    const revised = await t.gql(REVISE, { id: doc.id, input: { facts: '更正后的事实', note: '部分采纳异议' } }, procurator);
    expect(revised.body.data.reviseDocument).toMatchObject({
      status: 'RECEIVED',
      revision: 2,
      facts: '更正后的事实',
      dueDate: '2026-06-02',
      objections: [{ decision: 'REVISED' }],
    });
    const withdrawnDoc = await received({ kind: 'CORRECTION_NOTICE' });
    await t.gql(OBJECT, { id: withdrawnDoc.id, reasons: '该情形已由法院处理' }, department);
    const withdrawn = await t.gql(WITHDRAW, { id: withdrawnDoc.id, note: '异议成立，撤回' }, procurator);
    expect(withdrawn.body.data.withdrawDocument).toMatchObject({ status: 'WITHDRAWN', objections: [{ decision: 'WITHDRAWN' }] });
    const afterwards = await t.gql(
      ANSWER,
      { id: withdrawnDoc.id, input: { text: 'x', measures: 'x', rectification: 'RECTIFIED' } },
      department,
    );
    expect(afterwards.body.errors[0].message).toMatch(/a WITHDRAWN document does not allow ANSWER/);
  });

  it('asks again for an answer that does not settle it, and closes without resolving the leads when not rectified', async () => {
    now = at('2026-05-25');
    const doc = await received();
    const ASK = `mutation($id: ID!, $note: String!, $days: Int) { askDocumentAgain(id: $id, note: $note, replyWithinDays: $days) { ${DOC} } }`;
    const CLOSE = `mutation($id: ID!, $outcome: Rectification!, $note: String!) { closeDocument(id: $id, outcome: $outcome, note: $note) { ${DOC} } }`;
    const tooEarly = await t.gql(ASK, { id: doc.id, note: '未说明', days: 10 }, procurator);
    expect(tooEarly.body.errors[0].message).toMatch(/a RECEIVED document does not allow ASK_AGAIN \(only ANSWERED\)/);
    await t.gql(ANSWER, { id: doc.id, input: { text: '正在研究', measures: '无', rectification: 'NOT_RECTIFIED' } }, department);
    now = at('2026-05-27');
    const asked = await t.gql(ASK, { id: doc.id, note: '回复未说明具体措施', days: 10 }, procurator);
    expect(asked.body.data.askDocumentAgain).toMatchObject({ status: 'RECEIVED', dueDate: '2026-06-06', daysLeft: 10 });
    await t.gql(ANSWER, { id: doc.id, input: { text: '仍未整改', measures: '已报上级', rectification: 'NOT_RECTIFIED' } }, department);
    const closed = await t.gql(CLOSE, { id: doc.id, outcome: 'NOT_RECTIFIED', note: '移送上一级院督促' }, procurator);
    expect(closed.body.data.closeDocument).toMatchObject({ status: 'CLOSED', outcome: 'NOT_RECTIFIED' });
    expect(closed.body.data.closeDocument.answers).toHaveLength(2);
    const leadId = closed.body.data.closeDocument.leads[0].lead.id;
    expect(closed.body.data.closeDocument.leads[0].lead.status).toBe('ACKNOWLEDGED');
    expect(leadId).toMatch(/^[0-9a-f]{24}$/);
    // A unit follows its department's report-to-superior rule.
    const toUnit = await issue({ addressee: { code: 'KSS-500101-2', name: '万州区看守所二所' } });
    const signed = await t.gql(SIGN, { id: toUnit.id }, unit);
    expect(signed.body.data.signDocumentReceipt.report).toMatchObject({
      required: true,
      superior: { code: 'KSS-50' },
      withinWorkingDays: 5,
    });
  });

  it('names the field of bad input', async () => {
    now = at('2026-06-01');
    const leadId = await makeLead();
    const cases: [Record<string, unknown>, string][] = [
      [{ facts: '  ' }, 'facts'],
      [{ addressee: { code: 'KSS 500101', name: 'x' } }, 'addressee.code'],
      [{ leads: ['0123456789abcdef01234567'] }, 'leads[0]'],
      [{ leads: [], records: [] }, 'leads'],
      [{ leads: [], records: [{ domain: 'DETENTION', id: 'nope' }] }, 'records[0].id'],
      [{ kind: 'CORRECTION_NOTICE', replyWithinDays: 20 }, 'replyWithinDays'],
      [{ request: 'x'.repeat(5001) }, 'request'],
    ];
    for (const [over, field] of cases) {
      const { body } = await t.gql(ISSUE, { input: input([leadId], over) }, procurator);
      expect({ field, got: body.errors?.[0].extensions }).toEqual({
        field,
        got: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
      });
    }
    const doc = await received();
    const attachment = await t.gql(
      ANSWER,
      { id: doc.id, input: { text: 'x', measures: 'x', rectification: 'RECTIFIED', attachments: ['abc'] } },
      department,
    );
    expect(attachment.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachments[0]' });
    const settings = await t.admin(`mutation { updateDocumentSettings(settings: {dueSoonDays: -1}, note: "x") { settings } }`);
    expect(settings.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'settings' });
    expect(settings.body.errors[0].message).toMatch(/settings\.dueSoonDays/);
    const workflow = await t.admin(WORKFLOW, { code: 'KSS-500101', superior: { code: 'KSS-50', name: '总队' }, n: 0, note: 'x' });
    expect(workflow.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reportWithinWorkingDays' });
  });

  it('keeps settings changes with their reasons and applies the number prefix', async () => {
    const CHANGE = `mutation($s: JSON!, $note: String!) { updateDocumentSettings(settings: $s, note: $note) { settings changes { actor change note } } }`;
    const refused = await t.gql(CHANGE, { s: { dueSoonDays: 3 }, note: 'x' }, procurator);
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const ok = await t.admin(CHANGE, { s: { numberPrefixes: { CORRECTION_NOTICE: '渝万检纠' } }, note: '万州院文号' });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.updateDocumentSettings.settings.numberPrefixes).toEqual({
      RECOMMENDATION: '渝检建',
      CORRECTION_NOTICE: '渝万检纠',
    });
    expect(ok.body.data.updateDocumentSettings.changes).toEqual([
      { actor: 'test-admin', change: { numberPrefixes: { CORRECTION_NOTICE: '渝万检纠' } }, note: '万州院文号' },
    ]);
    const doc = await issue({ kind: 'CORRECTION_NOTICE' });
    expect(doc.number).toMatch(/^渝万检纠〔2026〕1号$/);
    const read = await t.gql(`{ documentSettings { settings departments { code reportWithinWorkingDays } } }`, {}, department);
    expect(read.body.data.documentSettings.departments).toEqual([{ code: 'KSS-500101', reportWithinWorkingDays: 5 }]);
    // Another department's rule is not shown to a department it does not bind.
    await t.admin(WORKFLOW, { code: 'GTJ-500101', superior: { code: 'GTJ-50', name: '重庆市规划和自然资源局' }, n: 5, note: '市局规定' });
    const own = await t.gql(`{ documentSettings { departments { code } } }`, {}, department);
    expect(own.body.data.documentSettings.departments).toEqual([{ code: 'KSS-500101' }]);
    const everyone = await t.gql(`{ documentSettings { departments { code } } }`, {}, procurator);
    expect(everyone.body.data.documentSettings.departments).toEqual([{ code: 'GTJ-500101' }, { code: 'KSS-500101' }]);
  });
  it('counts working days across a weekend and a configured holiday: due on day n, overdue on day n+1', async () => {
    const holiday = await t.admin(RULE, { p: { holidays: ['2026-10-01', '2026-10-02'] } });
    expect(holiday.body.errors).toBeUndefined();
    now = at('2026-09-25'); // a Friday
    const doc = await received({ urgent: true });
    // Mon 28, Tue 29, Wed 30, (Thu 1, Fri 2 holidays, weekend), Mon 5, Tue 6
    expect(doc).toMatchObject({ urgent: true, dueDate: '2026-10-06', report: { dueDate: '2026-10-06' } });
    now = at('2026-10-06');
    let seen = (await t.gql(GET, { id: doc.id }, procurator)).body.data.supervisionDocument;
    expect(seen).toMatchObject({ daysLeft: 0, overdue: false });
    let alerts = (await t.gql(ALERTS, {}, procurator)).body.data.documentAlerts.filter((a: any) => a.document.id === doc.id);
    expect(alerts).toEqual([{ kind: 'DUE_SOON', days: 0, document: { id: doc.id, number: doc.number } }]);
    now = at('2026-10-07');
    seen = (await t.gql(GET, { id: doc.id }, procurator)).body.data.supervisionDocument;
    expect(seen).toMatchObject({ daysLeft: -1, overdue: true });
    alerts = (await t.gql(ALERTS, {}, procurator)).body.data.documentAlerts.filter((a: any) => a.document.id === doc.id);
    expect(alerts.map((a: any) => [a.kind, a.days])).toEqual([
      ['OVERDUE', 1],
      ['REPORT_OVERDUE', 1],
    ]);
    const overdue = (await t.gql(LIST, { filter: { overdue: true } }, procurator)).body.data.supervisionDocuments;
    expect(overdue.edges.map((e: any) => e.node.id)).toContain(doc.id);
    const late = await t.gql(REPORT, { id: doc.id, superior: { code: 'KSS-50', name: '重庆市看守所管理总队' }, note: '补报' }, department);
    expect(late.body.data.reportDocumentToSuperior.report.late).toBe(true);
    const answered = await t.gql(
      ANSWER,
      { id: doc.id, input: { text: '逾期回复', measures: '整改', rectification: 'NOT_RECTIFIED' } },
      department,
    );
    expect(answered.body.data.answerDocument.answers[0]).toMatchObject({ late: true, dueDate: '2026-10-06' });
    await t.admin(RULE, { p: { holidays: [] } });
  });

  it('counts calendar months across month ends: received 12-31, due 02-28', async () => {
    now = at('2026-12-31');
    const doc = await received();
    expect(doc.number).toMatch(/^渝检建〔2026〕\d+号$/);
    expect(doc.dueDate).toBe('2027-02-28');
    now = at('2027-02-28');
    expect((await t.gql(GET, { id: doc.id }, procurator)).body.data.supervisionDocument).toMatchObject({ daysLeft: 0, overdue: false });
    const soon = (await t.gql(LIST, { filter: { dueWithinDays: 0 } }, procurator)).body.data.supervisionDocuments;
    expect(soon.edges.map((e: any) => e.node.id)).toContain(doc.id);
    now = at('2027-03-01');
    expect((await t.gql(GET, { id: doc.id }, procurator)).body.data.supervisionDocument).toMatchObject({ daysLeft: -1, overdue: true });
    // A new year starts its numbers at 1.
    const next = await issue();
    expect(next.number).toBe('渝检建〔2027〕1号');
  });

  it('numbers concurrent documents without gaps or duplicates', async () => {
    now = at('2028-01-10');
    const leads = [];
    for (let i = 0; i < 5; i++) leads.push(await makeLead());
    const results = await Promise.all(leads.map((l) => t.gql(ISSUE, { input: input([l]) }, procurator)));
    for (const r of results) expect(r.body.errors).toBeUndefined();
    expect(results.map((r) => r.body.data.issueDocument.number).sort()).toEqual([1, 2, 3, 4, 5].map((k) => `渝检建〔2028〕${k}号`));
  });

  it('filters documents by kind, status, addressee and issue time, refusing a bad filter by its field', async () => {
    const count = async (filter: Record<string, unknown>, headers = procurator) => {
      const { body } = await t.gql(LIST, { filter }, headers);
      expect(body.errors).toBeUndefined();
      return body.data.supervisionDocuments.totalCount as number;
    };
    const all = await count({});
    const notices = await count({ kind: ['CORRECTION_NOTICE'] });
    const recommendations = await count({ kind: ['RECOMMENDATION'] });
    expect(notices).toBeGreaterThan(0);
    expect(notices + recommendations).toBe(all);
    expect(await count({ status: ['WITHDRAWN'] })).toBe(1);
    expect(await count({ addressee: 'KSS-500101-2' })).toBe(2);
    expect(await count({ addressee: 'KSS-500101' })).toBe(all);
    expect(await count({ issuedFrom: '2028-01-01T00:00:00+08:00' })).toBe(5);
    expect(await count({ issuedFrom: '2027-01-01T00:00:00+08:00', issuedTo: '2028-01-01T00:00:00+08:00' })).toBe(1);
    expect(await count({ regions: ['500102'] })).toBe(0);
    expect(await count({}, otherProcurator)).toBe(0);
    const admin = { authorization: `Bearer ${await t.token({ role: 'ADMIN' })}` };
    expect(await count({ kind: ['CORRECTION_NOTICE'] }, admin)).toBe(notices);
    const adminAlerts = await t.gql(ALERTS, {}, admin);
    expect(adminAlerts.body.errors).toBeUndefined();
    expect(adminAlerts.body.data.documentAlerts.length).toBeGreaterThan(0);
    const bad = await t.gql(LIST, { filter: { dueWithinDays: -1 } }, procurator);
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.dueWithinDays' });
    // Pages of two, newest first, with every document once; a lead's cursor is refused.
    const PAGE = `query($after: String) { supervisionDocuments(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`;
    const ids: string[] = [];
    for (let after: string | null = null, more = true; more;) {
      const page: any = (await t.gql(PAGE, { after }, procurator)).body.data.supervisionDocuments;
      ids.push(...page.edges.map((e: any) => e.node.id));
      ({ hasNextPage: more, endCursor: after } = page.pageInfo);
    }
    expect(ids).toHaveLength(all);
    expect(new Set(ids).size).toBe(all);
    expect([...ids].sort().reverse()).toEqual(ids);
    const leadCursor = Buffer.from(`lead:${ids[0]}`).toString('base64url');
    const wrongCursor = await t.gql(PAGE, { after: leadCursor }, procurator);
    expect(wrongCursor.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const badRegion = await t.gql(LIST, { filter: { regions: ['5x'] } }, procurator);
    expect(badRegion.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.regions[0]' });
  });
});
