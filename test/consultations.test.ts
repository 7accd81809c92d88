/**
 * Two-way consultations (双向咨询) over real HTTP and the real store: opened from either side, a thread
 * with attachments, closed with a settlement note, nothing posted after the close (also when a message
 * races the close), a third unit neither sees nor acts (the same error as an unknown id), bad input
 * naming its field, and counts equal to a hand count.
 */
import { createHash } from 'node:crypto';
import { startTestHub, type TestHub } from './helpers';
import { enforcementInput, personId } from './fixtures';

const OPEN = `mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
  id status openedBy topic subject question office { code name } department { code name }
  case { domain recordId caseNumber } attachments { sha256 size contentType url } history { action actor role org note } } }`;
const GET = `query($id: ID!) { consultation(id: $id) {
  id status settlement closedAt subject office { code } department { code }
  messages { seq side author org text attachments { sha256 url } } history { action actor role org note } } }`;
const LIST = `query($filter: ConsultationFilter, $first: Int, $after: String) { consultations(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id subject status openedBy } } } }`;
const POST = `mutation($id: ID!, $text: String!, $attachments: [String!]) { postConsultationMessage(id: $id, text: $text, attachments: $attachments) {
  id status messages { seq side author org text attachments { sha256 } } } }`;
const CLOSE = `mutation($id: ID!, $settlement: String!) { closeConsultation(id: $id, settlement: $settlement) {
  id status settlement closedAt history { action actor org note } } }`;
const COUNTS = `query($period: ConsultationPeriod!, $groupBy: [ConsultationDimension!]!) { consultationCounts(period: $period, groupBy: $groupBy) {
  keys { dimension value label } count } }`;

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('证据清单 evidence list'), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const MARKET = { code: 'SCJG-500101', name: '重庆市万州区市场监督管理局' };
const OFFICE = { code: 'JCY-500101', name: '重庆市万州区人民检察院' };

describe('two-way consultations', () => {
  let t: TestHub;
  let offset = 0;
  /** sets the hub's clock to an instant (later calls only move it on) */
  const clockAt = (iso: string) => {
    offset = Date.parse(iso) - Date.now();
  };
  const headers: Record<string, Record<string, string>> = {};
  const as = (who: string, query: string, variables?: Record<string, unknown>) => t.gql(query, variables, headers[who]);
  let recordId: string;

  beforeAll(async () => {
    t = await startTestHub({ clock: () => Date.now() + offset });
    const people = {
      pro: { role: 'PROCURATOR', org: 'JCY-500101', sub: 'pro-wanzhou', regions: ['500101'] },
      pro2: { role: 'PROCURATOR', org: 'JCY-500102', sub: 'pro-fuling', regions: ['500102'] },
      dep: { role: 'DEPARTMENT', org: 'SCJG-500101', sub: 'dep-market', regions: ['500101'] },
      dep2: { role: 'DEPARTMENT', org: 'STHJ-500101', sub: 'dep-env', regions: ['500101'] },
      analyst: { role: 'ANALYST', org: 'JCY-50', sub: 'analyst-1', regions: ['50'] },
      admin: { role: 'ADMIN', org: 'HUB', sub: 'admin-1', regions: ['50'] },
    } as const;
    for (const [who, claims] of Object.entries(people)) {
      headers[who] = { authorization: `Bearer ${await t.token({ ...claims, regions: [...claims.regions] })}` };
      if (claims.role === 'PROCURATOR') headers[who]['x-purpose'] = encodeURIComponent('渝检咨〔2026〕1号');
    }
    headers.proNoPurpose = { authorization: headers.pro.authorization };
    // the market bureau's own enforcement case, in 500101
    const source = await t.hub.sources.registry.ensure({
      name: '万州区市场监管 执法办案系统',
      department: MARKET,
      domain: 'ENFORCEMENT_CASE',
      kind: 'HOSTED',
      regions: ['500101'],
    });
    const r = await t.hub.sources.ingestor.ingest(source, [enforcementInput(personId(1), 1)]);
    expect(r.rejected).toEqual([]);
    const stored = await t.hub.sources.models.records.ENFORCEMENT_CASE.collection.findOne({});
    recordId = String(stored!._id);
    for (const [file, type, who] of [
      [PDF, 'application/pdf', 'pro'],
      [PNG, 'image/png', 'dep'],
    ] as const) {
      const res = await fetch(`${t.url}/attachments`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: headers[who].authorization },
        body: new Uint8Array(file),
      });
      expect(res.status).toBe(201);
    }
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  let fromProcurator: string;
  let fromDepartment: string;

  it('lets a procurator open one with a department about an enforcement case, with its purpose', async () => {
    const input = {
      department: MARKET,
      topic: 'CASE_TRANSFER',
      subject: '伪劣产品案是否达到移送标准',
      question: '该案涉案金额 12,000 元，请说明销售数量与库存情况，以便判断是否应移送公安机关。',
      case: { recordId },
      attachments: [sha(PDF)],
    };
    const refused = await as('proNoPurpose', OPEN, { input });
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');

    const { body } = await as('pro', OPEN, { input });
    expect(body.errors).toBeUndefined();
    const c = body.data.openConsultation;
    expect(c).toMatchObject({
      status: 'OPEN',
      openedBy: 'PROCURATORATE',
      topic: 'CASE_TRANSFER',
      office: OFFICE,
      department: MARKET,
      case: { domain: 'ENFORCEMENT_CASE', recordId, caseNumber: '万市监罚〔2022〕1号' },
      attachments: [{ sha256: sha(PDF), size: PDF.length, contentType: 'application/pdf', url: `/attachments/${sha(PDF)}` }],
      history: [{ action: 'OPENED', actor: 'pro-wanzhou', role: 'PROCURATOR', org: 'JCY-500101', note: input.subject }],
    });
    fromProcurator = c.id;
    // the department may now download the procurator's file
    const file = await fetch(`${t.url}/attachments/${sha(PDF)}`, { headers: { authorization: headers.dep.authorization } });
    expect(file.status).toBe(200);
  });

  it('lets a department open one with a procuratorate office, its own name taken from its registered sources', async () => {
    const { body } = await as('dep', OPEN, {
      input: {
        office: OFFICE,
        topic: 'LEGAL_APPLICATION',
        subject: '商标侵权案件立案追诉标准咨询',
        question: '非法经营数额如何计算？\n库存未销售部分是否计入？',
        case: { caseNumber: '万市监罚〔2026〕88号' },
      },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.openConsultation).toMatchObject({
      openedBy: 'DEPARTMENT',
      office: OFFICE,
      department: MARKET,
      case: { domain: null, recordId: null, caseNumber: '万市监罚〔2026〕88号' },
      attachments: [],
    });
    fromDepartment = body.data.openConsultation.id;
    for (const who of ['pro', 'dep']) {
      const list = await as(who, LIST, {});
      expect(list.body.errors).toBeUndefined();
      expect(list.body.data.consultations.totalCount).toBe(2);
      // newest opened first
      expect(list.body.data.consultations.edges.map((e: any) => e.node.id)).toEqual([fromDepartment, fromProcurator]);
    }
    const paged = await as('dep', LIST, { first: 1 });
    expect(paged.body.data.consultations.pageInfo.hasNextPage).toBe(true);
    const next = await as('dep', LIST, { first: 1, after: paged.body.data.consultations.pageInfo.endCursor });
    expect(next.body.data.consultations.edges.map((e: any) => e.node.id)).toEqual([fromProcurator]);
    expect(next.body.data.consultations.pageInfo.hasNextPage).toBe(false);
  });

  it('keeps the answers as a thread, each with its side, author and files', async () => {
    const answer = await as('dep', POST, {
      id: fromProcurator,
      text: '已售出 300 件，库存 1,200 件，详见附件照片。',
      attachments: [sha(PNG)],
    });
    expect(answer.body.errors).toBeUndefined();
    const follow = await as('pro', POST, { id: fromProcurator, text: '请补充进货单据。' });
    expect(follow.body.errors).toBeUndefined();
    const { body } = await as('pro', GET, { id: fromProcurator });
    expect(body.data.consultation.messages).toEqual([
      {
        seq: 1,
        side: 'DEPARTMENT',
        author: 'dep-market',
        org: 'SCJG-500101',
        text: '已售出 300 件，库存 1,200 件，详见附件照片。',
        attachments: [{ sha256: sha(PNG), url: `/attachments/${sha(PNG)}` }],
      },
      { seq: 2, side: 'PROCURATORATE', author: 'pro-wanzhou', org: 'JCY-500101', text: '请补充进货单据。', attachments: [] },
    ]);
    // the department's photo was shared with the office
    const file = await fetch(`${t.url}/attachments/${sha(PNG)}`, { headers: headers.pro });
    expect(file.status).toBe(200);
  });

  it('shows a third unit nothing: reading, posting and closing fail as for an unknown id', async () => {
    const unknownId = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const same = (body: any, id: string) => {
      expect(body.data).toBeNull();
      expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
      return body.errors[0].message.replace(id, 'ID');
    };
    for (const who of ['pro2', 'dep2']) {
      const expected = same((await as(who, GET, { id: unknownId })).body, unknownId);
      expect(same((await as(who, GET, { id: fromProcurator })).body, fromProcurator)).toBe(expected);
      expect(same((await as(who, POST, { id: fromProcurator, text: '我也想问' })).body, fromProcurator)).toBe(expected);
      expect(same((await as(who, CLOSE, { id: fromProcurator, settlement: '办结' })).body, fromProcurator)).toBe(expected);
      expect(same((await as(who, POST, { id: unknownId, text: '我也想问' })).body, unknownId)).toBe(expected);
      const list = await as(who, LIST, {});
      expect(list.body.data.consultations).toMatchObject({ totalCount: 0, edges: [] });
    }
    // the PNG was shared with the two parties only
    const file = await fetch(`${t.url}/attachments/${sha(PNG)}`, { headers: { authorization: headers.dep2.authorization } });
    expect(file.status).toBe(404);
    // an administrator reads, but does not take part
    const read = await as('admin', GET, { id: fromProcurator });
    expect(read.body.data.consultation.messages).toHaveLength(2);
    expect((await as('admin', LIST, {})).body.data.consultations.totalCount).toBe(2);
    const post = await as('admin', POST, { id: fromProcurator, text: '管理员' });
    expect(post.body.errors[0].extensions.code).toBe('FORBIDDEN');
    // analysts count, but read no consultation
    expect((await as('analyst', GET, { id: fromProcurator })).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('is closed by either party with a settlement note, and takes no message after', async () => {
    const { body } = await as('dep', CLOSE, {
      id: fromProcurator,
      settlement: '经研究，本案达到移送标准，已于 2026 年 12 月 4 日移送公安机关。',
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.closeConsultation).toMatchObject({
      status: 'CLOSED',
      settlement: '经研究，本案达到移送标准，已于 2026 年 12 月 4 日移送公安机关。',
      history: [
        { action: 'OPENED', actor: 'pro-wanzhou', org: 'JCY-500101' },
        {
          action: 'CLOSED',
          actor: 'dep-market',
          org: 'SCJG-500101',
          note: '经研究，本案达到移送标准，已于 2026 年 12 月 4 日移送公安机关。',
        },
      ],
    });
    expect(body.data.closeConsultation.closedAt).toEqual(expect.any(String));
    // the step is in the audit trail too: who, which consultation, the note as sent
    const log = t.connection.db!.collection('audit_log');
    const entry = await log.findOne({ recordIds: fromProcurator, 'actor.sub': 'dep-market' }, { sort: { _id: -1 } });
    expect(entry).toMatchObject({ actor: { org: 'SCJG-500101', role: 'DEPARTMENT' }, status: 'OK' });
    expect(JSON.parse(entry!.variables).settlement).toBe('经研究，本案达到移送标准，已于 2026 年 12 月 4 日移送公安机关。');
    const late = await as('pro', POST, { id: fromProcurator, text: '还有一个问题' });
    expect(late.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(late.body.errors[0].message).toMatch(/was closed by SCJG-500101 at .*; a closed consultation takes no more messages$/);
    const refusedEntry = await log.findOne({ 'actor.sub': 'pro-wanzhou', status: 'ERROR' }, { sort: { _id: -1 } });
    expect(refusedEntry).toMatchObject({ purpose: '渝检咨〔2026〕1号', errorCodes: ['BAD_USER_INPUT'] });
    const again = await as('pro', CLOSE, { id: fromProcurator, settlement: '再次办结' });
    expect(again.body.errors[0].message).toBe(`id: consultation ${fromProcurator} is closed already`);
    const { body: read } = await as('pro', GET, { id: fromProcurator });
    expect(read.data.consultation.messages).toHaveLength(2);
  });

  it('lets messages racing a close land before it or be refused; two closes at once leave one', async () => {
    const { body } = await as('pro', OPEN, {
      input: { department: MARKET, topic: 'EVIDENCE', subject: '并发测试', question: '问题' },
    });
    const id = body.data.openConsultation.id;
    const posts = Array.from({ length: 6 }, (_, i) => as(i % 2 ? 'pro' : 'dep', POST, { id, text: `消息 ${i}` }));
    const closes = [as('dep', CLOSE, { id, settlement: '办结 A' }), as('pro', CLOSE, { id, settlement: '办结 B' })];
    const [postResults, closeResults] = [await Promise.all(posts), await Promise.all(closes)];
    const closed = closeResults.filter((r) => !r.body.errors);
    expect(closed).toHaveLength(1);
    const lost = closeResults.find((r) => r.body.errors)!;
    expect(lost.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(lost.body.errors[0].message).toMatch(/closed (by someone else just now|already)/);
    const landed = postResults.filter((r) => !r.body.errors);
    for (const r of postResults.filter((p) => p.body.errors)) {
      expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
      expect(r.body.errors[0].message).toMatch(/a closed consultation takes no more messages$/);
    }
    const { body: read } = await as('pro', GET, { id });
    expect(read.data.consultation.status).toBe('CLOSED');
    // exactly the messages that were told they landed, numbered without a gap
    expect(read.data.consultation.messages.map((m: any) => m.seq)).toEqual(landed.map((_, i) => i + 1));
    const landedTexts = postResults.flatMap((r, i) => (r.body.errors ? [] : [`消息 ${i}`]));
    expect(read.data.consultation.messages.map((m: any) => m.text).sort()).toEqual(landedTexts.sort());
    expect(await t.connection.db!.collection('consultation_messages').countDocuments({ consultationId: id })).toBe(landed.length);
  });

  it('names the field of bad input', async () => {
    const base = { department: MARKET, topic: 'OTHER', subject: '主题', question: '问题' };
    const field = async (who: string, query: string, variables: Record<string, unknown>) => {
      const { body } = await as(who, query, variables);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return [body.errors[0].extensions.field, body.errors[0].message];
    };
    expect(await field('pro', OPEN, { input: { ...base, subject: '   ' } })).toEqual([
      'input.subject',
      'input.subject: is required (not blank)',
    ]);
    expect(await field('pro', OPEN, { input: { ...base, question: '问'.repeat(5001) } })).toEqual([
      'input.question',
      'input.question: must be at most 5000 characters, got 5001',
    ]);
    expect((await field('pro', OPEN, { input: { ...base, department: { code: 'SCJG 500101', name: 'x' } } }))[0]).toBe(
      'input.department.code',
    );
    expect((await field('pro', OPEN, { input: { ...base, office: OFFICE } }))[0]).toBe('input.office');
    expect((await field('pro', OPEN, { input: { ...base, department: undefined } }))[0]).toBe('input.department');
    expect((await field('dep', OPEN, { input: { ...base, department: undefined } }))[0]).toBe('input.office');
    expect((await field('pro', OPEN, { input: { ...base, case: {} } }))[0]).toBe('input.case.recordId');
    expect((await field('pro', OPEN, { input: { ...base, attachments: [sha(PDF), 'f'.repeat(64)] } }))[0]).toBe('input.attachments[1]');
    // a record outside the opener's reach is refused as unknown: another district's procurator, another department
    expect(await field('pro2', OPEN, { input: { ...base, case: { recordId } } })).toEqual([
      'input.case.recordId',
      `input.case.recordId: no ENFORCEMENT_CASE record ${recordId} that you may refer to`,
    ]);
    expect((await field('dep2', OPEN, { input: { ...base, department: undefined, office: OFFICE, case: { recordId } } }))[0]).toBe(
      'input.case.recordId',
    );

    const { body } = await as('pro', OPEN, { input: base });
    const id = body.data.openConsultation.id;
    expect(await field('dep', POST, { id, text: '' })).toEqual(['text', 'text: is required (not blank)']);
    expect((await field('dep', POST, { id, text: '答'.repeat(5001) }))[0]).toBe('text');
    expect((await as('dep', POST, { id, text: '答'.repeat(5000) })).body.errors).toBeUndefined();
    expect((await field('dep', POST, { id, text: '答复', attachments: ['nope'] }))[0]).toBe('attachments[0]');
    expect((await field('dep', CLOSE, { id, settlement: ' ' }))[0]).toBe('settlement');
    expect((await field('dep', GET, { id: 'not-an-id' }))[0]).toBe('id');
    expect((await field('dep', LIST, { after: 'bogus' }))[0]).toBe('after');
  });

  it('counts consultations per department, office, month and status, equal to a hand count', async () => {
    const FIRE = { code: 'YJJ-500102', name: '重庆市涪陵区应急管理局' };
    // [when (UTC), who opens, with whom, closed]
    const plan: [string, string, { code: string; name: string }, boolean][] = [
      ['2025-01-31T15:59:59Z', 'pro', MARKET, true], // Beijing 2025-01-31 23:59:59: January
      ['2025-01-31T16:00:00Z', 'pro', MARKET, false], // Beijing 2025-02-01 00:00: February
      ['2025-02-10T02:00:00Z', 'dep', OFFICE, true],
      ['2025-02-20T02:00:00Z', 'pro2', FIRE, false],
      ['2025-03-31T15:59:59Z', 'pro2', FIRE, true], // the last second of the period
      ['2025-03-31T16:00:00Z', 'pro', MARKET, false], // Beijing 2025-04-01: outside
      ['2024-12-31T15:59:59Z', 'pro', MARKET, false], // Beijing 2024-12-31: outside
    ];
    // the clock only moves on: open them in time order
    for (const [when, who, other, close] of [...plan].sort((a, b) => a[0].localeCompare(b[0]))) {
      clockAt(when);
      const input =
        who === 'dep'
          ? { office: other, topic: 'OTHER', subject: when, question: '问题' }
          : { department: other, topic: 'OTHER', subject: when, question: '问题' };
      const { body } = await as(who, OPEN, { input });
      expect(body.errors).toBeUndefined();
      if (close) {
        const closer = who === 'pro2' ? 'pro2' : 'pro';
        expect((await as(closer, CLOSE, { id: body.data.openConsultation.id, settlement: '办结' })).body.errors).toBeUndefined();
      }
    }
    const period = { from: '2025-01-01', to: '2025-03-31' };
    const counts = await as('analyst', COUNTS, { period, groupBy: ['DEPARTMENT', 'MONTH', 'STATUS'] });
    expect(counts.body.errors).toBeUndefined();
    const flat = counts.body.data.consultationCounts.map((b: any) => [...b.keys.map((k: any) => k.value), b.count]);
    expect(flat).toEqual([
      ['SCJG-500101', '2025-01', 'CLOSED', 1],
      ['SCJG-500101', '2025-02', 'CLOSED', 1],
      ['SCJG-500101', '2025-02', 'OPEN', 1],
      ['YJJ-500102', '2025-02', 'OPEN', 1],
      ['YJJ-500102', '2025-03', 'CLOSED', 1],
    ]);
    expect(counts.body.data.consultationCounts[0].keys).toEqual([
      { dimension: 'DEPARTMENT', value: 'SCJG-500101', label: '重庆市万州区市场监督管理局' },
      { dimension: 'MONTH', value: '2025-01', label: '2025年1月' },
      { dimension: 'STATUS', value: 'CLOSED', label: '已办结' },
    ]);
    const byOffice = await as('admin', COUNTS, { period, groupBy: ['OFFICE'] });
    expect(byOffice.body.data.consultationCounts).toEqual([
      { keys: [{ dimension: 'OFFICE', value: 'JCY-500101', label: '重庆市万州区人民检察院' }], count: 3 },
      { keys: [{ dimension: 'OFFICE', value: 'JCY-500102', label: '重庆市涪陵区人民检察院' }], count: 2 },
    ]);
    // a district's procurator counts its own district's consultations only
    const district = await as('pro2', COUNTS, { period, groupBy: ['STATUS'] });
    expect(district.body.data.consultationCounts.map((b: any) => [b.keys[0].value, b.count])).toEqual([
      ['CLOSED', 1],
      ['OPEN', 1],
    ]);
    // departments do not count; bad dimensions and periods name their field
    expect((await as('dep', COUNTS, { period, groupBy: ['STATUS'] })).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const twice = await as('analyst', COUNTS, { period, groupBy: ['STATUS', 'STATUS'] });
    expect(twice.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
    const none = await as('analyst', COUNTS, { period, groupBy: [] });
    expect(none.body.errors[0].extensions.field).toBe('groupBy');
    const backwards = await as('analyst', COUNTS, { period: { from: '2025-03-01', to: '2025-02-01' }, groupBy: ['STATUS'] });
    expect(backwards.body.errors[0].extensions.field).toBe('period.to');
  });
});
