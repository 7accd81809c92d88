/**
 * CSV export over real HTTP on the real store: the file a spreadsheet user gets (BOM, header, quoting,
 * formula guard), paging through connections, and that the access rules of /graphql (masking,
 * jurisdiction, purpose, audit) hold for exports too.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedStore, type EmbeddedStore } from '../datasources/store/embedded/ferretdb';
import { FERRETDB_BIN } from './store-setup';
import { detentionInput, enforcementInput, personId, prisonInput, registerTestSources } from './fixtures';
import { startDepartment, type Department } from './departments';
import { startTestHub, type TestHub } from './helpers';
import type { Domain } from '../domain/records';
import type { DataSourceDoc } from '../datasources/store/models';

interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
  text: string;
  json?: any;
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('CSV export', () => {
  let t: TestHub;
  let srcs: Record<Domain, DataSourceDoc>;
  /** the 1,200 detention records: 600 in 500101, 600 in 500103 */
  const BIG = 1200;
  const formula = '=HYPERLINK("http://evil.example","点击")';
  const wanzhou = personId(7, '500101');
  beforeAll(async () => {
    t = await startTestHub();
    srcs = await registerTestSources(t.hub.sources);
    const detentions = Array.from({ length: BIG }, (_, i) => {
      const region = i % 2 ? '500103' : '500101';
      const id = personId(i, region);
      return detentionInput(id, i, { region, name: i % 3 ? '王伟' : '欧阳娜娜' });
    });
    for (let i = 0; i < BIG; i += 400)
      expect((await t.hub.sources.ingestor.ingest(srcs.DETENTION, detentions.slice(i, i + 400))).accepted).toBe(400);
    // three enforcement cases with known order (newest first) and awkward text
    const cases = [
      enforcementInput(wanzhou, 1, {
        externalId: 'E-1',
        eventAt: '2024-03-03T09:00:00+08:00',
        violation: '销售伪劣产品, 数量较大',
        caseNumber: '万市监罚〔2024〕1号',
        amountInvolved: 12000,
      }),
      enforcementInput(wanzhou, 2, {
        externalId: 'E-2',
        eventAt: '2024-03-02T09:00:00+08:00',
        violation: formula,
        caseNumber: '万市监罚〔2024〕2号',
        amountInvolved: 500.5,
      }),
      enforcementInput(personId(8, '500103'), 3, {
        externalId: 'E-3',
        region: '500103',
        eventAt: '2024-03-01T09:00:00+08:00',
        violation: '他说"假冒"\n第二行',
        caseNumber: '-1',
        amountInvolved: 0,
      }),
    ];
    expect((await t.hub.sources.ingestor.ingest(srcs.ENFORCEMENT_CASE, cases)).accepted).toBe(3);
  });
  afterAll(async () => {
    await t.close();
  });

  const bearer = async (role: string, extra: Record<string, unknown> = {}) => `Bearer ${await t.token({ role: role as never, ...extra })}`;
  const procurator = async () => ({ authorization: await bearer('PROCURATOR'), 'x-purpose': 'CASE-2025-7' });

  async function download(body: Record<string, unknown>, headers: Record<string, string>, search = ''): Promise<Download> {
    const res = await fetch(`${t.url}/export${search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    return {
      status: res.status,
      headers: res.headers,
      bytes,
      text,
      json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
    };
  }
  /** The CSV rows without the BOM. */
  const rowsOf = (d: Download) => parseCsv(d.text.replace(/^\uFEFF/, ''));

  const CASES =
    '{ enforcementCases { edges { node { externalId caseNumber violation amountInvolved suspectedCrime person { idNumber name } agency { name } } } } }';

  it('exports a small list as UTF-8 CSV with a BOM, a header of dot paths and one row per record', async () => {
    const d = await download({ query: CASES }, await procurator());
    expect(d.status).toBe(200);
    expect(d.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(d.headers.get('content-disposition')).toMatch(/^attachment; filename="enforcementCases-\d{8}-\d{4}\.csv"$/);
    expect([...d.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const agency = '重庆市万州区市场监督管理局';
    expect(d.text.slice(1).split('\r\n')).toEqual([
      'externalId,caseNumber,violation,amountInvolved,suspectedCrime,person.idNumber,person.name,agency.name',
      `E-1,万市监罚〔2024〕1号,"销售伪劣产品, 数量较大",12000,false,${wanzhou},王伟,${agency}`,
      `E-2,万市监罚〔2024〕2号,"'=HYPERLINK(""http://evil.example"",""点击"")",500.5,false,${wanzhou},王伟,${agency}`,
      `E-3,-1,"他说""假冒""\n第二行",0,false,${personId(8, '500103')},王伟,${agency}`,
      '',
    ]);
  });

  it('keeps Chinese text intact and quotes per RFC 4180, so a CSV reader gets the original values back', async () => {
    const rows = rowsOf(await download({ query: CASES }, await procurator()));
    expect(rows[1][2]).toBe('销售伪劣产品, 数量较大');
    expect(rows[3][2]).toBe('他说"假冒"\n第二行');
    // the formula is defused with a leading quote; a plain negative number is left alone
    expect(rows[2][2]).toBe(`'${formula}`);
    expect(rows[3][1]).toBe('-1');
    expect(rows[1][7]).toBe('重庆市万州区市场监督管理局');
  });

  it('streams 1,200 records over several pages, each exactly once, the same records the GraphQL API lists', async () => {
    const api: string[] = [];
    let after: string | null = null;
    do {
      const { body }: any = await t.gql(
        'query($after: String) { detentionRecords(first: 500, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }',
        { after },
      );
      api.push(...body.data.detentionRecords.edges.map((e: any) => e.node.id));
      after = body.data.detentionRecords.pageInfo.hasNextPage ? body.data.detentionRecords.pageInfo.endCursor : null;
    } while (after);
    expect(api).toHaveLength(BIG);

    const d = await download(
      { query: '{ detentionRecords(first: 150) { totalCount edges { node { id region { code } person { name } } } } }' },
      { ...(await procurator()), 'x-request-id': 'paging-test-1' },
    );
    expect(d.status).toBe(200);
    const rows = rowsOf(d);
    expect(rows[0]).toEqual(['id', 'region.code', 'person.name']);
    const ids = rows.slice(1).map((r) => r[0]);
    expect(ids).toHaveLength(BIG);
    expect(new Set(ids).size).toBe(BIG);
    expect(ids).toEqual(api); // same order too: newest first
    expect(new Set(rows.slice(1).map((r) => r[2]))).toEqual(new Set(['王伟', '欧阳娜娜']));
    // 1,200 / 150 = 8 pages, each one GraphQL operation of its own in the audit trail
    const audit = await t.admin('{ auditLog(first: 100) { edges { node { requestId status recordIds } } } }');
    const pages = audit.body.data.auditLog.edges
      .map((e: any) => e.node)
      .filter((n: any) => n.requestId.startsWith('paging-test-1.export.'));
    expect(pages).toHaveLength(8);
    expect(pages.flatMap((p: any) => p.recordIds).filter((id: string) => ids.includes(id))).toHaveLength(BIG);
  });

  it('chooses the page size itself when the query gives none, and stops at maxRows with a note', async () => {
    const d = await download(
      { query: '{ detentionRecords { edges { node { externalId } } } }' },
      { ...(await procurator()), 'x-request-id': 'auto-size' },
      '?maxRows=1100',
    );
    const lines = d.text.slice(1).split('\r\n');
    expect(lines[0]).toBe('externalId');
    expect(lines.slice(1, -2)).toHaveLength(1100);
    expect(lines.at(-2)).toBe('# export stopped at maxRows=1100: more rows match');
    const audit = await t.admin('{ auditLog(first: 50) { edges { node { requestId } } } }');
    // pages of 500 (the largest page allowed): 500 + 500 + 100 of the third page
    expect(audit.body.data.auditLog.edges.filter((e: any) => e.node.requestId.startsWith('auto-size.export.'))).toHaveLength(3);
  });

  it('runs an operation that pages itself with its text unchanged, so a registered (trusted) operation stays trusted', async () => {
    const query =
      'query Cases($after: String) { enforcementCases(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { externalId } } } }';
    const d = await download({ query, operationName: 'Cases' }, { ...(await procurator()), 'x-request-id': 'own-paging' });
    expect(d.text).toBe('\uFEFFexternalId\r\nE-1\r\nE-2\r\nE-3\r\n');
    const audit = await t.admin('{ auditLog(first: 20) { edges { node { requestId operationName operationHash } } } }');
    const pages = audit.body.data.auditLog.edges.map((e: any) => e.node).filter((n: any) => n.requestId.startsWith('own-paging.export.'));
    expect(pages).toHaveLength(2);
    for (const p of pages)
      expect(p).toMatchObject({ operationName: 'Cases', operationHash: createHash('sha256').update(query).digest('hex') });
  });

  it("masks ID numbers and names in an analyst's export and not in a procurator's", async () => {
    const query =
      'query($id: IdNumber!) { enforcementCases(filter: { idNumber: $id }) { edges { node { externalId person { idNumber name } } } } }';
    const masked = rowsOf(await download({ query, variables: { id: wanzhou } }, { authorization: await bearer('ANALYST') }));
    const m = `${wanzhou.slice(0, 6)}********${wanzhou.slice(-4)}`;
    expect(masked).toEqual([
      ['externalId', 'person.idNumber', 'person.name'],
      ['E-1', m, '王*'],
      ['E-2', m, '王*'],
    ]);
    const big = await download(
      { query: '{ detentionRecords(first: 500) { edges { node { person { idNumber name } } } } }' },
      { authorization: await bearer('ANALYST') },
    );
    expect(big.text).toContain('欧阳**'); // a compound surname stays whole
    expect(
      rowsOf(big)
        .slice(1)
        .every(([id]) => /^\d{6}\*{8}[\dX]{4}$/.test(id)),
    ).toBe(true);
    const clear = rowsOf(await download({ query, variables: { id: wanzhou } }, await procurator()));
    expect(clear.slice(1)).toEqual([
      ['E-1', wanzhou, '王伟'],
      ['E-2', wanzhou, '王伟'],
    ]);
  });

  it('gives an analyst of region 500101 only the rows of that region', async () => {
    const d = await download(
      { query: '{ detentionRecords { edges { node { id region { code } } } } }' },
      { authorization: await bearer('ANALYST', { regions: ['500101'] }) },
    );
    const rows = rowsOf(d).slice(1);
    expect(rows).toHaveLength(BIG / 2);
    expect(rows.every(([, region]) => region === '500101')).toBe(true);
  });

  it('answers 401 UNAUTHENTICATED as JSON when no credentials come, by GET or POST', async () => {
    const post = await download({ query: CASES }, {});
    expect(post.status).toBe(401);
    expect(post.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const get = await fetch(`${t.url}/export?query=${encodeURIComponent(CASES)}`);
    expect(get.status).toBe(401);
    expect(((await get.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const forged = await download({ query: CASES }, { authorization: 'Bearer not.a.token' });
    expect(forged.status).toBe(401);
  });

  it('answers 403 FORBIDDEN to a procurator who gives no purpose', async () => {
    const d = await download({ query: CASES }, { authorization: await bearer('PROCURATOR') });
    expect(d.status).toBe(403);
    expect(d.json.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/X-Purpose/) });
  });

  it('serves a GET with the bearer header and variables in the URL, as a script or front end downloads it', async () => {
    const query = 'query($id: IdNumber!) { enforcementCases(filter: { idNumber: $id }) { edges { node { externalId } } } }';
    const res = await fetch(
      `${t.url}/export?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ id: wanzhou }))}`,
      { headers: await procurator() },
    );
    expect(res.status).toBe(200);
    // (fetch's text() would drop the BOM: read the bytes)
    expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toBe('\uFEFFexternalId\r\nE-1\r\nE-2\r\n');
  });

  it('writes the columns asked for, in their order and under their titles, and refuses one the export has not', async () => {
    const columns = ['caseNumber', { path: 'person.name', title: '姓名' }, { path: 'externalId', title: '部门记录编号' }];
    const d = await download({ query: CASES, columns }, await procurator());
    expect(d.status).toBe(200);
    expect(rowsOf(d).slice(0, 3)).toEqual([
      ['caseNumber', '姓名', '部门记录编号'],
      ['万市监罚〔2024〕1号', '王伟', 'E-1'],
      ['万市监罚〔2024〕2号', '王伟', 'E-2'],
    ]);
    // the same by GET, the columns as JSON in the URL
    const res = await fetch(
      `${t.url}/export?query=${encodeURIComponent(CASES)}&columns=${encodeURIComponent(JSON.stringify(['externalId']))}`,
      { headers: await procurator() },
    );
    expect(await res.text()).toBe('externalId\r\nE-1\r\nE-2\r\nE-3\r\n');
    // statistics: the chosen order, whatever the keys-first order would be
    const stats = await download(
      {
        query: '{ statistics(domain: ENFORCEMENT_CASE, groupBy: [REGION]) { keys { dimension value label } count } }',
        columns: [{ path: 'count', title: '数量' }, 'REGION label'],
      },
      await procurator(),
    );
    expect(rowsOf(stats)[0]).toEqual(['数量', 'REGION label']);
    // refused before any row, naming the column and listing those it has
    const bad = await download({ query: CASES, columns: ['caseNumber', 'person.age'] }, await procurator());
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].message).toMatch(/^columns\[1\]: this export has no column "person\.age"; it has externalId, caseNumber, /);
    for (const columns of [[], 'nope', [{ title: 'x' }], [{ path: 'caseNumber', title: 'x'.repeat(101) }]]) {
      const refused = await download({ query: CASES, columns }, await procurator());
      expect([columns, refused.status]).toEqual([columns, 400]);
      expect(refused.json.errors[0].message).toMatch(/^columns/);
    }
  });

  it('refuses form posts, mutations, several root fields, scalars and bad documents before sending any CSV', async () => {
    const headers = await procurator();
    const form = await fetch(`${t.url}/export`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body: JSON.stringify({ query: CASES }),
    });
    expect(form.status).toBe(415);
    const cases: [string, number, string][] = [
      ['mutation { suspendDataSource(id: "x", reason: "r") { id } }', 400, 'only queries can be exported'],
      ['{ dataSources { id } hubInfo { version } }', 400, 'exactly one root field'],
      ['{ enforcementCases { totalCount } }', 400, 'edges { node'],
      ['{ detentionRecords { edges { node { nope } } } }', 400, 'nope'],
      ['{ detentionRecords { edges ', 400, 'Syntax Error'],
    ];
    for (const [query, status, message] of cases) {
      const d = await download({ query }, headers);
      expect([query, d.status]).toEqual([query, status]);
      expect(d.json.errors[0].message).toContain(message);
    }
    expect((await download({ query: CASES }, headers, '?maxRows=0')).status).toBe(400);
  });

  it('exports a plain list one row per item, with lists of objects spread over numbered columns', async () => {
    const d = await download(
      { query: '{ dataSources(domain: DETENTION) { name kind department { code } regions { code } } }' },
      { authorization: await bearer('ADMIN') },
    );
    expect(rowsOf(d)).toEqual([
      ['name', 'kind', 'department.code', 'regions.0.code'],
      ['测试DETENTION', 'HOSTED', 'T-DETENTION', '50'],
    ]);
  });

  it('exports statistics with a column per dimension (value and label), then the count and amount', async () => {
    const query = '{ statistics(domain: ENFORCEMENT_CASE, groupBy: [REGION, YEAR]) { keys { dimension value label } count amount } }';
    const d = await download({ query }, { authorization: await bearer('ANALYST') });
    expect(d.status).toBe(200);
    expect(d.headers.get('content-disposition')).toMatch(/filename="statistics-\d{8}-\d{4}\.csv"/);
    expect(d.text).toBe(
      [
        '\uFEFFREGION,REGION label,YEAR,YEAR label,count,amount',
        '500101,万州区,2024,2024年,2,12500.5',
        '500103,渝中区,2024,2024年,1,0',
        '',
      ].join('\r\n'),
    );
  });

  it('records every page of an export in the audit trail, with who asked and for which purpose', async () => {
    const query = '{ enforcementCases { edges { node { id person { idNumber } } } } }';
    expect((await download({ query }, { ...(await procurator()), 'x-request-id': 'audit-export-1' })).status).toBe(200);
    const { body } = await t.admin('{ auditLog(first: 20) { edges { node { requestId actor purpose status idNumbers recordIds } } } }');
    const entry = body.data.auditLog.edges.map((e: any) => e.node).find((n: any) => n.requestId === 'audit-export-1.export.1');
    expect(entry).toMatchObject({
      actor: { kind: 'person', role: 'PROCURATOR', sub: 'test-procurator' },
      purpose: 'CASE-2025-7',
      status: 'OK',
    });
    expect(entry.recordIds).toHaveLength(3);
    expect(entry.idNumbers).toHaveLength(2); // hashed, never in clear
    expect(JSON.stringify(entry)).not.toContain(wanzhou);
  });

  describe('with a live source down', () => {
    let d: Department;
    afterAll(async () => {
      await d?.close();
    });

    it('still writes the rows of the other sources and ends with a warning naming the failed source', async () => {
      d = await startDepartment({ records: [prisonInput(personId(9), 1, { externalId: 'LIVE-1' })], mode: 'fail500' });
      const reg = await t.admin(
        `mutation { registerDataSource(input: { name: "监狱系统", department: { code: "JY-LIVE", name: "监狱" }, domain: PRISON, kind: REST, regions: ["50"], endpoint: "${d.url}" }) { dataSource { id } } }`,
      );
      const liveId = reg.body.data.registerDataSource.dataSource.id;
      expect((await t.hub.sources.ingestor.ingest(srcs.PRISON, [prisonInput(personId(10), 1, { externalId: 'HOSTED-1' })])).accepted).toBe(
        1,
      );
      const out = await download({ query: '{ prisonRecords { edges { node { externalId } } } }' }, await procurator());
      expect(out.status).toBe(200);
      const lines = out.text.slice(1).split('\r\n');
      expect(lines.slice(0, 2)).toEqual(['externalId', 'HOSTED-1']);
      expect(lines[2]).toMatch(new RegExp(`^# warning: source ${liveId} unavailable: `));
      expect(lines[3]).toBe('');
    });
  });
});

describe('CSV export when the store fails mid-way', () => {
  let store: EmbeddedStore;
  let t: TestHub;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-export-'));
    store = await startEmbeddedStore({ bin: FERRETDB_BIN, port: await freePort(), handler: 'sqlite', dataDir: dir, supervise: false });
    t = await startTestHub({ uri: store.uri, dbName: 'export' });
    const srcs = await registerTestSources(t.hub.sources);
    const records = Array.from({ length: 300 }, (_, i) => detentionInput(personId(i), i));
    expect((await t.hub.sources.ingestor.ingest(srcs.DETENTION, records)).accepted).toBe(300);
  });
  afterAll(async () => {
    await t.close().catch(() => undefined);
    await store.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends the file with "# export incomplete" and cuts the connection, so the client can tell', async () => {
    const auth = `Bearer ${await t.token({ role: 'PROCURATOR' })}`;
    const body = JSON.stringify({ query: '{ detentionRecords(first: 5) { edges { node { externalId } } } }' });
    const { status, text, aborted } = await new Promise<{ status: number; text: string; aborted: boolean }>((resolve, reject) => {
      const req = http.request(
        `${t.url}/export`,
        { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth, 'x-purpose': 'CASE-1' } },
        (res) => {
          const chunks: Buffer[] = [];
          let killing: Promise<void> | undefined;
          res.on('data', (c: Buffer) => {
            chunks.push(c);
            // the first rows are here: take the store away while the later pages are still to come
            killing ??= store.kill();
          });
          const done = (aborted: boolean) => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8'), aborted });
          res.on('end', () => done(false));
          res.on('error', () => done(true));
          res.on('aborted', () => done(true));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe('externalId');
    expect(lines.length).toBeGreaterThan(6); // at least the first page
    expect(lines.length).toBeLessThan(302);
    expect(lines.at(-2)).toMatch(/^# export incomplete: .*(store is not reachable|audit trail)/);
    expect(aborted).toBe(true);
  });
});
